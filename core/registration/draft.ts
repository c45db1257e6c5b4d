import type { Place } from '../geo/index.js';
import type { Profile } from '../people/person.js';

/** What a person has entered so far; kept in the conversation state until confirmed. */
export interface RegistrationDraft extends Partial<Profile> {
  /** 'edit' when a registered person changes their stored profile. */
  mode: 'register' | 'edit';
  consentAt?: string;
  noticeVersion?: string;
  /** Set while correcting one field from the summary. */
  returnTo?: 'summary';
  /** Several places matched the typed name; the person picks one. */
  placeOptions?: Place[];
}

export function draftOf(data: Record<string, unknown> | undefined): RegistrationDraft {
  return { mode: 'register', ...(data as Partial<RegistrationDraft> | undefined) };
}

/** Profile fields a person can correct from the summary, in the order they are asked. */
export const EDITABLE_FIELDS = [
  'firstName',
  'lastName',
  'email',
  'phone',
  'place',
  'radius',
  'activities',
  'languages',
  'hours',
  'skills',
] as const;

export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** Everything a profile needs before it can be confirmed. */
export function isComplete(d: RegistrationDraft): d is RegistrationDraft & Profile {
  return (
    d.firstName !== undefined &&
    d.lastName !== undefined &&
    d.email !== undefined &&
    d.phone !== undefined &&
    d.placeName !== undefined &&
    d.lat !== undefined &&
    d.lon !== undefined &&
    d.travelRadiusKm !== undefined &&
    (d.activities?.length ?? 0) > 0 &&
    (d.languages?.length ?? 0) > 0 &&
    d.weeklyHours !== undefined &&
    d.skills !== undefined
  );
}
