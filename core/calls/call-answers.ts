import { msg, type Msg } from '../messages.js';
import type { IncomingEvent } from '../conversation/types.js';
import type { Store } from '../store.js';

export const CALL_TOKEN_PREFIX = 'call:';

export interface AnswerReply {
  messages: Msg[];
}

/**
 * A volunteer's answer to a helper call (the Accept / Decline of a
 * notification). It takes its own short transaction, apart from the
 * conversation, so the place is taken with as little as possible held:
 * exactly as many accepts succeed as places exist, the rest are told kindly.
 */
export class CallAnswers {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    /** Reminders go this many hours before the start (those still ahead when accepting). */
    private readonly reminderHours: number[] = [24, 2],
  ) {}

  handles(event: IncomingEvent): boolean {
    const input = event.input;
    return (input.type === 'choice' || input.type === 'text') && (input.token?.startsWith(CALL_TOKEN_PREFIX) ?? false);
  }

  async answer(event: IncomingEvent): Promise<AnswerReply> {
    const input = event.input;
    if (input.type !== 'choice' && input.type !== 'text') throw new Error('CallAnswers.answer needs a choice or text');
    const callId = (input.token ?? '').slice(CALL_TOKEN_PREFIX.length);
    const choice = input.type === 'choice' ? input.values[0] : interpretText(input.text);
    if (choice !== 'accept' && choice !== 'decline' && choice !== 'confirm' && choice !== 'release') return { messages: [msg('calls:answerWith')] };
    const at = this.now();

    return this.store.transaction(async (repos) => {
      if (!(await repos.events.record(event.channel, event.eventId))) return { messages: [msg('conversation:duplicate')] };
      const person = await repos.people.findByIdentity(event.channel, event.address);
      if (!person) return { messages: [msg('errors:NOT_REGISTERED')] };
      if (choice === 'confirm') {
        const response = (await repos.calls.responses(callId)).find((r) => r.personId === person.id);
        return { messages: [msg(response?.status === 'accepted' ? 'calls:confirmed' : 'calls:notAccepted')] };
      }
      if (choice === 'release') {
        if (!(await repos.calls.release(callId, person.id, at))) return { messages: [msg('calls:notAccepted')] };
        // Backfill: the freed place is offered to the next candidates at once.
        await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:backfill:${person.id}:${at.getTime()}`, payload: { callId } });
        await repos.jobs.enqueue({ name: 'call.released', payload: { callId } });
        return { messages: [msg('calls:released')] };
      }
      if (choice === 'decline') {
        return { messages: [msg((await repos.calls.decline(callId, person.id, at)) ? 'calls:declined' : 'calls:cannotDecline')] };
      }
      const outcome = await repos.calls.accept(callId, person.id, at);
      switch (outcome.kind) {
        case 'accepted': {
          const { call } = outcome;
          // Enqueued in the same transaction as the last place was taken: exactly once per filling.
          if (outcome.nowFull) await repos.jobs.enqueue({ name: 'call.filled', payload: { callId: call.id } });
          for (const hours of this.reminderHours) {
            const runAt = new Date(call.startsAt.getTime() - hours * 3600_000);
            if (runAt > at) {
              await repos.jobs.enqueue({ name: 'call.remind', key: `call.remind:${call.id}:${person.id}:${hours}:${at.getTime()}`, payload: { callId: call.id, personId: person.id, acceptedAt: at.toISOString() }, runAt });
            }
          }
          const region = await repos.regions.findById(call.regionId);
          return {
            messages: [
              msg('calls:accepted', {
                title: call.title,
                when: { dateTime: call.startsAt, until: call.endsAt, timeZone: region?.timeZone ?? 'Europe/Berlin' },
                place: call.placeName,
              }),
            ],
          };
        }
        case 'full':
          return { messages: [msg('calls:justFilled')] };
        case 'closed':
          return { messages: [msg('calls:closed')] };
        case 'already-accepted':
          return { messages: [msg('calls:alreadyAccepted')] };
        case 'not-asked':
          return { messages: [msg('calls:notAsked')] };
      }
    });
  }
}

/** A typed answer to a call where a channel has no buttons: yes/no in the languages offered, or 1/2. */
function interpretText(text: string): 'accept' | 'decline' | null {
  const word = text.trim().toLocaleLowerCase().replace(/[.!✓✅❌]/gu, '');
  if (['1', 'yes', 'ja', 'oui', 'evet', 'да', 'так', 'نعم', 'بله', 'accept'].includes(word)) return 'accept';
  if (['2', 'no', 'nein', 'non', 'hayır', 'нет', 'ні', 'لا', 'نه', 'decline'].includes(word)) return 'decline';
  return null;
}
