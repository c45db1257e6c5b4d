import { describe, expect, it } from 'vitest';
import { precheck } from './precheck.js';

const lists = { de: ['ausländer raus', 'kanake'], en: ['subhuman'] };
const author = { email: 'ali@example.org', phone: '+49 170 1234567' };

describe('the pre-check', () => {
  it('flags listed words of any language as whole words, with the list they are on', () => {
    const flags = precheck('Die Parole „Ausländer   raus“ und subhuman stehen hier. Kanakenstraße nicht.', lists, author);
    expect(flags).toEqual([
      { code: 'word', match: 'ausländer   raus', list: 'de' },
      { code: 'word', match: 'subhuman', list: 'en' },
    ]);
  });

  it('flags links, and phone numbers and e-mail addresses of other people, not the author\'s own', () => {
    const flags = precheck(
      'Mehr auf https://amt.example.de/formular oder www.beispiel.de. Frau K. erreichen Sie unter 0551 / 123456 oder k.mueller@example.com; mich unter 0170 1234567 oder ali@example.org. Termin am 12.03.2026 um 10:30.',
      {},
      author,
    );
    expect(flags).toEqual([
      { code: 'link', match: 'https://amt.example.de/formular' },
      { code: 'link', match: 'www.beispiel.de' },
      { code: 'email', match: 'k.mueller@example.com' },
      { code: 'phone', match: '0551 / 123456' },
    ]);
  });

  it('finds nothing in a harmless text', () => {
    expect(precheck('Das Bürgeramt hat dienstags bis 18 Uhr geöffnet; man braucht einen Termin.', lists, author)).toEqual([]);
  });
});
