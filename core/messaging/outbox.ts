import type { TurnResult } from '../conversation/types.js';
import type { RateSlots } from '../jobs/job-queue.js';
import { inTurn } from '../jobs/in-turn.js';
import { RetryLater } from '../jobs/worker.js';
import type { Person } from '../people/person.js';
import type { Store } from '../store.js';
import { DeliveryError, type MessengerPort, type SendOptions } from './messenger.js';

/** Send slots are this much wider than a channel's limit (1.5 %)... */
export const SLOT_MARGIN = 0.015;
/** ...and a send that starts later than this after its slot takes a new one. */
export const LATE_TOLERANCE_MS = 10;
/** This process's own sends on a channel: the 31st at 30/s starts at least this long after a second. */
export const WINDOW_GUARD_MS = 13;

/**
 * This process's own recent sends per channel. The shared slots keep the instances apart; this keeps
 * one instance's own sends apart when some of them ran late: a send kept its slot up to
 * {@link LATE_TOLERANCE_MS} late, so a later one on time could come closer than the slots meant. A
 * send here starts no earlier than `perSecond` sends before it plus a second and
 * {@link WINDOW_GUARD_MS}, which leaves that much for the way to the channel. On time, 30 slots span
 * 1015 ms at 30/s, so this never delays a send that kept its slot's pace.
 */
export class SendWindow {
  private readonly starts = new Map<string, number[]>();

  /** When this send may start (on the clock of `now`), taken at once so that concurrent senders queue. */
  take(key: string, perSecond: number, now: number): number {
    const starts = this.starts.get(key) ?? [];
    const afterWindow = starts.length >= perSecond ? starts[starts.length - perSecond]! + 1000 + WINDOW_GUARD_MS : -Infinity;
    const at = Math.max(now, afterWindow, starts.at(-1) ?? -Infinity);
    starts.push(at);
    if (starts.length > perSecond) starts.splice(0, starts.length - perSecond);
    this.starts.set(key, starts);
    return at;
  }
}

/** One window per set of slots, i.e. per service, however many senders it builds. */
const windows = new WeakMap<RateSlots, SendWindow>();

export interface OutboxDeps {
  store: Store;
  messengers: Map<string, MessengerPort>;
  slots: RateSlots;
  now: () => Date;
}

/**
 * Sends a message to a person on their preferred reachable channel within its
 * limits; false when there is none. Used by every job that tells somebody
 * something on the service's own initiative (helper calls, moderation).
 */
export type SendToPerson = (person: Person, message: TurnResult, key?: string, subject?: string) => Promise<boolean>;

export function personSender(deps: OutboxDeps): SendToPerson {
  const { store, messengers } = deps;
  // Who to reach and when, read in turn: sends started together are ready one after another.
  const reading = inTurn();
  const window = windows.get(deps.slots) ?? new SendWindow();
  windows.set(deps.slots, window);

  /**
   * Waits for this send's slot: the limit holds across every instance, not per process. Slots are
   * {@link SLOT_MARGIN} wider than the limit, and a sender that wakes up more than
   * {@link LATE_TOLERANCE_MS} after its slot (a busy machine) gives the slot up and takes a new one.
   * Thirty-one sends then span at least 30 slots minus that tolerance (1015 - 10 ms at 30/s) across
   * instances, and at least 1013 ms within one ({@link SendWindow}): any second holds at most 30 even
   * with 13 ms of jitter on the way to the channel.
   */
  async function slot(key: string, perSecond: number, spaced: boolean) {
    const interval = (1000 / perSecond) * (1 + SLOT_MARGIN);
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = await reading(() => deps.slots.reserve(key, interval, deps.now()));
      const wait = at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      if (Date.now() - at <= LATE_TOLERANCE_MS) {
        if (!spaced) return;
        const now = performance.now();
        const start = window.take(key, perSecond, now);
        if (start > now) await new Promise((resolve) => setTimeout(resolve, Math.ceil(start - now)));
        return;
      }
    }
    throw new RetryLater(1000, 'NO_SEND_SLOT');
  }

  /**
   * A channel that says "slow down" blocks its slots and the job comes back then; one that says the
   * person cannot be reached marks them so, and nobody retries that forever.
   */
  return async function sendTo(person, message, key, subject) {
    const identities = (await reading(() => store.identities.listForPerson(person.id))).filter((i) => !i.unreachableSince && messengers.has(i.channel));
    const identity = identities.find((i) => i.preferred) ?? identities[0];
    if (!identity) return false;
    const messenger = messengers.get(identity.channel)!;
    const options: SendOptions = { ...(key ? { key } : {}), ...(subject ? { subject } : {}) };
    if (messenger.limits?.perSecond) await slot(messenger.channel, messenger.limits.perSecond, true);
    // Per address the window is not kept: one entry per person ever messaged would only grow.
    if (messenger.limits?.perAddressPerSecond) await slot(`${messenger.channel}:${identity.address}`, messenger.limits.perAddressPerSecond, false);
    try {
      await messenger.send(identity.address, message, options);
      return true;
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      if (error.failure === 'unreachable') {
        await store.identities.markUnreachable(identity.channel, identity.address, deps.now());
        return false;
      }
      if (error.failure === 'rate-limited') {
        const retryAfterMs = error.retryAfterMs ?? 1000;
        await deps.slots.block(messenger.channel, new Date(Date.now() + retryAfterMs));
        throw new RetryLater(retryAfterMs, 'RATE_LIMITED');
      }
      throw error;
    }
  };
}
