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
  /** How long after its answer it holds the window (a second, or longer for a limit under one a second). */
  spanMs: number;
}

/**
 * This process's own recent sends per channel and per address. The shared slots keep the instances
 * apart; this keeps one instance's own sends apart when some of them ran late: a send kept its slot up
 * to {@link LATE_TOLERANCE_MS} late (or, with slots local to this process, however late), so a later
 * one on time could come closer than the slots meant. A send starts no earlier than a second and
 * {@link WINDOW_GUARD_MS} after the channel answered the send `perSecond` before it on the same key.
 * The channel counted that one before it answered, and this one after it starts, so however long
 * either spent on the way (a busy event loop between starting a request and writing it), no second
 * holds more than `perSecond`. A limit under one a second (0.8 in a Telegram chat) allows one send per
 * interval, counted the same way from the last one's answer. This costs the time to the channel and
 * back per `perSecond` sends, and only when the slots are that tight: on time, 30 slots span 1015 ms at 30/s. A key whose sends are
 * all answered longer ago than their span holds nothing back and is forgotten.
 */
export class SendWindow {
  private readonly sends = new Map<string, WindowSend[]>();
  /** Forget finished keys once this many are kept (an address per person messaged would only grow). */
  private sweepAt = 64;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /**
   * Waits until a send on `key` may start and records it as started, in one step (nothing runs
   * between); returns what to call once the channel has answered it, or failed to.
   */
  async enter(key: string, perSecond: number): Promise<() => void> {
    // A limit under one a second (0.8 a second in a chat) is one send per its interval.
    const count = Math.max(1, Math.floor(perSecond));
    const spanMs = (count * 1000) / perSecond;
    for (;;) {
      const sends = this.sends.get(key) ?? [];
      const before = sends.length >= count ? sends[sends.length - count]! : null;
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
      const earliest = before ? before.at + spanMs + WINDOW_GUARD_MS : -Infinity;
      if (earliest <= now) return this.record(key, count, spanMs, sends, now);
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(earliest - now)));
    }
  }

  private record(key: string, count: number, spanMs: number, sends: WindowSend[], now: number): () => void {
    let answer!: () => void;
    const send: WindowSend = { at: now, answered: new Promise<void>((resolve) => (answer = resolve)), spanMs };
    sends.push(send);
    if (sends.length > count) sends.splice(0, sends.length - count);
    this.sends.set(key, sends);
    if (this.sends.size > this.sweepAt) this.sweep(now);
    return () => {
      if (!send.answered) return;
      send.at = Math.max(send.at, this.clock());
      send.answered = null;
      answer();
    };
  }

  /** Keys kept: a key is kept while a send on it is unanswered or was answered within its span and the guard. */
  get size(): number {
    return this.sends.size;
  }

  private sweep(now: number): void {
    for (const [key, sends] of this.sends) {
      if (sends.every((send) => !send.answered && send.at + send.spanMs + WINDOW_GUARD_MS <= now)) this.sends.delete(key);
    }
    // Twice what is left: each sweep costs no more than the keys recorded since the last.
    this.sweepAt = Math.max(64, 2 * this.sends.size);
  }
}

/** One window per set of slots, i.e. per service, however many senders it builds. */
const windows = new WeakMap<RateSlots, SendWindow>();

/** The window of every send paced by these slots: the outbox's, and an adapter's own (Telegram's answers). */
export function sendWindow(slots: RateSlots): SendWindow {
  const window = windows.get(slots) ?? new SendWindow();
  windows.set(slots, window);
  return window;
}

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
  const window = sendWindow(deps.slots);

  /**
   * Waits for this send's slot on `key` (a channel, or an address on it): the limit holds across every
   * instance, not per process. Slots are {@link SLOT_MARGIN} wider than the limit, and a sender that
   * wakes up more than {@link LATE_TOLERANCE_MS} after its slot (a busy machine) gives the slot up and
   * takes a new one. Slots local to this process (one process serves the database) are exactly as
   * wide as the limit and kept however late: the window alone keeps the limit, as it sees every send
   * (an adapter's own sends enter it too: Telegram's answers).
   * Thirty-one sends then span at least 30 slots minus that tolerance (1015 - 10 ms at 30/s) across
   * instances; within one, the 31st starts more than a second after the channel answered the 1st
   * ({@link SendWindow}), whatever the way to the channel took. Returns what to call once the channel
   * has answered.
   */
  async function slot(key: string, perSecond: number, local: boolean): Promise<() => void> {
    const interval = (1000 / perSecond) * (1 + (local ? 0 : SLOT_MARGIN));
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = await reading(() => deps.slots.reserve(key, interval, deps.now()));
      const wait = at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      if (local || Date.now() - at <= LATE_TOLERANCE_MS) return window.enter(key, perSecond);
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
    const local = deps.slots.local === true;
    // The channel's slot, then the address's: the send follows the address's slot at once, as an
    // address's limit is the stricter one (the channel's window holds the send as under way until
    // it is answered).
    const channelAnswered = messenger.limits?.perSecond ? await slot(messenger.channel, messenger.limits.perSecond, local) : () => undefined;
    let addressAnswered = () => {};
    if (messenger.limits?.perAddressPerSecond) {
      try {
        addressAnswered = await slot(`${messenger.channel}:${identity.address}`, messenger.limits.perAddressPerSecond, local);
      } catch (error) {
        channelAnswered();
        throw error;
      }
    }
    const answered = () => (channelAnswered(), addressAnswered());
    const options: SendOptions = { ...(key ? { key } : {}), ...(subject ? { subject } : {}), answered };
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
