import type { Activity, Region, RegionRepository } from '../../core/index.js';
import type { Prisma } from '../generated/client.js';
import type { Db } from './db.js';

function toRegion(row: Prisma.RegionGetPayload<object>): Region {
  const { settings: _settings, createdAt: _createdAt, ...region } = row;
  return region;
}

export function regionRepository(db: Db): RegionRepository {
  return {
    async getDefault() {
      const row = await db.region.findFirst({ where: { isDefault: true }, orderBy: { createdAt: 'asc' } });
      return row && toRegion(row);
    },
    async findById(id) {
      const row = await db.region.findUnique({ where: { id } });
      return row && toRegion(row);
    },
    async findBySlug(slug) {
      const row = await db.region.findUnique({ where: { slug } });
      return row && toRegion(row);
    },
    async list() {
      return (await db.region.findMany({ orderBy: { createdAt: 'asc' } })).map(toRegion);
    },
    async create(region, activities) {
      const { count } = await db.region.createMany({ data: [region], skipDuplicates: true });
      if (count === 0) return false;
      await db.activity.createMany({ data: activities.map((key, position) => ({ regionId: region.id, key, position })) });
      return true;
    },
    async allActivities(regionId) {
      const rows = await db.activity.findMany({ where: { regionId }, orderBy: [{ position: 'asc' }, { key: 'asc' }] });
      return rows.map((r) => ({ key: r.key, labels: (r.labels ?? {}) as Record<string, string>, active: r.active }));
    },
    async upsertActivity(regionId, activity) {
      const last = await db.activity.aggregate({ where: { regionId }, _max: { position: true } });
      await db.activity.upsert({
        where: { regionId_key: { regionId, key: activity.key } },
        create: { regionId, key: activity.key, labels: activity.labels, position: (last._max.position ?? -1) + 1 },
        update: { labels: activity.labels, active: true },
      });
    },
    async setActivityActive(regionId, key, active) {
      const { count } = await db.activity.updateMany({ where: { regionId, key }, data: { active } });
      return count === 1;
    },
    async activities(regionId): Promise<Activity[]> {
      const rows = await db.activity.findMany({ where: { regionId, active: true }, orderBy: [{ position: 'asc' }, { key: 'asc' }] });
      return rows.map((r) => ({ key: r.key, labels: (r.labels ?? {}) as Record<string, string> }));
    },
  };
}
