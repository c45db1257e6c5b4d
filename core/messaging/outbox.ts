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
/** This process's own sends on a channel: the 31st at 30/s starts at least this long after a second from the channel's answer to the 1st. */
export const WINDOW_GUARD_MS = 2;
/** A send the channel has not answered for this long no longer holds the window (a hung request). */
export const ANSWER_WAIT_MS = 10_000;

interface WindowSend {
  /** When it started; once answered, when the answer came. */
  at: number;
  /** Settles when the channel has answered; null once it has. */
  answered: Promise<void> | null;
}

/**
 * This process's own recent sends per channel. The shared slots keep the instances apart; this keeps
 * one instance's own sends apart when some of them ran late: a send kept its slot up to
 * {@link LATE_TOLERANCE_MS} late (or, with slots local to this process, however late), so a later one
 * on time could come closer than the slots meant. A send starts no earlier than a second and
 * {@link WINDOW_GUARD_MS} after the channel answered the send `perSecond` before it. The channel
 * counted that one before it answered, and this one after it starts, so however long either spent on
 * the way (a busy event loop between starting a request and writing it), no second holds more than
 * `perSecond`. This costs the time to the channel and back per `perSecond` sends, and only when the
 * slots are that tight: on time, 30 slots span 1015 ms at 30/s.
 */
export class SendWindow {
  private readonly sends = new Map<string, WindowSend[]>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /**
   * Waits until a send on `key` may start and records it as started, in one step (nothing runs
   * between); returns what to call once the channel has answered it, or failed to.
   */
  async enter(key: string, perSecond: number): Promise<() => void> {
    for (;;) {
      const sends = this.sends.get(key) ?? [];
      const before = sends.length >= perSecond ? sends[sends.length - perSecond]! : null;
      if (before?.answered) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hung = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, before.at + ANSWER_WAIT_MS - this.clock()))));
        if (await Promise.race([before.answered.then(() => false), hung])) {
          before.at = this.clock();
          before.answered = null;
        }
        clearTimeout(timer);
        continue;
      }
      const now = this.clock();
      const earliest = before ? before.at + 1000 + WINDOW_GUARD_MS : -Infinity;
      if (earliest <= now) return this.record(key, perSecond, sends, now);
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(earliest - now)));
    }
  }

  private record(key: string, perSecond: number, sends: WindowSend[], now: number): () => void {
    let answer!: () => void;
    const send: WindowSend = { at: now, answered: new Promise<void>((resolve) => (answer = resolve)) };
    sends.push(send);
    if (sends.length > perSecond) sends.splice(0, sends.length - perSecond);
    this.sends.set(key, sends);
    return () => {
      if (!send.answered) return;
      send.at = Math.max(send.at, this.clock());
      send.answered = null;
      answer();
    };
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
   * A channel's slots local to this process (one process serves the database) are exactly as wide as
   * the limit and kept however late: the channel's window alone keeps the limit, as it sees every send
   * (unless the adapter takes the same slots for sends of its own: Telegram's answers).
   * Thirty-one sends then span at least 30 slots minus that tolerance (1015 - 10 ms at 30/s) across
   * instances; within one, the 31st starts more than a second after the channel answered the 1st
   * ({@link SendWindow}), whatever the way to the channel took.
   */
  async function slot(key: string, perSecond: number, spaced: boolean, local: boolean): Promise<() => void> {
    // A channel's slots local to this process need no margin: its window sees every send and answer.
    const interval = (1000 / perSecond) * (1 + (spaced && local ? 0 : SLOT_MARGIN));
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = await reading(() => deps.slots.reserve(key, interval, deps.now()));
      const wait = at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      // A channel's slots local to this process may be kept however late: the window below sees every
      // send on the channel. An address has no window, so its slots keep the tolerance.
      if (Date.now() - at <= LATE_TOLERANCE_MS || (spaced && local)) {
        return spaced ? window.enter(key, perSecond) : () => undefined;
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
    // The window sees every send on the channel unless the adapter also sends on its slots itself.
    const local = deps.slots.local === true && !messenger.limits?.ownSends;
    // The channel's slot, then the address's: the send follows the address's slot at once, as an
    // address's limit is the stricter one (the channel's window holds the send as under way until
    // it is answered). Per address the window is not kept: one entry per person ever messaged would
    // only grow.
    const answered = messenger.limits?.perSecond ? await slot(messenger.channel, messenger.limits.perSecond, true, local) : () => undefined;
    if (messenger.limits?.perAddressPerSecond) {
      try {
        await slot(`${messenger.channel}:${identity.address}`, messenger.limits.perAddressPerSecond, false, local);
      } catch (error) {
        answered();
        throw error;
      }
    }
    try {
      try {
        await messenger.send(identity.address, message, options);
      } finally {
        answered();
      }
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
