import { msg, type Msg } from '../messages.js';
import type { IncomingEvent } from '../conversation/types.js';
import type { Repositories, Store } from '../store.js';
import { requestStatusUpdate, statusUpdateJob } from './call-status.js';

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
    if (choice === 'accept') return this.accept(event, callId, at);

    return this.store.transaction(async (repos) => {
      if (!(await repos.events.record(event.channel, event.eventId))) return { messages: [msg('conversation:duplicate')] };
      const person = await repos.people.findByIdentity(event.channel, event.address);
      if (!person) return { messages: [msg('errors:NOT_REGISTERED')] };
      if (choice === 'confirm') {
        const response = (await repos.calls.responses(callId)).find((r) => r.personId === person.id);
        return { messages: [msg(response?.status === 'accepted' ? 'calls:confirmed' : 'calls:notAccepted')] };
      }
      if (choice === 'release') return { messages: [msg((await releasePlace(repos, callId, person.id, at)) ? 'calls:released' : 'calls:notAccepted')] };
      if (!(await repos.calls.decline(callId, person.id, at))) return { messages: [msg('calls:cannotDecline')] };
      await requestStatusUpdate(repos.jobs, callId, at);
      return { messages: [msg('calls:declined')] };
    });
  }

  /**
   * The race for the places is one database statement: the event, the place, the answer and the
   * jobs that follow (reminders; "filled" for the last place, exactly once per filling).
   */
  private async accept(event: IncomingEvent, callId: string, at: Date): Promise<AnswerReply> {
    const outcome = await this.store.calls.accept({
      callId,
      channel: event.channel,
      address: event.address,
      eventId: event.eventId,
      at,
      jobs: [
        { name: 'call.filled', key: `call.filled:${callId}:${event.channel}:${event.eventId}`, payload: { callId }, ifFilled: true },
        // The coordinator's live status message (debounced: one job per window, whoever enqueues it).
        statusUpdateJob(callId, at),
        ...this.reminderHours.map((hours) => ({
          name: 'call.remind',
          key: `call.remind:${callId}:${hours}:${event.channel}:${event.eventId}`,
          payload: { callId, acceptedAt: at.toISOString() },
          beforeStartMs: hours * 3600_000,
        })),
      ],
    });
    switch (outcome.kind) {
      case 'accepted': {
        const { call } = outcome;
        return { messages: [msg('calls:accepted', { title: call.title, when: { dateTime: call.startsAt, until: call.endsAt, timeZone: outcome.timeZone }, place: call.placeName })] };
      }
      case 'full':
        return { messages: [msg('calls:justFilled')] };
      case 'closed':
        return { messages: [msg('calls:closed')] };
      case 'already-accepted':
        return { messages: [msg('calls:alreadyAccepted')] };
      case 'not-asked':
        return { messages: [msg('calls:notAsked')] };
      case 'duplicate':
        return { messages: [msg('conversation:duplicate')] };
      case 'not-registered':
        return { messages: [msg('errors:NOT_REGISTERED')] };
    }
  }
}

/**
 * A helper gives an accepted place back (from a reminder or from /commitments): the call re-opens,
 * the next candidates are asked at once (backfill) and the coordinator is told. False if the person
 * had not accepted.
 */
export async function releasePlace(repos: Repositories, callId: string, personId: string, at: Date): Promise<boolean> {
  if (!(await repos.calls.release(callId, personId, at))) return false;
  await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:backfill:${personId}:${at.getTime()}`, payload: { callId } });
  await repos.jobs.enqueue({ name: 'call.released', payload: { callId } });
  await requestStatusUpdate(repos.jobs, callId, at);
  return true;
}

/** A typed answer to a call where a channel has no buttons: yes/no in the languages offered, or 1/2. */
function interpretText(text: string): 'accept' | 'decline' | null {
  const word = text.trim().toLocaleLowerCase().replace(/[.!✓✅❌]/gu, '');
  if (['1', 'yes', 'ja', 'oui', 'evet', 'да', 'так', 'نعم', 'بله', 'accept'].includes(word)) return 'accept';
  if (['2', 'no', 'nein', 'non', 'hayır', 'нет', 'ні', 'لا', 'نه', 'decline'].includes(word)) return 'decline';
  return null;
}
