import type { AcceptOutcome, CallRepository, HelperCall } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

function toCall(row: Prisma.HelperCallGetPayload<object>): HelperCall {
  const { filledAt: _f, cancelledAt: _c, ...call } = row;
  return call;
}

export function callRepository(db: Db): CallRepository {
  return {
    async create(call) {
      return toCall(await db.helperCall.create({ data: call }));
    },
    async findById(id) {
      const row = await db.helperCall.findUnique({ where: { id } });
      return row && toCall(row);
    },
    async accept(callId, personId, at): Promise<AcceptOutcome> {
      // One conditional UPDATE takes a place: concurrent accepts queue on the row lock and
      // re-check the condition, so exactly helpersNeeded of them succeed.
      const taken = await db.$queryRaw<{ acceptedCount: number; helpersNeeded: number }[]>`
        UPDATE "HelperCall"
           SET "acceptedCount" = "acceptedCount" + 1,
               "status" = CASE WHEN "acceptedCount" + 1 >= "helpersNeeded" THEN 'full'::"CallStatus" ELSE "status" END,
               "filledAt" = CASE WHEN "acceptedCount" + 1 >= "helpersNeeded" THEN ${at} ELSE "filledAt" END
         WHERE "id" = ${callId} AND "status" = 'open' AND "acceptedCount" < "helpersNeeded" AND "answerBy" > ${at}
     RETURNING "acceptedCount", "helpersNeeded"`;
      if (taken.length === 0) {
        const [call, response] = await Promise.all([
          db.helperCall.findUnique({ where: { id: callId } }),
          db.callResponse.findUnique({ where: { callId_personId: { callId, personId } } }),
        ]);
        if (response?.status === 'accepted') return { kind: 'already-accepted' };
        if (!response) return { kind: 'not-asked' };
        return call && call.status === 'full' ? { kind: 'full' } : { kind: 'closed' };
      }
      const { count } = await db.callResponse.updateMany({
        where: { callId, personId, status: { not: 'accepted' } },
        data: { status: 'accepted', answeredAt: at },
      });
      if (count === 0) {
        // Not asked, or accepted already: give the place back (the row is still locked by us).
        await db.$executeRaw`
          UPDATE "HelperCall" SET "acceptedCount" = "acceptedCount" - 1, "status" = 'open'::"CallStatus", "filledAt" = NULL
           WHERE "id" = ${callId}`;
        const response = await db.callResponse.findUnique({ where: { callId_personId: { callId, personId } } });
        return response ? { kind: 'already-accepted' } : { kind: 'not-asked' };
      }
      const call = toCall(await db.helperCall.findUniqueOrThrow({ where: { id: callId } }));
      return { kind: 'accepted', call, nowFull: taken[0]!.acceptedCount >= taken[0]!.helpersNeeded };
    },
    async decline(callId, personId, at) {
      const { count } = await db.callResponse.updateMany({
        where: { callId, personId, status: { in: ['asked', 'filled', 'declined'] } },
        data: { status: 'declined', answeredAt: at },
      });
      return count === 1;
    },
    async release(callId, personId, at) {
      const { count } = await db.callResponse.updateMany({ where: { callId, personId, status: 'accepted' }, data: { status: 'released', answeredAt: at } });
      if (count === 0) return false;
      await db.$executeRaw`
        UPDATE "HelperCall"
           SET "acceptedCount" = "acceptedCount" - 1,
               "status" = CASE WHEN "status" = 'full' AND "answerBy" > ${at} THEN 'open'::"CallStatus" ELSE "status" END,
               "filledAt" = NULL
         WHERE "id" = ${callId}`;
      return true;
    },
    async cancel(callId, at) {
      const { count } = await db.helperCall.updateMany({ where: { id: callId, status: { in: ['open', 'full'] } }, data: { status: 'cancelled', cancelledAt: at } });
      if (count === 0) return null;
      const accepted = await db.callResponse.findMany({ where: { callId, status: 'accepted' }, select: { personId: true } });
      return accepted.map((r) => r.personId);
    },
    async setAttendance(callId, personId, attended, at) {
      if (attended) {
        const { count } = await db.callResponse.updateMany({ where: { callId, personId, status: 'accepted' }, data: { attended } });
        return count === 1;
      }
      // A no-show is counted once per call, however often it is marked.
      const { count } = await db.callResponse.updateMany({
        where: { callId, personId, status: 'accepted', OR: [{ attended: null }, { attended: true }] },
        data: { attended: false },
      });
      if (count === 1) await db.person.update({ where: { id: personId }, data: { noShowCount: { increment: 1 }, lastNoShowAt: at } });
      return count === 1 || (await db.callResponse.count({ where: { callId, personId, status: 'accepted' } })) === 1;
    },
    async extendDeadline(callId, answerBy, at) {
      const rows = await db.$queryRaw<{ was: 'open' | 'expired' }[]>`
        UPDATE "HelperCall" AS c
           SET "answerBy" = ${answerBy}, "status" = 'open'::"CallStatus"
          FROM (SELECT "id", "status" AS was FROM "HelperCall" WHERE "id" = ${callId} FOR UPDATE) AS before
         WHERE c."id" = before."id" AND c."status" IN ('open', 'expired') AND c."startsAt" >= ${answerBy}
           AND ${answerBy} > ${at} AND ${answerBy} > c."answerBy"
     RETURNING before.was::text AS was`;
      return rows[0]?.was ?? null;
    },
    async addPlaces(callId, count, max, at) {
      const changed = await db.$executeRaw`
        UPDATE "HelperCall"
           SET "helpersNeeded" = "helpersNeeded" + ${count}, "status" = 'open'::"CallStatus", "filledAt" = NULL
         WHERE "id" = ${callId} AND "status" IN ('open', 'full') AND "answerBy" > ${at} AND "helpersNeeded" + ${count} <= ${max}`;
      return changed === 1;
    },
    async expire(callId, at) {
      const { count } = await db.helperCall.updateMany({ where: { id: callId, status: 'open', answerBy: { lte: at } }, data: { status: 'expired' } });
      return count === 1;
    },
    async closeOpenAsks(callId) {
      const open = await db.callResponse.findMany({ where: { callId, status: 'asked' }, select: { personId: true } });
      await db.callResponse.updateMany({ where: { callId, status: 'asked' }, data: { status: 'filled' } });
      return open.map((r) => r.personId);
    },
    async recordWave(callId, wave, nextWaveAt) {
      await db.helperCall.update({ where: { id: callId }, data: { waves: wave, nextWaveAt } });
    },
    async upcomingForOrganisation(organisationId, now) {
      const rows = await db.helperCall.findMany({ where: { organisationId, endsAt: { gt: now } }, orderBy: { startsAt: 'asc' }, take: 20 });
      return rows.map(toCall);
    },
    async responses(callId) {
      return db.callResponse.findMany({ where: { callId }, orderBy: [{ wave: 'asc' }, { askedAt: 'asc' }] });
    },
  };
}
