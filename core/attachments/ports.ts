/**
 * Photos on submissions: the storage port (implemented in `prisma/`), plain
 * data and no rules. The bytes live in the database with the item, since
 * instances keep no files of their own.
 */

/** What is known of a stored photo without its bytes. */
export interface AttachmentInfo {
  /** Random and never listed: a web link to the photo names it. */
  id: string;
  ownerId: string | null;
  /** Set once the photo belongs to a submitted version; null while it waits in a draft. */
  submissionId: string | null;
  version: number | null;
  mediaType: string;
  size: number;
  /** Hex SHA-256 of the stored (cleaned) bytes. */
  sha256: string;
  createdAt: Date;
}

export interface AttachmentRepository {
  /** Stores a photo of a draft, owned by a person; their older draft photos that were never submitted go. */
  putDraft(attachment: Omit<AttachmentInfo, 'submissionId' | 'version' | 'createdAt'> & { bytes: Uint8Array }, at: Date): Promise<void>;
  /** Ties a draft photo of this owner to a submitted version; false when there is no such draft photo. */
  attach(id: string, ownerId: string, submissionId: string, version: number): Promise<boolean>;
  /** The photo of one version, if it has one. */
  forVersion(submissionId: string, version: number): Promise<AttachmentInfo | null>;
  /** Gives a new version the same photo as an earlier one (a revision that keeps it), without moving the bytes through the service. */
  copy(submissionId: string, fromVersion: number, toVersion: number, newId: string): Promise<boolean>;
  find(id: string): Promise<AttachmentInfo | null>;
  bytes(id: string): Promise<Uint8Array | null>;
  /** Every photo a person uploaded, oldest first (for their data export). */
  ofOwner(ownerId: string): Promise<AttachmentInfo[]>;
  /** Deletes the person's photos except those of versions that are published; returns how many went. */
  deleteUnpublished(ownerId: string): Promise<number>;
}
