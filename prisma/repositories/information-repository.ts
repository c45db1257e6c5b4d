import type { InfoQuestion, InfoVersion, InformationRepository } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

type Row = Prisma.SubmissionGetPayload<{ include: { versions: true; infoItem: true } }>;

/** The submission's current version, as a reader sees it; null while it has none. */
/** Published Q&A items (questions both sides agreed to publish) are read under their topic like information. */
const READ_AS_INFORMATION: ('information' | 'question')[] = ['information', 'question'];

function toVersion(row: Row): InfoVersion | null {
  const version = row.versions.find((v) => v.version === row.version);
  if (!version) return null;
  return {
    submissionId: row.id,
    groupId: row.infoItem?.groupId ?? row.id,
    regionId: row.regionId,
    topic: row.topic,
    language: version.language,
    title: version.title,
    body: version.body,
    urgent: row.infoItem?.urgent ?? false,
    publishedAt: row.updatedAt,
  };
}

const present = (v: InfoVersion | null): v is InfoVersion => v !== null;

export function informationRepository(db: Db): InformationRepository {
  return {
    async createReader(person, profile) {
      await db.person.create({ data: { ...person, kind: 'refugee', infoProfile: { create: profile } } });
    },
    async profile(personId) {
      return db.infoProfile.findUnique({ where: { personId } });
    },
    async saveProfile(personId, profile) {
      await db.infoProfile.upsert({ where: { personId }, create: { personId, ...profile }, update: profile });
    },
    async setRegion(personId, regionId) {
      await db.person.update({ where: { id: personId }, data: { regionId } });
    },
    async followers(regionId, topic) {
      const rows = await db.infoProfile.findMany({
        where: { topics: { has: topic }, person: { regionId, status: 'active' } },
        select: { personId: true, secondLocale: true, person: { select: { locale: true } } },
      });
      return rows.map((r) => ({ personId: r.personId, locale: r.person.locale, secondLocale: r.secondLocale }));
    },
    async link(submissionId, groupId) {
      await db.infoItem.upsert({ where: { submissionId }, create: { submissionId, groupId }, update: { groupId } });
    },
    async groupOf(submissionId) {
      return db.infoItem.findUnique({ where: { submissionId }, select: { groupId: true, urgent: true } });
    },
    async setUrgent(groupId, urgent) {
      await db.infoItem.upsert({ where: { submissionId: groupId }, create: { submissionId: groupId, groupId, urgent }, update: {} });
      return (await db.infoItem.updateMany({ where: { groupId }, data: { urgent } })).count;
    },
    async published(regionId, topic, limit) {
      const rows = await db.submission.findMany({
        where: { regionId, kind: { in: READ_AS_INFORMATION }, status: 'published', parentId: null, ...(topic ? { topic } : {}) },
        include: { versions: true, infoItem: true },
        orderBy: { updatedAt: 'desc' },
        take: limit,
      });
      return rows.map(toVersion).filter(present);
    },
    async group(groupId) {
      const rows = await db.submission.findMany({
        where: { kind: { in: READ_AS_INFORMATION }, status: 'published', OR: [{ id: groupId }, { infoItem: { groupId } }] },
        include: { versions: true, infoItem: true },
      });
      return rows.map(toVersion).filter(present);
    },
    async ask(question, at) {
      await db.infoQuestion.create({ data: { ...question, createdAt: at } });
    },
    async findQuestion(id) {
      return (await db.infoQuestion.findUnique({ where: { id } })) as InfoQuestion | null;
    },
    async openQuestions(regionId, limit) {
      return (await db.infoQuestion.findMany({ where: { regionId, answeredAt: null }, orderBy: { createdAt: 'asc' }, take: limit })) as InfoQuestion[];
    },
    async answer(id, answer, byId, at) {
      return (await db.infoQuestion.updateMany({ where: { id, answeredAt: null }, data: { answer, answeredById: byId, answeredAt: at } })).count === 1;
    },
    async questionsOf(personId) {
      return (await db.infoQuestion.findMany({ where: { personId }, orderBy: { createdAt: 'asc' } })) as InfoQuestion[];
    },
    async setPublication(id, from, to, extra = {}) {
      const { count } = await db.infoQuestion.updateMany({ where: { id, publication: from ?? null, answeredAt: { not: null } }, data: { publication: to, ...extra } });
      return count === 1;
    },
    async answerers(regionId) {
      const rows = await db.roleGrant.findMany({
        where: {
          revokedAt: null,
          person: { regionId, status: 'active' },
          OR: [{ role: { in: ['moderator', 'admin'] }, OR: [{ regionId: null }, { regionId }] }, { role: 'coordinator', regionId }],
        },
        select: { personId: true },
        distinct: ['personId'],
      });
      return rows.map((r) => r.personId);
    },
  };
}
