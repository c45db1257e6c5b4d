import type { TurnResult } from '../conversation/types.js';
import type { RateSlots } from '../jobs/job-queue.js';
import { RetryLater } from '../jobs/worker.js';
import type { Person } from '../people/person.js';
import type { Store } from '../store.js';
import { DeliveryError, type MessengerPort, type SendOptions } from './messenger.js';

/** Send slots are this much wider than a channel's limit (1.5 %)... */
export const SLOT_MARGIN = 0.015;
/** ...and a send that starts later than this after its slot takes a new one. */
export const LATE_TOLERANCE_MS = 10;

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

  /**
   * Waits for this send's slot: the limit holds across every instance, not per process. Slots are
   * {@link SLOT_MARGIN} wider than the limit, and a sender that wakes up more than
   * {@link LATE_TOLERANCE_MS} after its slot (a busy machine) gives the slot up and takes a new one.
   * Thirty-one sends then span at least 30 slots minus that tolerance: 1015 - 10 ms at 30/s, so any
   * second holds at most 30 even with 5 ms of jitter on the way to the channel.
   */
  async function slot(key: string, perSecond: number) {
    const interval = (1000 / perSecond) * (1 + SLOT_MARGIN);
    for (let attempt = 0; attempt < 20; attempt++) {
      const at = await deps.slots.reserve(key, interval, deps.now());
      const wait = at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      if (Date.now() - at <= LATE_TOLERANCE_MS) return;
    }
    throw new RetryLater(1000, 'NO_SEND_SLOT');
  }

  /**
   * A channel that says "slow down" blocks its slots and the job comes back then; one that says the
   * person cannot be reached marks them so, and nobody retries that forever.
   */
  return async function sendTo(person, message, key, subject) {
    const identities = (await store.identities.listForPerson(person.id)).filter((i) => !i.unreachableSince && messengers.has(i.channel));
    const identity = identities.find((i) => i.preferred) ?? identities[0];
    if (!identity) return false;
    const messenger = messengers.get(identity.channel)!;
    const options: SendOptions = { ...(key ? { key } : {}), ...(subject ? { subject } : {}) };
    if (messenger.limits?.perSecond) await slot(messenger.channel, messenger.limits.perSecond);
    if (messenger.limits?.perAddressPerSecond) await slot(`${messenger.channel}:${identity.address}`, messenger.limits.perAddressPerSecond);
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
