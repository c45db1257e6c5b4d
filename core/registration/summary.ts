import { msg, type Msg, type ParamValue } from '../messages.js';
import type { Profile } from '../people/person.js';
import type { Activity } from '../regions/region.js';
import { activityMessage } from './steps-interests.js';
import type { RegistrationDraft } from './draft.js';

/** The profile as message parameters, rendered in the reader's language by the channel. */
export function profileParams(p: Partial<Profile>, catalogue: Activity[], locale: string): Record<string, ParamValue> {
  const none = msg('registration:summary.none');
  return {
    firstName: p.firstName ?? '',
    lastName: p.lastName ?? '',
    email: p.email ?? '',
    phone: p.phone ?? none,
    place: [p.postcode, p.placeName].filter(Boolean).join(' '),
    radius: p.travelRadiusKm ?? 0,
    activities: (p.activities ?? []).map((key) => activityMessage(catalogue.find((a) => a.key === key), key, locale)),
    languages: (p.languages ?? []).map((language) => ({ language })),
    hours: p.weeklyHours ?? 0,
    skills: p.skills ? p.skills : none,
  };
}

export function summaryMessage(draft: RegistrationDraft, catalogue: Activity[], locale: string): Msg {
  return msg('registration:summary.text', profileParams(draft, catalogue, locale));
}
