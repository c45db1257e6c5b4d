import type { TeamsReference, TeamsStore } from '../../bots/teams/index.js';
import type { Db } from './db.js';

/**
 * The Teams adapter's storage: conversation references on the person's channel
 * identity (deleted with the person), sent messages in `SentMessage`
 * (`externalId` is the Teams activity id, `payload` the conversation).
 */
export function teamsStore(db: Db, channel: string): TeamsStore {
  const toSent = (row: { address: string; payload: unknown; externalId: string | null }) => ({
    address: row.address,
    reference: (row.payload as TeamsReference | null) ?? null,
    activityId: row.externalId,
  });
  return {
    async rememberReference(address, reference) {
      if (reference.conversation.conversationType !== 'personal') return;
      await db.channelIdentity.updateMany({ where: { channel, address }, data: { reference: reference as never } });
    },
    async reference(address) {
      const row = await db.channelIdentity.findUnique({ where: { channel_address: { channel, address } }, select: { reference: true } });
      return (row?.reference as TeamsReference | null | undefined) ?? null;
    },
    async beginSend(id, address, subject) {
      const { count } = await db.sentMessage.createMany({ data: [{ id, channel, address, subject: subject ?? null }], skipDuplicates: true });
      if (count === 1) return null;
      const row = await db.sentMessage.findUnique({ where: { id } });
      return row ? toSent(row) : null;
    },
    async recordSent(id, address, reference, activityId, subject) {
      await db.sentMessage.upsert({
        where: { id },
        create: { id, channel, address, externalId: activityId, payload: reference as never, subject: subject ?? null },
        update: { externalId: activityId, payload: reference as never },
      });
    },
    async sent(id) {
      const row = await db.sentMessage.findFirst({ where: { id, channel } });
      return row ? toSent(row) : null;
    },
  };
}
