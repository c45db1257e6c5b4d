import type { Store } from '../store.js';
import { DEFAULT_ACTIVITIES, type Region } from './region.js';

export interface DefaultRegionSettings {
  name: string;
  controllerName?: string | undefined;
  contactEmail?: string | undefined;
}

/**
 * A single-region install needs no set-up: the first start creates the
 * default region with the standard activity catalogue. Safe when several
 * instances start at once (the slug is unique).
 */
export async function ensureDefaultRegion(store: Store, settings: DefaultRegionSettings): Promise<Region> {
  const existing = await store.regions.getDefault();
  if (existing) return existing;
  await store.transaction(async (repos) => {
    const region: Region = {
      id: 'default',
      slug: 'default',
      name: settings.name,
      centerLat: null,
      centerLon: null,
      radiusKm: null,
      isDefault: true,
      timeZone: 'Europe/Berlin',
      privacyNoticeVersion: '1',
      controllerName: settings.controllerName ?? null,
      contactEmail: settings.contactEmail ?? null,
    };
    if (await repos.regions.create(region, [...DEFAULT_ACTIVITIES])) {
      await repos.audit.append({ actorId: null, action: 'region.created', subjectType: 'region', subjectId: region.id, details: { default: true } });
    }
  });
  const created = await store.regions.getDefault();
  if (!created) throw new Error('The default region could not be created');
  return created;
}
