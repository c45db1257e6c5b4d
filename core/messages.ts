/**
 * The core speaks in message keys, never in sentences. A channel renders a
 * {@link Msg} in the recipient's language (see `core/i18n/render.ts`).
 */

/** A language code to be shown by its name in the recipient's language. */
export interface LanguageName {
  language: string;
}

/** A moment (or a span, with `until`) shown in the recipient's language and in a given time zone. */
export interface DateTimeValue {
  dateTime: Date;
  until?: Date;
  timeZone: string;
}

/** A parameter: plain text is shown as written (user input is never translated). */
export type ParamValue = string | number | Date | Msg | LanguageName | DateTimeValue | ParamValue[];

export interface Msg {
  key: string;
  params?: Record<string, ParamValue>;
}

export function msg(key: string, params?: Record<string, ParamValue>): Msg {
  return params ? { key, params } : { key };
}

export function isMsg(value: unknown): value is Msg {
  return typeof value === 'object' && value !== null && 'key' in value && typeof (value as Msg).key === 'string';
}

export function isLanguageName(value: unknown): value is LanguageName {
  return typeof value === 'object' && value !== null && 'language' in value;
}

export function isDateTime(value: unknown): value is DateTimeValue {
  return typeof value === 'object' && value !== null && 'dateTime' in value && 'timeZone' in value;
}
