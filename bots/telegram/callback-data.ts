/**
 * What a button carries back in `callback_data` (at most 64 bytes): the
 * question's token, so a press on an old question is recognised as stale, and
 * the choice.
 *
 * - `c|<token>|<value>`   a single choice
 * - `m|<token>|<0|1>|<v>` a choice of a multiple question, ticked or not; pressing it only flips the tick
 * - `d|<token>`           Done: the ticked values of the same message are the answer
 * - `l|<token>|<index>`   a choice whose value does not fit: answered by the button's label
 */
export type ButtonData =
  | { kind: 'choice'; token: string; value: string }
  | { kind: 'toggle'; token: string; value: string; ticked: boolean }
  | { kind: 'done'; token: string }
  | { kind: 'label'; token: string; index: number };

export const MAX_CALLBACK_BYTES = 64;

function fits(data: string): string | null {
  return Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_BYTES ? data : null;
}

export function encodeChoice(token: string, value: string): string | null {
  return fits(`c|${token}|${value}`);
}

export function encodeToggle(token: string, value: string, ticked: boolean): string | null {
  return fits(`m|${token}|${ticked ? 1 : 0}|${value}`);
}

export function encodeDone(token: string): string {
  const data = fits(`d|${token}`);
  if (!data) throw new Error('A question token is too long for a Telegram button');
  return data;
}

export function encodeLabelFallback(token: string, index: number): string {
  const data = fits(`l|${token}|${index}`);
  if (!data) throw new Error('A question token is too long for a Telegram button');
  return data;
}

/** Reads a button's data; null for anything this bot did not send (or an older format). */
export function decodeButton(data: string): ButtonData | null {
  const [kind, token, ...rest] = data.split('|');
  if (!token) return null;
  switch (kind) {
    case 'c':
      return rest.length >= 1 ? { kind: 'choice', token, value: rest.join('|') } : null;
    case 'm':
      return rest.length >= 2 && (rest[0] === '0' || rest[0] === '1') ? { kind: 'toggle', token, ticked: rest[0] === '1', value: rest.slice(1).join('|') } : null;
    case 'd':
      return rest.length === 0 ? { kind: 'done', token } : null;
    case 'l': {
      const index = Number(rest[0]);
      return rest.length === 1 && Number.isInteger(index) && index >= 0 ? { kind: 'label', token, index } : null;
    }
    default:
      return null;
  }
}
