import { Bot, InputFile, type Context } from 'grammy';
import type { CallbackQuery, InlineKeyboardMarkup, Message } from 'grammy/types';
import { DomainError, msg, pickLocale, StoreUnavailableError, type IdentityRepository, type IncomingEvent, type Input, type Msg, type TurnResult } from '../../core/index.js';
import { decodeButton, encodeToggle } from './callback-data.js';
import { errorFacts } from './telegram-errors.js';
import type { SendSlots } from './telegram-limits.js';
import { answeredText, renderTurn, ticked, unticked, type Outgoing, type Renderer } from './telegram-renderer.js';
import { eventOf, inputOfMessage, isAddressedCommand, type EventBase, type TelegramFiles } from './telegram-updates.js';
import { sendStoredPhoto, type TelegramPhotos } from './telegram-photos.js';

export interface TelegramLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface TelegramBotOptions {
  channel: string;
  engine: { handle(event: IncomingEvent): Promise<TurnResult> };
  renderer: Renderer;
  defaultLocale: string;
  identities: Pick<IdentityRepository, 'markUnreachable' | 'markReachable'>;
  slots: SendSlots;
  log: TelegramLog;
  /** Photos in and out; without, a photo is answered as unsupported. */
  files?: TelegramFiles;
  photos?: TelegramPhotos;
}

/** The update kinds the bot asks Telegram for. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member'] as const;

/** Telegram shows at most this much of a callback query's answer. */
const MAX_TOAST = 200;

const SEND_METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto', 'sendLocation', 'sendContact', 'copyMessage', 'forwardMessage']);
const EDIT_METHODS = new Set(['editMessageText', 'editMessageReplyMarkup', 'editMessageCaption']);

/**
 * The bot's handlers on a grammy {@link Bot}: every update of a private chat
 * becomes one core event, and the turn that comes back is rendered into
 * Telegram messages; groups get only a pointer to the private chat. The same
 * handlers serve long polling and the webhook.
 */
export function installHandlers(bot: Bot, options: TelegramBotOptions): void {
  const { channel, engine, renderer, log } = options;

  // Every call that sends or edits waits for its slot, shared with the delivery jobs of every instance;
  // a 429 that comes anyway is waited out as Telegram asks, a few times.
  bot.api.config.use(async (prev, method, payload, signal) => {
    const chatId = (payload as { chat_id?: number | string }).chat_id;
    for (let attempt = 1; ; attempt++) {
      const answered = SEND_METHODS.has(method) && chatId !== undefined ? await options.slots.beforeMessage(chatId) : EDIT_METHODS.has(method) ? await options.slots.beforeEdit() : () => undefined;
      let result;
      try {
        result = await prev(method, payload, signal);
      } finally {
        answered();
      }
      if (result.ok || result.error_code !== 429 || attempt >= 3) return result;
      const wait = (result.parameters?.retry_after ?? 1) * 1000;
      await options.slots.blockFor(wait);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  });

  const localeHint = (ctx: Context) => pickLocale(ctx.from?.language_code, renderer.locales, options.defaultLocale);
  const base = (ctx: Context): EventBase => ({
    channel,
    botId: ctx.me.id,
    updateId: ctx.update.update_id,
    chatId: ctx.chat!.id,
    languageCode: ctx.from?.language_code,
  });

  async function send(chatId: number, parts: Outgoing[]): Promise<void> {
    for (const part of parts) {
      if (part.kind === 'document') await bot.api.sendDocument(chatId, new InputFile(Buffer.from(part.content, 'utf8'), part.filename));
      else if (part.kind === 'photo') await sendStoredPhoto(bot.api, chatId, part, options.photos);
      else await bot.api.sendMessage(chatId, part.html, { parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(part.markup ? { reply_markup: part.markup } : {}) });
    }
  }

  // Updates that failed because the database was briefly gone, and whose person was told so already.
  const hinted = new Set<number>();

  // The channel's one error boundary: a translated sentence for the person, ids and codes for the operator.
  bot.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof StoreUnavailableError) {
        // Telegram delivers the update again (webhook: after our 5xx; polling: it is not confirmed), and the engine
        // applies it once: the person hears "one moment" once, not "try again", and need not send anything again.
        const updateId = ctx.update.update_id;
        log.warn({ updateId, kind: updateKind(ctx), code: 'SERVICE_UNAVAILABLE' }, 'a Telegram update waits for the database');
        if (!hinted.has(updateId)) {
          hinted.add(updateId);
          if (hinted.size > 1000) hinted.delete(hinted.values().next().value!);
          const text = renderer.render(localeHint(ctx), { key: 'telegram:retrying' });
          if (ctx.callbackQuery) await answer(ctx, text);
          if (ctx.chat?.type === 'private') await bot.api.sendMessage(ctx.chat.id, text).catch(() => undefined);
        }
        throw error;
      }
      const code = error instanceof DomainError ? error.code : error instanceof StoreUnavailableError ? 'SERVICE_UNAVAILABLE' : 'UNEXPECTED';
      const facts = { updateId: ctx.update.update_id, kind: updateKind(ctx), code, err: errorFacts(error) };
      if (code === 'UNEXPECTED') log.error(facts, 'unexpected error in a Telegram update');
      else log.warn(facts, 'a Telegram update could not be handled');
      const text = renderer.render(localeHint(ctx), { key: `errors:${code}` });
      if (ctx.callbackQuery) await answer(ctx, text);
      if (ctx.chat?.type === 'private') await bot.api.sendMessage(ctx.chat.id, text).catch(() => undefined);
    }
  });

  // Blocking the bot (or starting it again) arrives as a change of the bot's membership in the private chat.
  bot.on('my_chat_member', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const status = ctx.myChatMember.new_chat_member.status;
    if (status === 'kicked') await options.identities.markUnreachable(channel, String(ctx.chat.id), new Date(ctx.myChatMember.date * 1000));
    else if (status === 'member') await options.identities.markReachable(channel, String(ctx.chat.id));
  });

  // Groups: only commands addressed to this bot, answered with the way to the private chat; nothing personal is said there.
  bot.use(async (ctx, next) => {
    if (!ctx.chat || ctx.chat.type === 'private') return next();
    if (ctx.callbackQuery) return answer(ctx);
    const text = ctx.message?.text;
    if (!ctx.message || !isAddressedCommand(text, ctx.me.username)) return;
    const locale = localeHint(ctx);
    await bot.api.sendMessage(ctx.chat.id, renderer.render(locale, msg('telegram:groupPrivate')), {
      reply_parameters: { message_id: ctx.message.message_id, allow_sending_without_reply: true },
      reply_markup: { inline_keyboard: [[{ text: renderer.render(locale, msg('telegram:openPrivate')), url: `https://t.me/${ctx.me.username}` }]] },
    });
  });

  bot.on('message', async (ctx) => {
    const read = inputOfMessage(ctx.message, ctx.from?.id, options.files);
    if ('unsupported' in read) {
      // Where we are, in the person's language, with a word on what the bot can read.
      const current = await engine.handle(eventOf(base(ctx), { type: 'open' }));
      const note: Msg = msg(read.unsupported === 'foreign-contact' ? 'telegram:ownContactOnly' : 'telegram:unsupported');
      await send(ctx.chat.id, renderTurn(renderer, { ...current, messages: [note] }, { closeReplyKeyboard: false }));
      return;
    }
    const result = await engine.handle(eventOf(base(ctx), read.input, read.regionHint));
    await send(ctx.chat.id, renderTurn(renderer, result, { closeReplyKeyboard: true }));
  });

  bot.on('callback_query:data', async (ctx) => {
    const query = ctx.callbackQuery;
    const message = accessible(query);
    const button = decodeButton(query.data);
    if (!button || !message) {
      // Not a button of ours, or a message too old to read: nothing to answer but the spinner.
      await answer(ctx);
      if (message?.reply_markup) await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
      return;
    }
    if (button.kind === 'toggle') {
      // Ticks live in the message's own buttons until Done: nothing to store, and any instance can take the next press.
      await answer(ctx);
      // A redelivered press computes the same ticks again, which Telegram refuses as "not modified": nothing lost.
      await ctx.editMessageReplyMarkup({ reply_markup: toggled(message.reply_markup, query.data) }).catch(() => undefined);
      return;
    }
    let input: Input;
    let chosen: string;
    if (button.kind === 'done') {
      const picked = pickedOf(message.reply_markup, button.token);
      input = { type: 'choice', token: button.token, values: picked.map((p) => p.value) };
      chosen = picked.map((p) => p.label).join(', ') || '–';
    } else if (button.kind === 'choice') {
      input = { type: 'choice', token: button.token, values: [button.value] };
      chosen = labelOf(message.reply_markup, query.data) ?? button.value;
    } else {
      chosen = labelOf(message.reply_markup, query.data) ?? '';
      input = { type: 'text', token: button.token, text: chosen };
    }
    const result = await engine.handle(eventOf(base(ctx), input));
    const first = result.messages[0]?.key;
    const say = (m: Msg) => renderer.render(result.locale, m);

    if (first === 'conversation:duplicate') {
      // Applied once already: the message shows its outcome since then, and stays as it is.
      await answer(ctx, say(result.messages[0]!));
      return;
    }
    if (first === 'conversation:stale') {
      await answer(ctx, say(result.messages[0]!));
      await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
      await send(ctx.chat!.id, renderTurn(renderer, result));
      return;
    }
    if (answeredOutside(button.token)) {
      // A helper call's Accept / Decline: the notification turns into the outcome, and the conversation's own
      // question stays where it is in the chat above, still answerable; repeating it would bury the call.
      const outcome = result.messages.map(say).join('\n\n');
      await answer(ctx, outcome);
      // Should the edit fail, the note on the button has told the outcome already.
      await ctx.editMessageText(answeredText(message.text ?? '', outcome), { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
      return;
    }
    await answer(ctx);
    await ctx.editMessageText(answeredText(message.text ?? '', `✓ ${unticked(chosen)}`), { parse_mode: 'HTML', reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    await send(ctx.chat!.id, renderTurn(renderer, result));
  });
}

/**
 * Conversation tokens are plain (`k3X_a9Zq`); answers handled outside the
 * conversation carry a namespaced token (`call:<id>`, see the engine's answer handlers).
 */
function answeredOutside(token: string): boolean {
  return token.includes(':');
}

function accessible(query: CallbackQuery): (Message & { reply_markup?: InlineKeyboardMarkup }) | undefined {
  const message = query.message;
  // An inaccessible message (too old, or deleted) comes with date 0.
  return message && message.date !== 0 ? (message as Message) : undefined;
}

function buttons(markup: InlineKeyboardMarkup | undefined) {
  return (markup?.inline_keyboard ?? []).flat().filter((b): b is typeof b & { callback_data: string } => 'callback_data' in b && typeof b.callback_data === 'string');
}

function labelOf(markup: InlineKeyboardMarkup | undefined, data: string): string | undefined {
  return buttons(markup).find((b) => b.callback_data === data)?.text;
}

/** The same keyboard with one choice ticked or unticked. */
function toggled(markup: InlineKeyboardMarkup | undefined, data: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: (markup?.inline_keyboard ?? []).map((row) =>
      row.map((b) => {
        if (!('callback_data' in b) || b.callback_data !== data) return b;
        const parsed = decodeButton(data);
        if (parsed?.kind !== 'toggle') return b;
        return { text: parsed.ticked ? unticked(b.text) : ticked(b.text), callback_data: encodeToggle(parsed.token, parsed.value, !parsed.ticked) ?? data };
      }),
    ),
  };
}

/** The ticked choices of a multiple question, read from its message's buttons. */
function pickedOf(markup: InlineKeyboardMarkup | undefined, token: string): { value: string; label: string }[] {
  return buttons(markup).flatMap((b) => {
    const parsed = decodeButton(b.callback_data);
    return parsed?.kind === 'toggle' && parsed.token === token && parsed.ticked ? [{ value: parsed.value, label: unticked(b.text) }] : [];
  });
}

/**
 * Ends the button's spinner, with a short note where there is one. A query answered already (a
 * redelivered update) or too old is refused by Telegram; that is no reason to fail the update.
 */
async function answer(ctx: Context, text?: string): Promise<void> {
  await ctx.answerCallbackQuery(text ? { text: text.length > MAX_TOAST ? `${text.slice(0, MAX_TOAST - 1)}…` : text } : {}).catch(() => undefined);
}

function updateKind(ctx: Context): string {
  return Object.keys(ctx.update).find((k) => k !== 'update_id') ?? 'unknown';
}
