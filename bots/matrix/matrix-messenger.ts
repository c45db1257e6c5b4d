import { randomUUID } from 'node:crypto';
import { DeliveryError, type ChannelCapabilities, type MessageRef, type MessengerPort, type SendOptions, type TurnResult } from '../../core/index.js';
import type { MatrixSender } from './matrix-send.js';
import { deliveryError } from './matrix-send.js';
import type { MatrixStore } from './matrix-store.js';

export const MATRIX_CHANNEL = 'matrix';

export const MATRIX_CAPABILITIES: ChannelCapabilities = {
  // Options are a numbered list answered by number or by reaction, not buttons.
  buttons: false,
  multiSelect: false,
  editMessages: true,
  location: true,
  contact: false,
  cards: false,
  files: true,
  readReceipts: false,
  images: true,
};

/**
 * Matrix's side of the messenger port: a helper call, a reminder or a notice
 * goes to the person's direct chat with the bot, a yes-or-no question with ✅
 * and ❌ to tap; a filled call's notification is edited in place. The address
 * is the person's Matrix user id; the room is looked up when sending, so a new
 * chat with the bot takes over from a left one.
 */
export class MatrixMessenger implements MessengerPort {
  readonly channel = MATRIX_CHANNEL;
  readonly capabilities = MATRIX_CAPABILITIES;

  /** Paced below the homeserver's limit; when it still says "slow down", every instance waits. */
  readonly limits?: { perSecond: number };

  constructor(
    private readonly store: MatrixStore,
    private readonly sender: MatrixSender,
    limits?: { perSecond: number },
    private readonly now: () => Date = () => new Date(),
  ) {
    if (limits) this.limits = limits;
  }

  async send(address: string, message: TurnResult, options: SendOptions = {}): Promise<MessageRef> {
    const id = options.key ?? randomUUID();
    const known = options.key ? await this.store.findSent(id) : null;
    if (known) return { channel: this.channel, address, id };
    const roomId = await this.store.directRoomOf(address);
    if (!roomId) throw new DeliveryError('unreachable', 'Matrix: no unencrypted room with this person');
    try {
      const eventId = await this.sender.sendTurn(roomId, message, { idempotencyKey: id, offerReactions: true });
      if (eventId) await this.store.recordSent({ id, address, roomId, eventId, ...(options.subject ? { subject: options.subject } : {}) });
    } catch (error) {
      const failure = deliveryError(error);
      // The person left or removed the bot: this room is done; a new invitation opens another.
      if (failure.failure === 'unreachable') await this.store.left(roomId, this.now());
      throw failure;
    }
    return { channel: this.channel, address, id };
  }

  async edit(ref: MessageRef, message: TurnResult): Promise<void> {
    const sent = await this.store.findSent(ref.id);
    if (!sent) {
      await this.send(ref.address, message);
      return;
    }
    try {
      await this.sender.edit(sent.roomId, sent.eventId, message);
    } catch (error) {
      throw deliveryError(error);
    }
  }
}
