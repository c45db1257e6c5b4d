import type { AttachmentInfo, AttachmentRepository } from '../../core/index.js';
import type { Db } from './db.js';

const INFO = { id: true, ownerId: true, submissionId: true, version: true, mediaType: true, size: true, sha256: true, createdAt: true } as const;

export function attachmentRepository(db: Db): AttachmentRepository {
  return {
    async putDraft({ bytes, ...info }, at) {
      // One photo waits in a person's draft at a time; an abandoned one goes with the next.
      await db.attachment.deleteMany({ where: { ownerId: info.ownerId, submissionId: null } });
      await db.attachment.create({ data: { ...info, bytes: new Uint8Array(bytes), createdAt: at } });
    },
    async attach(id, ownerId, submissionId, version) {
      const { count } = await db.attachment.updateMany({ where: { id, ownerId, submissionId: null }, data: { submissionId, version } });
      return count === 1;
    },
    async forVersion(submissionId, version) {
      return db.attachment.findUnique({ where: { submissionId_version: { submissionId, version } }, select: INFO });
    },
    async copy(submissionId, fromVersion, toVersion, newId) {
      // In the database: the bytes never travel through the service for a revision that keeps its photo.
      const copied = await db.$executeRaw`
        insert into "Attachment" ("id", "ownerId", "submissionId", "version", "mediaType", "size", "sha256", "bytes", "createdAt")
        select ${newId}, "ownerId", "submissionId", ${toVersion}, "mediaType", "size", "sha256", "bytes", "createdAt"
        from "Attachment" where "submissionId" = ${submissionId} and "version" = ${fromVersion}`;
      return copied === 1;
    },
    async find(id) {
      return db.attachment.findUnique({ where: { id }, select: INFO });
    },
    async bytes(id) {
      const row = await db.attachment.findUnique({ where: { id }, select: { bytes: true } });
      return row ? new Uint8Array(row.bytes) : null;
    },
    async ofOwner(ownerId) {
      return db.attachment.findMany({ where: { ownerId }, select: INFO, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    },
    async deleteUnpublished(ownerId) {
      const rows: Pick<AttachmentInfo, 'id' | 'submissionId' | 'version'>[] = await db.attachment.findMany({ where: { ownerId }, select: { id: true, submissionId: true, version: true } });
      const published = new Set(
        (await db.submission.findMany({ where: { id: { in: rows.flatMap((r) => (r.submissionId ? [r.submissionId] : [])) }, status: 'published' }, select: { id: true, version: true } })).map((s) => `${s.id}:${s.version}`),
      );
      const gone = rows.filter((r) => !published.has(`${r.submissionId}:${r.version}`)).map((r) => r.id);
      const { count } = await db.attachment.deleteMany({ where: { id: { in: gone } } });
      return count;
    },
  };
}
