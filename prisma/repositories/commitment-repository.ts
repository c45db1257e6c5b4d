// Not yet re-exported by core/index.ts; imported from its own file until it is.
import type { Commitment, CommitmentRepository } from '../../core/calls/commitments.js';
import type { Db } from './db.js';

export function commitmentRepository(db: Db): CommitmentRepository {
  return {
    async upcoming(personId, from): Promise<Commitment[]> {
      const rows = await db.helperCall.findMany({
        where: { endsAt: { gt: from }, responses: { some: { personId, status: 'accepted' } } },
        include: { organisation: { select: { name: true } } },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map((row) => ({
        callId: row.id,
        title: row.title,
        description: row.description,
        placeName: row.placeName,
        lat: row.lat,
        lon: row.lon,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        organisation: row.organisation.name,
        status: row.status,
        // A call has no updatedAt; being cancelled is the one change a calendar must see.
        updatedAt: row.cancelledAt ?? row.createdAt,
      }));
    },
    async byCalendarToken(token) {
      const row = await db.person.findUnique({ where: { calendarToken: token }, select: { id: true } });
      return row?.id ?? null;
    },
    async calendarToken(personId) {
      const row = await db.person.findUnique({ where: { id: personId }, select: { calendarToken: true } });
      return row?.calendarToken ?? null;
    },
    async setCalendarToken(personId, token) {
      await db.person.update({ where: { id: personId }, data: { calendarToken: token } });
    },
  };
}
