import type { BotMessage, FakeTelegram, TgUser } from './fake-telegram.js';

/**
 * A person in their private chat with the bot, acting through the fake Bot API
 * server exactly as the Telegram app would: messages, button presses on the
 * messages as they look now, shared contacts and locations. Every action
 * waits until the bot has handled it.
 */
export class TelegramPerson {
  readonly user: TgUser;

  constructor(
    private readonly telegram: FakeTelegram,
    id: number,
    languageCode?: string,
  ) {
    this.user = telegram.user(id, languageCode);
  }

  get chatId(): number {
    return this.user.id;
  }

  get messages(): BotMessage[] {
    return this.telegram.chat(this.user.id);
  }

  get last(): BotMessage {
    return this.telegram.last(this.user.id);
  }

  /** The newest message with buttons on it. */
  get question(): BotMessage {
    const withButtons = this.messages.filter((m) => (m.reply_markup?.inline_keyboard as unknown[] | undefined)?.length);
    const last = withButtons.at(-1);
    if (!last) throw new Error(`no buttons in chat ${this.user.id}: ${this.messages.map((m) => m.text).join(' | ')}`);
    return last;
  }

  /** Everything the bot wrote since message `after` (its id), texts only. */
  since(after: number): string[] {
    return this.messages.filter((m) => m.message_id > after).map((m) => m.text ?? `[document ${m.document?.file_name}]`);
  }

  lastId(): number {
    return this.messages.at(-1)?.message_id ?? 0;
  }

  async say(text: string): Promise<number> {
    const id = this.telegram.sendText(this.user, text);
    await this.telegram.handled(id);
    return id;
  }

  async tap(labelOrValue: string, message: BotMessage = this.question): Promise<number> {
    const id = this.telegram.press(this.user, message, this.telegram.button(message, labelOrValue));
    await this.telegram.handled(id);
    return id;
  }

  async shareContact(phone: string): Promise<void> {
    await this.telegram.handled(this.telegram.sendContact(this.user, phone));
  }

  async shareLocation(lat: number, lon: number): Promise<void> {
    await this.telegram.handled(this.telegram.sendLocation(this.user, lat, lon));
  }
}
