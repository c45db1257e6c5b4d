import type { MatrixStore } from '../../bots/matrix/matrix-store.js';
import type { Db } from './db.js';

export function matrixStore(db: Db, channel: string): MatrixStore {
  return {
    async joined(roomId, userId, encrypted) {
      const { count } = await db.matrixRoom.createMany({ data: [{ roomId, userId, encrypted }], skipDuplicates: true });
      // Invited again into a room it had left: that counts as new (only one instance sees leftAt set).
      const rejoined = count === 0 ? (await db.matrixRoom.updateMany({ where: { roomId, leftAt: { not: null } }, data: { userId, leftAt: null, ...(encrypted ? { encrypted } : {}) } })).count : 0;
      // The person invited the bot again: helper calls reach them once more.
      if (!encrypted) await db.channelIdentity.updateMany({ where: { channel, address: userId, unreachableSince: { not: null } }, data: { unreachableSince: null } });
      return count === 1 || rejoined === 1;
    },
    async left(roomId, at) {
      await db.matrixRoom.updateMany({ where: { roomId, leftAt: null }, data: { leftAt: at } });
    },
    async markEncrypted(roomId) {
      const { count } = await db.matrixRoom.updateMany({ where: { roomId, encrypted: false }, data: { encrypted: true } });
      return count === 1;
    },
    async findRoom(roomId) {
      const row = await db.matrixRoom.findUnique({ where: { roomId } });
      return row && { roomId: row.roomId, userId: row.userId, encrypted: row.encrypted, leftAt: row.leftAt };
    },
    async directRoomOf(userId) {
      const row = await db.matrixRoom.findFirst({ where: { userId, leftAt: null, encrypted: false }, orderBy: [{ updatedAt: 'desc' }, { roomId: 'asc' }], select: { roomId: true } });
      return row?.roomId ?? null;
    },
    async recordSent({ id, address, roomId, eventId, subject }) {
      // Only where it lives, never what it said: the text is in the person's client, not here.
      await db.sentMessage.createMany({ data: [{ id, channel, address, externalId: eventId, payload: { roomId }, subject: subject ?? null }], skipDuplicates: true });
    },
    async findSent(id) {
      const row = await db.sentMessage.findFirst({ where: { id, channel } });
      const roomId = (row?.payload as { roomId?: unknown } | null)?.roomId;
      if (!row?.externalId || typeof roomId !== 'string') return null;
      return { address: row.address, roomId, eventId: row.externalId };
    },
    async readValue(key) {
      return (await db.matrixState.findUnique({ where: { key } }))?.value ?? null;
    },
    async storeValue(key, value) {
      await db.matrixState.upsert({ where: { key }, create: { key, value }, update: { value } });
    },
  };
}
