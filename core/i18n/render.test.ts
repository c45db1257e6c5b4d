import { describe, expect, it } from 'vitest';
import { msg } from '../messages.js';
import { renderMessage, type Translate } from './render.js';

const templates: Record<string, string> = {
  'x:phone': 'Phone: {{phone}}',
  'x:list': '{{items}}',
  'x:nested': 'Note: {{inner}}',
  'x:inner': 'inner {{n}}',
  'x:lang': '{{language}}',
  'x:count': '{{count}} left',
};
const translate: Translate = (_locale, key, params) => templates[key]!.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(params[k]));

describe('rendering a message in the recipient’s language', () => {
  it('isolates text written by people inside right-to-left sentences only', () => {
    expect(renderMessage(translate, 'ar', msg('x:phone', { phone: '+49 170 1234567' }))).toBe('Phone: \u2066+49 170 1234567\u2069');
    expect(renderMessage(translate, 'fa', msg('x:phone', { phone: 'سارا' }))).toBe('Phone: \u2068سارا\u2069');
    expect(renderMessage(translate, 'de', msg('x:phone', { phone: '+49 170 1234567' }))).toBe('Phone: +49 170 1234567');
  });

  it('renders lists, nested messages, numbers and language names with Intl', () => {
    expect(renderMessage(translate, 'de', msg('x:list', { items: ['A', 'B', 'C'] }))).toBe('A, B und C');
    expect(renderMessage(translate, 'en', msg('x:nested', { inner: msg('x:inner', { n: 1234.5 }) }))).toBe('Note: inner 1,234.5');
    expect(renderMessage(translate, 'de', msg('x:lang', { language: { language: 'ar' } }))).toBe('Arabisch');
    expect(renderMessage(translate, 'ru', msg('x:lang', { language: { language: 'de' } }))).toBe('Немецкий');
  });

  it('shows a span of time in the recipient’s language and the given time zone', () => {
    const span = { dateTime: new Date('2026-12-05T09:00:00Z'), until: new Date('2026-12-05T12:30:00Z'), timeZone: 'Europe/Berlin' };
    const de = renderMessage(translate, 'de', msg('x:list', { items: [span] }));
    expect(de).toContain('Samstag, 5. Dezember 2026');
    expect(de).toMatch(/10:00.*13:30/);
    expect(renderMessage(translate, 'en', msg('x:list', { items: [span] }))).toMatch(/Saturday, December 5, 2026.*10:00\s?AM.*1:30\s?PM/);
  });

  it('keeps count a number so translations can choose plural forms', () => {
    const seen: unknown[] = [];
    renderMessage((_l, _k, p) => (seen.push(p.count), ''), 'de', msg('x:count', { count: 3 }));
    expect(seen).toEqual([3]);
  });
});
