import { msg } from '../messages.js';
import { DeliveryError, type MessengerPort } from '../messaging/messenger.js';
import { RetryLater } from '../jobs/worker.js';
import type { JobRepository } from '../jobs/job-queue.js';
import type { TurnResult } from '../conversation/types.js';
import type { Store } from '../store.js';
import { tallyResponses, type HelperCall, type ResponseTally } from './call.js';

/** The subject of a coordinator's live status message of a call: `call-status:<id>`. */
export const CALL_STATUS_SUBJECT = 'call-status:';
/** The token of the status message's buttons (cancel, extend, add a place). */
export const CALL_MANAGE_TOKEN = 'call-manage:';
/** Answers within this window update a status message once. */
export const CALL_STATUS_DEBOUNCE_MS = 2000;

/** What the status message of a call offers, by state: a closed call offers nothing. */
export function statusActions(call: HelperCall, now: Date): ('cancel' | 'extend' | 'add')[] {
  const actions: ('cancel' | 'extend' | 'add')[] = [];
  if (call.status === 'open' || call.status === 'full') actions.push('cancel');
  if ((call.status === 'open' || call.status === 'expired') && call.startsAt > now) actions.push('extend');
  if ((call.status === 'open' || call.status === 'full') && call.answerBy > now) actions.push('add');
  return actions;
}

/**
 * A call's live status as its coordinator sees it: asked, accepted, declined,
 * open places and the deadline, with the buttons that fit its state. The same
 * message is sent once and then edited as answers arrive, on any channel.
 */
export function callStatusView(call: HelperCall, tally: ResponseTally, locale: string, timeZone: string, now: Date): TurnResult {
  const text = msg('coordination:statusCard.text', {
    title: call.title,
    when: { dateTime: call.startsAt, until: call.endsAt, timeZone },
    place: call.placeName,
    state: msg(`calls:status.state.${call.status}`),
    asked: tally.asked,
    accepted: call.acceptedCount,
    declined: tally.declined,
    open: Math.max(0, call.helpersNeeded - call.acceptedCount),
    helpers: call.helpersNeeded,
    deadline: { dateTime: call.answerBy, timeZone },
  });
  const actions = statusActions(call, now);
  if (actions.length === 0) return { locale, messages: [text] };
  return {
    locale,
    messages: [],
    prompt: {
      token: `${CALL_MANAGE_TOKEN}${call.id}`,
      text,
      choices: actions.map((value) => ({ value, label: msg(`coordination:statusCard.${value}`) })),
    },
  };
}

/**
 * Asks for the status messages of a call to be brought up to date. Debounced:
 * every request within one window of {@link CALL_STATUS_DEBOUNCE_MS} shares one
 * job (by its key), which runs after the window and reads the call afresh, so
 * 200 accepts at once edit the message a handful of times, not 200.
 */
export function requestStatusUpdate(jobs: JobRepository, callId: string, now: Date): Promise<boolean> {
  return jobs.enqueue(statusUpdateJob(callId, now));
}

/** The debounced status job of {@link requestStatusUpdate}, for callers that enqueue it themselves (an accept). */
export function statusUpdateJob(callId: string, now: Date): { name: string; key: string; payload: { callId: string }; runAt: Date } {
  const window = Math.floor(now.getTime() / CALL_STATUS_DEBOUNCE_MS);
  // A second of grace after the window: an answer whose transaction began in it has committed by then.
  return { name: 'call.status', key: `call.status:${callId}:${window}`, payload: { callId }, runAt: new Date((window + 1) * CALL_STATUS_DEBOUNCE_MS + 1000) };
}

export interface CallStatusJobDeps {
  store: Store;
  messengers: Map<string, MessengerPort>;
  now: () => Date;
  /** For a reader the service no longer knows (deleted since): the service's language. */
  defaultLocale: string;
}

/** The `call.status` job: edits every status message of the call, in its reader's language. */
export function callStatusJobHandler(deps: CallStatusJobDeps): (payload: Record<string, unknown>) => Promise<void> {
  const { store, messengers } = deps;
  return async (payload) => {
    const call = await store.calls.findById(String(payload.callId));
    if (!call) return;
    const refs = await store.sentMessages.bySubject(`${CALL_STATUS_SUBJECT}${call.id}`);
    if (refs.length === 0) return;
    const tally = tallyResponses(await store.calls.responses(call.id));
    const timeZone = (await store.regions.findById(call.regionId))?.timeZone ?? 'Europe/Berlin';
    for (const ref of refs) {
      const messenger = messengers.get(ref.channel);
      if (!messenger) continue;
      const reader = await store.people.findByIdentity(ref.channel, ref.address);
      try {
        await messenger.edit(ref, callStatusView(call, tally, reader?.locale ?? deps.defaultLocale, timeZone, deps.now()));
      } catch (error) {
        // A status message whose conversation is gone is given up; the others are still updated.
        if (error instanceof DeliveryError && error.failure === 'unreachable') continue;
        if (error instanceof DeliveryError && error.failure === 'rate-limited') throw new RetryLater(error.retryAfterMs ?? 1000, 'RATE_LIMITED');
        throw error;
      }
    }
  };
}

/** The status message of a call as it is now, in a reader's language; null if there is no such call. */
export async function currentCallStatus(store: Store, callId: string, locale: string, now: Date): Promise<TurnResult | null> {
  const call = await store.calls.findById(callId);
  if (!call) return null;
  const timeZone = (await store.regions.findById(call.regionId))?.timeZone ?? 'Europe/Berlin';
  return callStatusView(call, tallyResponses(await store.calls.responses(call.id)), locale, timeZone, now);
}
