import type { Flag } from './ports.js';
import type { WordLists } from './settings.js';

const LINK = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+|\bt\.me\/[^\s<>"]+/giu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
// International (+49 …, 0049 …) or national (0551 …) numbers with the usual separators.
const PHONE = /(?<![\p{L}\p{N}])(?:\+|00)[1-9][\d ()/.-]{5,}\d|(?<![\p{L}\p{N}.])0[1-9][\d ()/.-]{4,}\d/gu;

const digits = (s: string) => s.replace(/\D/g, '').replace(/^(?:00|\+)?49/, '0').replace(/^00/, '');

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
}

/**
 * Looks for likely problems before a moderator reads an item: words on the
 * lists (slurs, illegal content) of any language, links, and phone numbers or
 * e-mail addresses other than the author's own (privacy of third parties).
 * It flags and explains; it never decides.
 */
export function precheck(text: string, wordLists: WordLists, author: { email: string | null; phone: string | null }): Flag[] {
  const flags: Flag[] = [];
  const seen = new Set<string>();
  const add = (flag: Flag) => {
    const id = `${flag.code}:${flag.match.toLowerCase()}`;
    if (!seen.has(id)) flags.push(flag), seen.add(id);
  };
  const lower = text.normalize('NFKC').toLocaleLowerCase();
  for (const [list, words] of Object.entries(wordLists)) {
    for (const word of words) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escape(word.normalize('NFKC').toLocaleLowerCase())}(?![\\p{L}\\p{N}])`, 'u');
      const found = pattern.exec(lower);
      if (found) add({ code: 'word', match: found[0], list });
    }
  }
  for (const m of text.matchAll(LINK)) add({ code: 'link', match: m[0].replace(/[.,;:!?)]+$/, '') });
  const ownEmail = author.email?.toLowerCase();
  for (const m of text.matchAll(EMAIL)) if (m[0].toLowerCase() !== ownEmail) add({ code: 'email', match: m[0] });
  const ownPhone = author.phone ? digits(author.phone) : null;
  for (const m of text.matchAll(PHONE)) {
    const number = digits(m[0]);
    if (number.length >= 6 && number.length <= 15 && number !== ownPhone) add({ code: 'phone', match: m[0].trim() });
  }
  return flags;
}
