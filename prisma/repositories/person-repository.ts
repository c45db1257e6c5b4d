import { DomainError, ErrorCode, gridCell, type Person, type PersonRepository, type Profile } from '../../core/index.js';
import { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

type Row = Prisma.PersonGetPayload<object>;

function toPerson(row: Row): Person {
  return {
    id: row.id,
    regionId: row.regionId,
    kind: row.kind,
    status: row.status,
    locale: row.locale,
    firstName: row.firstName,
    lastName: row.lastName,
    email: row.email,
    phone: row.phone,
    placeName: row.placeName,
    postcode: row.postcode,
    lat: row.lat,
    lon: row.lon,
    travelRadiusKm: row.travelRadiusKm,
    activities: row.activities,
    languages: row.languages,
    weeklyHours: row.weeklyHours,
    skills: row.skills,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function profileData(p: Profile) {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email,
    phone: p.phone,
    placeName: p.placeName,
    postcode: p.postcode,
    lat: p.lat,
    lon: p.lon,
    travelRadiusKm: p.travelRadiusKm,
    activities: p.activities,
    languages: p.languages,
    weeklyHours: p.weeklyHours,
    skills: p.skills,
    cell: gridCell(p.lat, p.lon),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export function personRepository(db: Db): PersonRepository {
  return {
    async create(person) {
      try {
        const row = await db.person.create({ data: { id: person.id, regionId: person.regionId, locale: person.locale, ...profileData(person) } });
        return toPerson(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError(ErrorCode.EmailInUse);
        throw error;
      }
    },
    async findById(id) {
      const row = await db.person.findUnique({ where: { id } });
      return row && toPerson(row);
    },
    async findByEmail(regionId, email) {
      // E-mail addresses compare case-insensitively in practice, although the local part may differ by case in theory.
      const row = await db.person.findFirst({ where: { regionId, email: { equals: email, mode: 'insensitive' } } });
      return row && toPerson(row);
    },
    async findAllByEmail(email) {
      const rows = await db.person.findMany({ where: { email: { equals: email, mode: 'insensitive' } }, orderBy: { createdAt: 'asc' } });
      return rows.map(toPerson);
    },
    async findByIdentity(channel, address) {
      const identity = await db.channelIdentity.findUnique({ where: { channel_address: { channel, address } }, include: { person: true } });
      return identity ? toPerson(identity.person) : null;
    },
    async updateProfile(id, profile) {
      try {
        return toPerson(await db.person.update({ where: { id }, data: profileData(profile) }));
      } catch (error) {
        if (isUniqueViolation(error)) throw new DomainError(ErrorCode.EmailInUse);
        throw error;
      }
    },
    async setPausedUntil(id, until) {
      await db.person.update({ where: { id }, data: { pausedUntil: until } });
    },
    async setStatus(id, status) {
      await db.person.update({ where: { id }, data: { status } });
    },
    async setTopics(id, topics) {
      await db.person.update({ where: { id }, data: { topics } });
    },
    async topics(id) {
      return (await db.person.findUnique({ where: { id }, select: { topics: true } }))?.topics ?? [];
    },
    async setLocale(id, locale) {
      await db.person.update({ where: { id }, data: { locale } });
    },
    async delete(id) {
      // Not a relation of Person (kept out of its model), so removed here.
      await db.moderatorNoticeOptOut.deleteMany({ where: { personId: id } });
      await db.person.deleteMany({ where: { id } });
    },
  };
}
