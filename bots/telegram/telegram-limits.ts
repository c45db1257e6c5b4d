import { SLOT_MARGIN, sendWindow, type RateSlots, type SendWindow } from '../../core/index.js';

/**
 * Telegram's sending limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
 * about 30 messages a second in all, one a second in a chat, 20 a minute in a
 * group. The bot keeps clearly below them, because a message is counted when
 * it arrives: a busy server (a stalled event loop) or the network bunches
 * messages that left evenly spaced: 28 a second drew 429s under load, and so did 25 on a busy CI machine.
 */
export const TELEGRAM_LIMITS = {
  /**
   * Every message and edit, across every chat and instance (Telegram: 30). A third below: a
   * stalled event loop or the network can bunch a quarter of a second's sends into the next second.
   */
  perSecond: 20,
  /** New messages in one private chat (Telegram: 1). */
  perChatPerSecond: 0.8,
  /** New messages in one group (Telegram: 20 a minute). */
  perGroupPerMinute: 18,
} as const;

/** A send may start this late after its slot; later, it takes a new one. */
export const SLOT_TOLERANCE_MS = 20;

/** The key of the bot-wide slot; the core's delivery jobs use the channel's name for it as well. */
export function globalSlotKey(channel: string): string {
  return channel;
}

export function chatSlotKey(channel: string, chatId: string | number): string {
  return `${channel}:${chatId}`;
}

/** Groups, supergroups and channels have negative ids; people's private chats positive ones. */
export function isGroupChat(chatId: string | number): boolean {
  return Number(chatId) < 0;
}

/**
 * Waits for send slots shared by every instance (the `RateSlot` table), the
 * same way the core's delivery jobs do: slots SLOT_MARGIN wider than the rate, and a
 * sender that wakes up late for its slot takes a new one. Each send then enters the
 * same window as the delivery jobs' sends ({@link SendWindow}): it starts more than
 * a second after Telegram answered the send 20 before it, and more than 1.25 s after
 * the chat's last message was answered, whichever way either went out.
 */
export class SendSlots {
  private readonly window: SendWindow;

  constructor(
    private readonly slots: RateSlots,
    private readonly channel: string,
    private readonly limits = TELEGRAM_LIMITS,
  ) {
    this.window = sendWindow(slots);
  }

  /** Before a new message in a chat: the bot-wide slot and the chat's. Returns what to call once Telegram has answered it. */
  async beforeMessage(chatId: string | number): Promise<() => void> {
    const bot = await this.take(globalSlotKey(this.channel), this.limits.perSecond);
    try {
      const chat = await this.take(chatSlotKey(this.channel, chatId), isGroupChat(chatId) ? this.limits.perGroupPerMinute / 60 : this.limits.perChatPerSecond);
      return () => (bot(), chat());
    } catch (error) {
      bot();
      throw error;
    }
  }

  /** Before an edit: only the bot-wide slot (Telegram limits new messages per chat, not edits). Returns what to call once answered. */
  async beforeEdit(): Promise<() => void> {
    return this.take(globalSlotKey(this.channel), this.limits.perSecond);
  }

  /** After a 429: nobody sends before Telegram's retry_after has passed. */
  async blockFor(ms: number): Promise<void> {
    // Without the database only this sender waits (the caller waits out retry_after itself).
    await this.slots.block(globalSlotKey(this.channel), new Date(Date.now() + ms)).catch(() => undefined);
  }

  private async take(key: string, perSecond: number): Promise<() => void> {
    const tolerance = SLOT_TOLERANCE_MS;
    for (let attempt = 0; attempt < 20; attempt++) {
      let at: number;
      try {
        at = await this.slots.reserve(key, (1000 / perSecond) * (1 + SLOT_MARGIN), new Date());
      } catch {
        // The database is briefly gone: a reply such as "please try again in a moment" still goes out;
        // should it be one too many, Telegram answers 429 and the send waits as asked.
        break;
      }
      const wait = at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
      if (Date.now() - at <= tolerance) break;
    }
    // A machine too busy to keep any slot sends anyway, still within this process's window;
    // Telegram answers 429 if it was too much, and that is retried.
    return this.window.enter(key, perSecond);
  }
}
