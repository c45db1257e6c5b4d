import { msg } from '../messages.js';
import type { MessengerPort } from '../messaging/messenger.js';
import { personSender } from '../messaging/outbox.js';
import type { RateSlots } from '../jobs/job-queue.js';
import { inTurn } from '../jobs/in-turn.js';
import type { Store } from '../store.js';
import type { HelperCall } from './call.js';
import type { CallDispatcher } from './dispatch.js';
import { callNotification, callReminder, filledNotice } from './notification.js';
import { requestStatusUpdate } from './call-status.js';
import type { TurnResult } from '../conversation/types.js';

export interface CallJobDeps {
  store: Store;
  dispatcher: CallDispatcher;
  messengers: Map<string, MessengerPort>;
  slots: RateSlots;
  now: () => Date;
}

type Handler = (payload: Record<string, unknown>) => Promise<void>;

const REGION_CACHE_MS = 60_000;

/** `load` by key, kept for `ttlMs`; a failed load is not kept. */
function memoised<T>(load: (key: string) => Promise<T>, ttlMs: number, now: () => Date): (key: string) => Promise<T> {
  const kept = new Map<string, { until: number; value: Promise<T> }>();
  return (key) => {
    const at = now().getTime();
    const hit = kept.get(key);
    if (hit && hit.until > at) return hit.value;
    const value = load(key);
    kept.set(key, { until: at + ttlMs, value });
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key);
    });
    return value;
  };
}

/**
 * Shares a read among the callers that ask while it is under way (a wave's notifications are claimed
 * together and all read their call): each still gets what the database said after it asked.
 */
function coalesced<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const pending = new Map<string, Promise<T>>();
  return (key) => {
    const running = pending.get(key);
    if (running) return running;
    const value = load(key).finally(() => pending.delete(key));
    pending.set(key, value);
    return value;
  };
}

/**
 * The jobs of a helper call: a wave, one notification, the call filling up,
 * the answer deadline. Each can run again after a crash without doing its
 * work twice: notifications carry idempotency keys, state changes are
 * conditional.
 */
export function callJobHandlers(deps: CallJobDeps): Record<string, Handler> {
  const { store, messengers } = deps;

  const sendTo = personSender(deps);
  const reading = inTurn();

  // A wave's thousand notifications all need their region's time zone and activity names: read
  // once a minute, not once per notification (an operator's change shows within the minute).
  const regionOf = memoised((regionId: string) => store.regions.findById(regionId), REGION_CACHE_MS, deps.now);
  const activitiesOf = memoised((regionId: string) => store.regions.allActivities(regionId), REGION_CACHE_MS, deps.now);
  const callOf = coalesced((callId: string) => store.calls.findById(callId));

  async function timeZoneOf(call: HelperCall): Promise<string> {
    return (await regionOf(call.regionId))?.timeZone ?? 'Europe/Berlin';
  }

  async function tellCoordinator(call: HelperCall, message: TurnResult['messages'][number]) {
    if (!call.createdById) return;
    const coordinator = await store.people.findById(call.createdById);
    if (coordinator) await sendTo(coordinator, { locale: coordinator.locale, messages: [message] });
  }

  /** Turns the unanswered notifications of a call into a notice ("filled", "cancelled") where they can be edited. */
  async function closeAsks(call: HelperCall, notice: (locale: string) => TurnResult = (locale) => filledNotice(call, locale)) {
    const people = await store.calls.closeOpenAsks(call.id);
    for (const personId of people) {
      const person = await store.people.findById(personId);
      if (!person) continue;
      const identities = await store.identities.listForPerson(personId);
      for (const ref of await store.sentMessages.bySubject(`call:${call.id}`, identities)) {
        await messengers.get(ref.channel)?.edit(ref, notice(person.locale));
      }
    }
  }

  return {
    'call.wave': async (payload) => {
      const wave = await deps.dispatcher.wave(String(payload.callId));
      if (wave.kind === 'asked' && wave.asked > 0) await requestStatusUpdate(store.jobs, String(payload.callId), deps.now());
    },
    'call.notify': async (payload) => {
      // A wave's notifications are claimed together: they share one read of their call, and each
      // reads its person in turn, so the first is on its way after its own reads, not after everyone's
      // (see inTurn).
      const call = await callOf(String(payload.callId));
      // Filled or closed while this waited (e.g. for the end of quiet hours): nothing to ask any more.
      if (!call || call.status !== 'open') return;
      const ready = await reading(async () => {
        const person = await store.people.findById(String(payload.personId));
        if (!person) return null;
        const activity = (await activitiesOf(call.regionId)).find((a) => a.key === call.activityKey);
        return { person, message: callNotification(call, person, activity, await timeZoneOf(call)) };
      });
      if (!ready) return;
      const { person, message } = ready;
      await sendTo(person, message, `call:${call.id}:${person.id}`, `call:${call.id}`);
    },
    'call.filled': async (payload) => {
      const call = await store.calls.findById(String(payload.callId));
      if (!call || call.status !== 'full') return;
      await closeAsks(call);
      await tellCoordinator(call, msg('calls:coordinatorFull', { title: call.title, count: call.helpersNeeded }));
    },
    'call.remind': async (payload) => {
      const call = await store.calls.findById(String(payload.callId));
      if (!call || (call.status !== 'open' && call.status !== 'full')) return;
      const response = (await store.calls.responses(call.id)).find((r) => r.personId === payload.personId);
      // Only for the acceptance it was scheduled for: not after a release, nor twice after accepting again.
      if (response?.status !== 'accepted' || response.answeredAt?.toISOString() !== payload.acceptedAt) return;
      const person = await store.people.findById(String(payload.personId));
      if (!person) return;
      await sendTo(person, callReminder(call, person.locale, await timeZoneOf(call)));
    },
    'call.released': async (payload) => {
      const call = await store.calls.findById(String(payload.callId));
      if (call) await tellCoordinator(call, msg('calls:coordinatorReleased', { title: call.title, accepted: call.acceptedCount, count: call.helpersNeeded }));
    },
    'call.cancelled': async (payload) => {
      const call = await store.calls.findById(String(payload.callId));
      // The status update was enqueued with this job, in the cancelling transaction (cancelCall).
      if (!call || call.status !== 'cancelled') return;
      await closeAsks(call, (locale) => ({ locale, messages: [msg('calls:cancelledNotice', { title: call.title })] }));
      for (const personId of (payload.accepted as string[] | undefined) ?? []) {
        const person = await store.people.findById(personId);
        if (person) await sendTo(person, { locale: person.locale, messages: [msg('calls:cancelledNotice', { title: call.title })] }, `call.cancelled:${call.id}:${personId}`);
      }
    },
    'call.deadline': async (payload) => {
      const call = await store.calls.findById(String(payload.callId));
      if (!call || !(await store.calls.expire(call.id, deps.now()))) return;
      await requestStatusUpdate(store.jobs, call.id, deps.now());
      await closeAsks(call);
      await tellCoordinator(call, msg('calls:coordinatorExpired', { title: call.title, accepted: call.acceptedCount, count: call.helpersNeeded }));
    },
  };
}
