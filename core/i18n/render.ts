import { isLanguageName, isMsg, type Msg, type ParamValue } from '../messages.js';

/** Looks a key up in one language and fills in already-rendered parameters (i18next's `t`, bound per call). */
export type Translate = (locale: string, key: string, params: Record<string, string | number>) => string;

export interface RenderOptions {
  timeZone?: string;
}

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
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  if (value instanceof Date) {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(options.timeZone ? { timeZone: options.timeZone } : {}) }).format(value);
  }
  if (Array.isArray(value)) {
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(value.map((v) => renderParam(translate, locale, v, options)));
  }
  if (isMsg(value)) return renderMessage(translate, locale, value, options);
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
