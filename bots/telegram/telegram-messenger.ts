import { randomUUID } from 'node:crypto';
import { InputFile, type Api } from 'grammy';
import { DeliveryError, type ChannelCapabilities, type MessageRef, type MessengerPort, type SendOptions, type TurnResult } from '../../core/index.js';
import { deliveryError, errorFacts, isGoneForEditing, isNotModified } from './telegram-errors.js';
import { SLOT_TOLERANCE_MS, TELEGRAM_LIMITS, type SendSlots } from './telegram-limits.js';
import { renderTurn, type Outgoing, type Renderer } from './telegram-renderer.js';
import { sendStoredPhoto, type TelegramPhotos } from './telegram-photos.js';

/**
 * Where the bot remembers what it sent on its own (implemented in prisma/):
 * our id (the idempotency key) with Telegram's message id, so a notification
 * can be found by its subject and edited, and a send repeated after a crash
 * is recognised. No text is kept.
 */
export interface TelegramMessageStore {
  /** Records the intent to send; false when a message with this id exists already. */
  claim(id: string, address: string, subject?: string): Promise<boolean>;
  /** Telegram's message id, once the send succeeded; null while it has not; undefined without a row. */
  messageId(id: string, address: string): Promise<number | null | undefined>;
  sent(id: string, messageId: number): Promise<void>;
  /** Forgets a claim whose send failed, so a retry sends. */
  release(id: string): Promise<void>;
}

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  buttons: true,
  multiSelect: true,
  editMessages: true,
  location: true,
  contact: true,
  cards: false,
  files: true,
  readReceipts: false,
  images: true,
};

export interface MessengerLog {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * Telegram's side of the messenger port: helper calls, reminders and notices
 * the service sends on its own. The caller (the delivery job) takes the send
 * slots for {@link limits}; edits take the bot-wide slot here.
 */
export class TelegramMessenger implements MessengerPort {
  readonly capabilities = TELEGRAM_CAPABILITIES;
  readonly limits = { perSecond: TELEGRAM_LIMITS.perSecond, perAddressPerSecond: TELEGRAM_LIMITS.perChatPerSecond };

  constructor(
    readonly channel: string,
    private readonly api: Api,
    private readonly renderer: Renderer,
    private readonly store: TelegramMessageStore,
    private readonly slots: SendSlots,
    private readonly log: MessengerLog,
    private readonly photos?: TelegramPhotos,
  ) {}

  async send(address: string, message: TurnResult, options: SendOptions = {}): Promise<MessageRef> {
    const entered = Date.now();
    const id = options.key ?? randomUUID();
    const ref = { channel: this.channel, address, id };
    const claimed = await this.store.claim(id, address, options.subject);
    // Sent before under this key: the same key twice sends once. A claim without a message id is
    // a send that crashed half-way; it is sent again (at least once rather than never).
    if (!claimed && (await this.store.messageId(id, address))) return ref;
    let last: number;
    try {
      // The caller's slot held when we were called; a slow database since then may have pushed this send
      // into the next one's time, so it takes fresh slots (spending one, never exceeding a limit).
      const late = Date.now() - entered > SLOT_TOLERANCE_MS;
      last = await this.deliver(address, renderTurn(this.renderer, message), late, options.answered ?? (() => undefined));
    } catch (error) {
      if (claimed) await this.store.release(id);
      throw deliveryError(error);
    }
    await this.store.sent(id, last);
    return ref;
  }

  async edit(ref: MessageRef, message: TurnResult): Promise<void> {
    const messageId = await this.store.messageId(ref.id, ref.address);
    if (!messageId) {
      await this.send(ref.address, message);
      return;
    }
    const parts = renderTurn(this.renderer, message).filter((p): p is Extract<Outgoing, { kind: 'text' }> => p.kind === 'text');
    const text = parts.map((p) => p.html).join('\n\n');
    const markup = parts.at(-1)?.markup;
    const inline = markup && 'inline_keyboard' in markup ? markup : { inline_keyboard: [] };
    // Edits of a filled call go out to many people at once; one failure must not keep the others unedited.
    for (let attempt = 1; ; attempt++) {
      const answered = await this.slots.beforeEdit();
      try {
        await this.api.editMessageText(Number(ref.address), messageId, text, { parse_mode: 'HTML', reply_markup: inline, link_preview_options: { is_disabled: true } }).finally(answered);
        return;
      } catch (error) {
        if (isNotModified(error)) return;
        if (isGoneForEditing(error)) {
          await this.send(ref.address, message);
          return;
        }
        const failure = deliveryError(error);
        if (failure instanceof DeliveryError && failure.failure === 'unreachable') {
          this.log.debug({ channel: this.channel, ...errorFacts(error) }, 'an edit could not reach its chat');
          return;
        }
        if (failure instanceof DeliveryError && failure.failure !== 'unreachable' && attempt < 4) {
          const wait = failure.retryAfterMs ?? 500 * attempt;
          if (failure.failure === 'rate-limited') await this.slots.blockFor(wait);
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        throw failure;
      }
    }
  }

  /**
   * Sends the parts of a turn in order; returns the id of the last message (the one with the buttons).
   * The caller's slots are for the first part (`callersAnswered` once Telegram answered it); a later
   * part, or a first one that started too late for the caller's slots, takes fresh slots.
   */
  private async deliver(address: string, parts: Outgoing[], late: boolean, callersAnswered: () => void): Promise<number> {
    const chatId = Number(address);
    let last = 0;
    for (const [i, part] of parts.entries()) {
      // The caller's slots are given back unused before fresh ones are taken: the window waits for them.
      if (i === 0 && late) callersAnswered();
      const answered = i > 0 || late ? await this.slots.beforeMessage(address) : callersAnswered;
      try {
        if (part.kind === 'document') {
          last = (await this.api.sendDocument(chatId, new InputFile(Buffer.from(part.content, 'utf8'), part.filename))).message_id;
        } else if (part.kind === 'photo') {
          last = (await sendStoredPhoto(this.api, chatId, part, this.photos)) ?? last;
        } else {
          last = (await this.api.sendMessage(chatId, part.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(part.markup ? { reply_markup: part.markup } : {}) })).message_id;
        }
      } finally {
        answered();
      }
    }
    return last;
  }
}
