import { isDateTime, isLanguageName, isMsg, type Msg, type ParamValue } from '../messages.js';

/** Looks a key up in one language and fills in already-rendered parameters (i18next's `t`, bound per call). */
export type Translate = (locale: string, key: string, params: Record<string, string | number>) => string;

export interface RenderOptions {
  timeZone?: string;
}

const RIGHT_TO_LEFT = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'ckb', 'yi', 'dv']);

export function isRightToLeft(locale: string): boolean {
  return RIGHT_TO_LEFT.has(locale.split('-')[0]!);
}

/**
 * Wraps text written by people (names, e-mail addresses, phone numbers) in
 * Unicode isolates inside right-to-left sentences, so that "+49 170 …" does
 * not come out as "… 170 49+".
 */
export function isolate(locale: string, text: string): string {
  if (!isRightToLeft(locale) || !text) return text;
  // A phone number has no strong characters, so a first-strong isolate would take the sentence's
  // direction again; text without right-to-left letters is isolated left to right.
  return `${RTL_LETTER.test(text) ? '\u2068' : '\u2066'}${text}\u2069`;
}

const RTL_LETTER = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;

/**
 * Renders a message in the recipient's language: nested messages and lists
 * recursively, numbers, dates and language names with `Intl`. `count` stays
 * a number so the translation can choose its plural form.
 */
export function renderMessage(translate: Translate, locale: string, message: Msg, options: RenderOptions = {}): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(message.params ?? {})) {
    params[name] = name === 'count' && typeof value === 'number' ? value : renderParam(translate, locale, value, options);
  }
  return translate(locale, message.key, params);
}

function renderParam(translate: Translate, locale: string, value: ParamValue, options: RenderOptions): string {
  if (typeof value === 'string') return isolate(locale, value);
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  if (value instanceof Date) {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(options.timeZone ? { timeZone: options.timeZone } : {}) }).format(value);
  }
  if (Array.isArray(value)) {
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(value.map((v) => renderParam(translate, locale, v, options)));
  }
  if (isMsg(value)) return renderMessage(translate, locale, value, options);
  if (isDateTime(value)) {
    const format = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone: value.timeZone });
    const start = new Date(value.dateTime);
    return value.until ? format.formatRange(start, new Date(value.until)) : format.format(start);
  }
  if (isLanguageName(value)) return languageName(locale, value.language);
  return String(value);
}

/** A language's name in the reader's language, capitalised as a label ("Arabisch", "арабский" → "Арабский"). */
export function languageName(locale: string, code: string): string {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' }).of(code);
  } catch {
    name = code;
  }
  const text = name ?? code;
  return text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);
}
