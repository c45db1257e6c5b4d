import { distanceKm } from '../geo/index.js';
import { msg } from '../messages.js';
import type { TurnResult } from '../conversation/types.js';
import type { Activity } from '../regions/region.js';
import { activityMessage } from '../registration/steps-interests.js';
import type { HelperCall } from './call.js';
import { CALL_TOKEN_PREFIX } from './call-answers.js';

export interface Recipient {
  locale: string;
  lat: number | null;
  lon: number | null;
}

/**
 * A helper call as one volunteer reads it: the structured fields in their
 * language and time zone, the distance from their home, how many are still
 * needed; the description as the coordinator wrote it, with a note of its
 * language; Accept and Decline.
 */
export function callNotification(call: HelperCall, recipient: Recipient, activity: Activity | undefined, timeZone: string): TurnResult {
  const distance = recipient.lat !== null && recipient.lon !== null ? Math.round(distanceKm(call, { lat: recipient.lat, lon: recipient.lon }) * 10) / 10 : null;
  return {
    locale: recipient.locale,
    messages: [],
    prompt: {
      token: `${CALL_TOKEN_PREFIX}${call.id}`,
      text: msg('calls:notification', {
        activity: activityMessage(activity, call.activityKey, recipient.locale),
        title: call.title,
        when: { dateTime: call.startsAt, until: call.endsAt, timeZone },
        place: call.placeName,
        distance: distance ?? '?',
        count: call.helpersNeeded - call.acceptedCount,
        // Shown for volunteers to judge for themselves: Helferruf asks nobody's age or
        // qualifications (data minimisation), so it cannot match on them.
        minAge: call.minAge ? msg('calls:requirements.minAge', { age: call.minAge }) : '',
        skills: call.skills ? msg('calls:requirements.skills', { skills: call.skills }) : '',
        description: call.description,
        descriptionLanguage: { language: call.descriptionLang },
      }),
      choices: [
        { value: 'accept', label: msg('calls:accept') },
        { value: 'decline', label: msg('calls:decline') },
      ],
    },
  };
}

/** What an unanswered notification becomes once every place is taken. */
export function filledNotice(call: HelperCall, locale: string): TurnResult {
  return { locale, messages: [msg('calls:filledNotice', { title: call.title })] };
}

/** Before the start: the commitment again, with a way to confirm or to give the place back. */
export function callReminder(call: HelperCall, locale: string, timeZone: string): TurnResult {
  return {
    locale,
    messages: [],
    prompt: {
      token: `${CALL_TOKEN_PREFIX}${call.id}`,
      text: msg('calls:reminder', { title: call.title, when: { dateTime: call.startsAt, until: call.endsAt, timeZone }, place: call.placeName }),
      choices: [
        { value: 'confirm', label: msg('calls:confirm') },
        { value: 'release', label: msg('calls:release') },
      ],
    },
  };
}
