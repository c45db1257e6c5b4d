/**
 * Telegram's HTML parse mode, as strictly as the Bot API applies it: only its
 * tags, only `&lt; &gt; &amp; &quot;` and numeric entities, every tag closed.
 * Returns the plain text people see and its formatting entities.
 */
export interface Entity {
  type: string;
  offset: number;
  length: number;
  url?: string;
}

const TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  code: 'code',
  pre: 'pre',
  a: 'text_link',
  'tg-spoiler': 'spoiler',
  blockquote: 'blockquote',
};
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export class HtmlParseError extends Error {}

export function parseHtml(html: string): { text: string; entities: Entity[] } {
  let text = '';
  const entities: Entity[] = [];
  const open: { tag: string; offset: number; url?: string }[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) throw new HtmlParseError(`Can't parse entities: unclosed start tag at byte offset ${i}`);
      const inner = html.slice(i + 1, end);
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        const top = open.pop();
        if (!top || top.tag !== name) throw new HtmlParseError(`Can't parse entities: can't find start tag corresponding to end tag "${name}" at byte offset ${i}`);
        if (text.length > top.offset) entities.push({ type: TAGS[name]!, offset: top.offset, length: text.length - top.offset, ...(top.url ? { url: top.url } : {}) });
      } else {
        const match = /^([a-z-]+)(?:\s+href="([^"]*)")?\s*$/i.exec(inner);
        const name = match?.[1]?.toLowerCase();
        if (!match || !name || !(name in TAGS)) throw new HtmlParseError(`Can't parse entities: unsupported start tag "${inner.split(/\s/)[0]}" at byte offset ${i}`);
        open.push({ tag: name, offset: text.length, ...(match[2] ? { url: match[2] } : {}) });
      }
      i = end + 1;
    } else if (c === '&') {
      const end = html.indexOf(';', i);
      const name = end > 0 ? html.slice(i + 1, end) : '';
      if (name in NAMED) text += NAMED[name];
      else if (/^#\d{1,7}$/.test(name)) text += String.fromCodePoint(Number(name.slice(1)));
      else if (/^#x[0-9a-f]{1,6}$/i.test(name)) text += String.fromCodePoint(parseInt(name.slice(2), 16));
      else throw new HtmlParseError(`Can't parse entities: character '&' is reserved and must be escaped (byte offset ${i})`);
      i = end + 1;
    } else if (c === '>') {
      throw new HtmlParseError(`Can't parse entities: character '>' is reserved and must be escaped (byte offset ${i})`);
    } else {
      text += c;
      i++;
    }
  }
  if (open.length) throw new HtmlParseError(`Can't parse entities: can't find end tag corresponding to start tag "${open.at(-1)!.tag}"`);
  return { text, entities };
}
