import { createHash } from 'node:crypto';
import { msg, type Msg } from '../messages.js';
import type { ReceivedFile } from '../conversation/types.js';
import { DamagedImageError, sniffImageType, stripImageMetadata, type ImageType } from './image-metadata.js';
import { DEFAULT_MAX_ATTACHMENT_BYTES, megabytes } from './settings.js';

/** A photo ready to store: a known type, within the limit, without metadata. */
export interface CleanImage {
  bytes: Uint8Array;
  mediaType: ImageType;
  size: number;
  sha256: string;
}

/**
 * Fetches a file from its channel when its announced size allows, so the
 * download happens before (and outside) the turn's transaction. A file that
 * is larger comes back without bytes and with a size above the limit.
 */
export async function receiveFile(file: ReceivedFile, maxBytes = DEFAULT_MAX_ATTACHMENT_BYTES): Promise<ReceivedFile> {
  if (file.bytes || !file.fetch) return file;
  if (file.size !== undefined && file.size > maxBytes) return { ...file, fetch: undefined } as ReceivedFile;
  let bytes: Uint8Array | null;
  try {
    bytes = await file.fetch(maxBytes);
  } catch {
    // The channel could not hand it over (gone, or a network error): the person is asked to send it again.
    return { size: 0, ...(file.mediaType ? { mediaType: file.mediaType } : {}) };
  }
  if (!bytes) return { size: maxBytes + 1, ...(file.mediaType ? { mediaType: file.mediaType } : {}) };
  return { bytes, size: bytes.length, ...(file.mediaType ? { mediaType: file.mediaType } : {}) };
}

/**
 * Checks a received photo: too large, not a JPEG/PNG/WebP by its own bytes,
 * or damaged each gets its own sentence; otherwise the cleaned image.
 */
export function cleanImage(file: ReceivedFile, maxBytes = DEFAULT_MAX_ATTACHMENT_BYTES): CleanImage | Msg {
  const size = file.bytes?.length ?? file.size ?? 0;
  if (size > maxBytes) return msg('attachments:tooLarge', { max: megabytes(maxBytes) });
  if (!file.bytes || file.bytes.length === 0) return msg('attachments:unreadable');
  const type = sniffImageType(file.bytes);
  if (!type) return msg('attachments:wrongType');
  try {
    const bytes = stripImageMetadata(file.bytes, type);
    return { bytes, mediaType: type, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (error) {
    if (error instanceof DamagedImageError) return msg('attachments:unreadable');
    throw error;
  }
}
