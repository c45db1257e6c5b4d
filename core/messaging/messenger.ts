import type { TurnResult } from '../conversation/types.js';

/**
 * What a channel can do. Flows and renderers ask this, never which channel it
 * is: a choice becomes buttons where `buttons` is true and a numbered list
 * where it is not; a filled call is edited where `editMessages` is true.
 */
export interface ChannelCapabilities {
  /** Choices can be shown as buttons (inline keyboard, card actions, page buttons). */
  buttons: boolean;
  /** Several choices can be ticked before confirming. */
  multiSelect: boolean;
  /** A sent message can be changed later. */
  editMessages: boolean;
  /** A person can share a location. */
  location: boolean;
  /** A person can share their phone number. */
  contact: boolean;
  /** Structured cards (e.g. Adaptive Cards). */
  cards: boolean;
  /** Files can be sent (e.g. the data export). */
  files: boolean;
  /** Photos can be received from people and shown to them. */
  images?: boolean;
  /** The channel reports when a message was read. */
  readReceipts: boolean;
}

/** Where a sent message lives, so it can be edited later. */
export interface MessageRef {
  channel: string;
  address: string;
  id: string;
}

export interface SendOptions {
  key?: string;
  subject?: string;
  /**
   * The caller took the send's slots for its first request: call this once the channel has answered
   * that request, and before taking fresh slots for any further one (a later part of the turn, or a
   * send that started too late for the caller's slot). The caller calls it after the send anyway.
   */
  answered?: () => void;
}

/** Why sending failed, so the caller knows whether to retry. */
export type DeliveryFailure = 'unreachable' | 'rate-limited' | 'transient';

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    message: string,
    /** For 'rate-limited': how long the channel asked us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * The small port every channel adapter implements for messages the core sends
 * on its own (a helper call, a reminder, a moderator's decision), as opposed
 * to the answer to a person's message. A message is what a turn produces:
 * texts, and optionally a question with choices.
 */
export interface MessengerPort {
  readonly channel: string;
  readonly capabilities: ChannelCapabilities;
  /**
   * The channel's sending limits, kept across every instance (e.g. Telegram: 30/s, 1/s per chat).
   * An adapter that also sends on the channel by itself (its answers to people) takes the same slots
   * and enters the same window (`sendWindow` in outbox.ts) for those sends: the window must see every send.
   */
  readonly limits?: { perSecond?: number; perAddressPerSecond?: number };
  /**
   * Sends to a channel address; throws {@link DeliveryError} when it cannot.
   * A `key` makes the send idempotent where the channel allows it (the same key
   * twice sends once); `subject` (e.g. `call:<id>`) lets the message be found
   * again to edit it.
   */
  send(address: string, message: TurnResult, options?: SendOptions): Promise<MessageRef>;
  /** Replaces a sent message; channels without `editMessages` send a new one instead. */
  edit(ref: MessageRef, message: TurnResult): Promise<void>;
}
