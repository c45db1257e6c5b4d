import { describe, expect, it } from 'vitest';
import type { InfoVersion } from './ports.js';
import { pickVersion, readingOrder, readingsFor } from './reading.js';

function version(groupId: string, language: string, title: string, submissionId = `${groupId}-${language}`): InfoVersion {
  return { submissionId, groupId, regionId: 'r', topic: 'housing', language, title, body: `${title} body`, urgent: false, publishedAt: new Date(0) };
}

describe('which language a reader reads', () => {
  it('the order is their language, their second one, then German, without repeats', () => {
    expect(readingOrder('ar', 'en')).toEqual(['ar', 'en', 'de']);
    expect(readingOrder('uk', null)).toEqual(['uk', 'de']);
    expect(readingOrder('de', 'de')).toEqual(['de']);
  });

  it('their own language first, no note', () => {
    expect(pickVersion([version('g', 'de', 'Wohnen'), version('g', 'ar', 'السكن')], ['ar', 'de'])).toEqual({ version: version('g', 'ar', 'السكن'), fallback: false });
  });

  it('the second language before German, with the note', () => {
    expect(pickVersion([version('g', 'de', 'Wohnen'), version('g', 'en', 'Housing')], ['ar', 'en', 'de'])).toEqual({ version: version('g', 'en', 'Housing'), fallback: true });
  });

  it('never a language the reader did not choose', () => {
    expect(pickVersion([version('g', 'fr', 'Logement'), version('g', 'tr', 'Konut')], ['ar', 'en', 'de'])).toBeNull();
  });

  it('a list shows each item once, and a word matches only in the reader’s languages', () => {
    const versions = [version('a', 'ar', 'السكن'), version('a', 'uk', 'Житло'), version('b', 'de', 'Mieterberatung'), version('c', 'fr', 'Logement')];
    expect(readingsFor(versions, ['uk', 'de']).map((r) => [r.version.submissionId, r.fallback])).toEqual([
      ['a-uk', false],
      ['b-de', true],
    ]);
    expect(readingsFor(versions, ['uk', 'de'], 'житло').map((r) => r.version.submissionId)).toEqual(['a-uk']);
    expect(readingsFor(versions, ['uk', 'de'], 'السكن')).toEqual([]);
    expect(readingsFor(versions, ['uk', 'de'], 'logement')).toEqual([]);
  });
});
