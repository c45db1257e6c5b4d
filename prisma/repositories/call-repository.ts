import type { AcceptRequest, CallRepository, HelperCall } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import { acceptEach } from './accept-statement.js';
import { prismaSql, type Db, type Sql } from './db.js';
import { keyedBatcher } from './keyed-batcher.js';

function toCall(row: Prisma.HelperCallGetPayload<object>): HelperCall {
  const { filledAt: _f, cancelledAt: _c, ...call } = row;
  return call;
}

/**
 * The Prisma implementation of the call port. Simultaneous accepts of one call are coalesced (one
 * statement per batch, see accept-statement.ts): build one repository per store and share it, so
 * its batcher sees every accept of that store. In a transaction's repository they still take the
 * same statement, on the transaction's connection.
 */
export function callRepository(db: Db, sql: Sql = prismaSql(db)): CallRepository {
  const accept = keyedBatcher((callId: string, requests: AcceptRequest[]) => acceptEach(sql, callId, requests));
  return {
    async create(call) {
      return toCall(await db.helperCall.create({ data: call }));
    },
    async findById(id) {
      const row = await db.helperCall.findUnique({ where: { id } });
      return row && toCall(row);
    },
    accept(request) {
      return accept(request.callId, request);
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
    async upcomingForOrganisation(organisationId, since) {
      const rows = await db.helperCall.findMany({ where: { organisationId, endsAt: { gt: since } }, orderBy: { startsAt: 'asc' }, take: 20 });
      return rows.map(toCall);
    },
    async responses(callId) {
      return db.callResponse.findMany({ where: { callId }, orderBy: [{ wave: 'asc' }, { askedAt: 'asc' }] });
    },
  };
}
