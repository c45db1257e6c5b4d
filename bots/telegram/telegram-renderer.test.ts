import { describe, expect, it } from 'vitest';
import { msg, type Msg, type TurnResult } from '../../core/index.js';
import { parseHtml } from '../../test/support/telegram-html.js';
import { decodeButton, MAX_CALLBACK_BYTES } from './callback-data.js';
import { answeredText, chunks, MAX_TEXT, renderTurn, type Renderer } from './telegram-renderer.js';

/** Renders a key as itself, or the `text` parameter where there is one. */
const renderer: Renderer = {
  locales: [{ code: 'de', nativeName: 'Deutsch', dir: 'ltr' }],
  render: (_locale: string, m: Msg) => (typeof m.params?.text === 'string' ? m.params.text : m.key),
};

describe('rendering a turn for Telegram', () => {
  it('escapes what people wrote, so Telegram shows it as written', () => {
    const turn: TurnResult = { locale: 'de', messages: [msg('x', { text: 'Schmidt <Tafel & Co> 3 > 2' })] };
    const [out] = renderTurn(renderer, turn);
    expect(out).toMatchObject({ kind: 'text' });
    expect(parseHtml((out as { html: string }).html).text).toBe('Schmidt <Tafel & Co> 3 > 2');
    expect(parseHtml(answeredText('a < b & c', '✓ <ja>')).text).toBe('a < b & c\n\n✓ <ja>');
  });

  it('splits a text longer than a message at line breaks, with the buttons on the last part', () => {
    const long = Array.from({ length: 300 }, (_, i) => `Zeile ${i} ${'x'.repeat(20)}`).join('\n');
    const turn: TurnResult = { locale: 'de', messages: [msg('x', { text: long })], prompt: { token: 'tok', text: msg('q'), choices: [{ value: 'a', label: { text: 'A' } }] } };
    const parts = renderTurn(renderer, turn);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(parseHtml((part as { html: string }).html).text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(parts.slice(0, -1).every((p) => !('markup' in p))).toBe(true);
    expect(parts.at(-1)).toMatchObject({ markup: { inline_keyboard: [[{ text: 'A', callback_data: 'c|tok|a' }]] } });
    expect(chunks(long).join('\n').replace(/\n/g, '')).toBe(long.replace(/\n/g, ''));
  });

  it('keeps button data within 64 bytes, falling back to the label for a long value', () => {
    const value = 'ä'.repeat(40);
    const turn: TurnResult = { locale: 'de', messages: [], prompt: { token: 'call:0f8fad5b-d9cb-469f-a165-70867728950e', text: msg('q'), choices: [{ value, label: { text: 'Lang' } }, { value: 'accept', label: { text: 'Ja' } }] } };
    const [part] = renderTurn(renderer, turn);
    const buttons = (part as { markup: { inline_keyboard: { text: string; callback_data: string }[][] } }).markup.inline_keyboard.flat();
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
    expect(decodeButton(buttons[0]!.callback_data)).toEqual({ kind: 'label', token: 'call:0f8fad5b-d9cb-469f-a165-70867728950e', index: 0 });
    expect(decodeButton(buttons[1]!.callback_data)).toEqual({ kind: 'choice', token: 'call:0f8fad5b-d9cb-469f-a165-70867728950e', value: 'accept' });
  });

  it('offers Telegram’s sharing buttons where a location or the phone number is taken, and closes them afterwards', () => {
    const phone: TurnResult = { locale: 'de', messages: [], prompt: { token: 't', text: msg('phone'), input: 'tel', acceptsContact: true, choices: [{ value: 'skip', label: { text: 'Überspringen' } }] } };
    expect(renderTurn(renderer, phone)[0]).toMatchObject({ markup: { keyboard: [[{ text: 'telegram:shareContact', request_contact: true }], [{ text: 'Überspringen' }]], one_time_keyboard: true } });
    const next: TurnResult = { locale: 'de', messages: [msg('saved')], prompt: { token: 'u', text: msg('email'), input: 'email' } };
    expect(renderTurn(renderer, next, { closeReplyKeyboard: true })).toEqual([{ kind: 'text', html: 'saved\n\nemail', markup: { remove_keyboard: true } }]);
    const inline: TurnResult = { locale: 'de', messages: [], prompt: { token: 'u', text: msg('radius'), choices: [{ value: '5', label: { text: '5 km' } }] } };
    expect(renderTurn(renderer, inline, { closeReplyKeyboard: true })).toEqual([{ kind: 'text', html: 'radius', markup: { inline_keyboard: [[{ text: '5 km', callback_data: 'c|u|5' }]] } }]);
  });

  it('reads only button data it wrote', () => {
    expect(decodeButton('m|tok|1|de')).toEqual({ kind: 'toggle', token: 'tok', value: 'de', ticked: true });
    expect(decodeButton('d|tok')).toEqual({ kind: 'done', token: 'tok' });
    expect(decodeButton('x|tok|1')).toBeNull();
    expect(decodeButton('c|tok')).toBeNull();
    expect(decodeButton('')).toBeNull();
  });
});
