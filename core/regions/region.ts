export interface Region {
  id: string;
  slug: string;
  name: string;
  centerLat: number | null;
  centerLon: number | null;
  radiusKm: number | null;
  isDefault: boolean;
  timeZone: string;
  privacyNoticeVersion: string;
  controllerName: string | null;
  contactEmail: string | null;
}

export interface Activity {
  key: string;
  /** Region-specific labels by language; when absent, `activities:<key>` from locales. */
  labels: Record<string, string>;
}

/** The catalogue a new region starts with (seed 004: "Art der Tätigkeit"). */
export const DEFAULT_ACTIVITIES = [
  'accompanying',
  'translating',
  'childcare',
  'sorting_donations',
  'driving',
  'tutoring',
  'german_practice',
  'sports',
  'leisure',
  'handicraft',
] as const;
