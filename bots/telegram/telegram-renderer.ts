import type { InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import type { Choice, LocaleInfo, Msg, Prompt, TurnResult } from '../../core/index.js';
import { encodeChoice, encodeDone, encodeLabelFallback, encodeToggle } from './callback-data.js';

export interface Renderer {
  locales: LocaleInfo[];
  render(locale: string, message: Msg): string;
}

type InlineButton = InlineKeyboardButton.CallbackButton;
type InlineKeyboard = InlineKeyboardMarkup;
type ReplyKeyboard = ReplyKeyboardMarkup & { keyboard: KeyboardButton[][] };
export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove;

/** One Bot API call a turn becomes: a text message, a document, or a stored photo (sent by id, loaded when sent). */
export type Outgoing =
  | { kind: 'text'; html: string; markup?: ReplyMarkup }
  | { kind: 'document'; filename: string; mediaType: string; content: string }
  | { kind: 'photo'; id: string; caption: string };

/** Telegram's limit for a photo's caption, in UTF-16 code units. */
export const MAX_CAPTION = 1024;

/** Telegram's limit for a message's text after entities are parsed, in UTF-16 code units. */
export const MAX_TEXT = 4096;
const TICK = '✓ ';

/** Escapes the three characters Telegram's HTML parse mode reserves. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function choiceLabel(renderer: Renderer, locale: string, choice: Choice): string {
  return 'key' in choice.label ? renderer.render(locale, choice.label) : choice.label.text;
}

/** Choices as an inline keyboard: short labels share a row, long ones get their own. */
export function inlineKeyboard(renderer: Renderer, locale: string, prompt: Prompt): InlineKeyboard {
  const choices = prompt.choices ?? [];
  const buttons: InlineButton[] = choices.map((choice, index) => {
    const label = choiceLabel(renderer, locale, choice);
    const ticked = choice.selected ?? false;
    const wanted = prompt.multiple ? encodeToggle(prompt.token, choice.value, ticked) : encodeChoice(prompt.token, choice.value);
    // A value too long for Telegram's 64 bytes is sent by its label, which the core matches like typed text.
    return { text: (ticked ? TICK : '') + label, callback_data: wanted ?? encodeLabelFallback(prompt.token, index) };
  });
  const perRow = buttons.every((b) => [...b.text].length <= 14) ? 3 : buttons.every((b) => [...b.text].length <= 24) ? 2 : 1;
  const rows: InlineButton[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) rows.push(buttons.slice(i, i + perRow));
  if (prompt.multiple) rows.push([{ text: renderer.render(locale, { key: 'telegram:done' }), callback_data: encodeDone(prompt.token) }]);
  return { inline_keyboard: rows };
}

/** Where a question takes a location or the phone number: Telegram's sharing buttons, the choices as typed answers. */
function replyKeyboard(renderer: Renderer, locale: string, prompt: Prompt): ReplyKeyboard {
  const rows: ReplyKeyboard['keyboard'] = [];
  if (prompt.acceptsLocation) rows.push([{ text: renderer.render(locale, { key: 'telegram:shareLocation' }), request_location: true }]);
  if (prompt.acceptsContact) rows.push([{ text: renderer.render(locale, { key: 'telegram:shareContact' }), request_contact: true }]);
  for (const choice of prompt.choices ?? []) rows.push([{ text: choiceLabel(renderer, locale, choice) }]);
  return { keyboard: rows, resize_keyboard: true, one_time_keyboard: true };
}

export interface RenderOptions {
  /** The person answered with a message (not a button): a sharing keyboard of the previous question may still be open. */
  closeReplyKeyboard?: boolean;
}

/**
 * A turn as Telegram messages: the texts and the question in as few messages
 * as fit (one, usually), the choices as an inline keyboard on the last one, a
 * file as a document.
 */
export function renderTurn(renderer: Renderer, turn: TurnResult, options: RenderOptions = {}): Outgoing[] {
  const { locale } = turn;
  const texts = turn.messages.map((m) => renderer.render(locale, m));
  const prompt = turn.prompt;
  const out: Outgoing[] = [];
  if (turn.attachment) out.push({ kind: 'document', ...turn.attachment });
  // The question's photo goes first, with a short caption; the question and its buttons follow as text.
  if (prompt?.image) {
    const caption = renderer.render(locale, prompt.image.caption);
    out.push({ kind: 'photo', id: prompt.image.id, caption: escapeHtml(caption.length > MAX_CAPTION ? `${caption.slice(0, MAX_CAPTION - 1)}…` : caption) });
  }

  let markup: ReplyMarkup | undefined;
  if (prompt && (prompt.acceptsLocation || prompt.acceptsContact)) markup = replyKeyboard(renderer, locale, prompt);
  else if (prompt?.choices?.length) markup = inlineKeyboard(renderer, locale, prompt);

  // A sharing keyboard of the previous question may still be open; a message without buttons of its own
  // closes it. (An inline keyboard cannot: then it stays until used, and a stray location is answered kindly.)
  const close = options.closeReplyKeyboard && !markup;
  const body = [...texts, ...(prompt ? [renderer.render(locale, prompt.text)] : [])].join('\n\n');
  if (body.trim().length === 0) return out;
  const parts = chunks(body);
  parts.forEach((html, i) => {
    const last = i === parts.length - 1;
    const partMarkup = last ? markup : undefined;
    out.push({ kind: 'text', html, ...(partMarkup ? { markup: partMarkup } : close && i === 0 ? { markup: { remove_keyboard: true } } : {}) });
  });
  return out;
}

/** Splits plain text into escaped pieces that fit one message, at paragraph or line breaks where possible. */
export function chunks(text: string): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > MAX_TEXT) {
    const window = rest.slice(0, MAX_TEXT);
    let cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'));
    if (cut < MAX_TEXT / 2) cut = window.lastIndexOf(' ');
    if (cut < MAX_TEXT / 2) cut = MAX_TEXT;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  pieces.push(rest);
  return pieces.filter((p) => p.length > 0).map(escapeHtml);
}

/** The pressed message after the press: its text, what was chosen, and no buttons any more. */
export function answeredText(original: string, outcome: string): string {
  const body = `${original}\n\n${outcome}`;
  return body.length > MAX_TEXT ? escapeHtml(outcome) : `${escapeHtml(original)}\n\n<i>${escapeHtml(outcome)}</i>`;
}

export function ticked(label: string): string {
  return label.startsWith(TICK) ? label : TICK + label;
}

export function unticked(label: string): string {
  return label.startsWith(TICK) ? label.slice(TICK.length) : label;
}
