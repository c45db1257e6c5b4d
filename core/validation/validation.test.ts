import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeLanguageCode, normalizeName, normalizePhone } from './index.js';

describe('e-mail addresses', () => {
  it.each([
    ['anna.schmidt@example.org', 'anna.schmidt@example.org'],
    ['  Anna@Example.ORG ', 'Anna@example.org'],
    ['helfer+ruf@stadt-goettingen.de', 'helfer+ruf@stadt-goettingen.de'],
    ['jürgen@müller.de', 'jürgen@müller.de'],
  ])('accepts %s', (input, expected) => expect(normalizeEmail(input)).toBe(expected));

  it.each(['', 'anna', 'anna@', '@example.org', 'anna@example', 'anna@@example.org', 'an na@example.org', 'anna@example.c0m', 'anna..b@example.org', 'anna@-x.de', 'a'.repeat(65) + '@example.org'])(
    'rejects %j',
    (input) => expect(normalizeEmail(input)).toBeNull(),
  );
});

describe('mobile numbers', () => {
  it.each([
    ['+49 170 1234567', '+491701234567'],
    ['0170/1234567', '+491701234567'],
    ['0049 (170) 123-45-67', '+491701234567'],
    ['+963 944 123 456', '+963944123456'],
  ])('normalises %s to E.164', (input, expected) => expect(normalizePhone(input)).toBe(expected));

  it.each(['', '1234', '170 1234567', '+0 170 1234567', '+49 170 abc', '+1234567890123456'])('rejects %j', (input) =>
    expect(normalizePhone(input)).toBeNull(),
  );
});

describe('names', () => {
  it.each(['Anna', 'Jean-Luc', "O'Brien", 'محمد', 'Олена', 'Mary  Ann'])('accepts %s', (input) => expect(normalizeName(input)).not.toBeNull());
  it('collapses inner whitespace', () => expect(normalizeName('  Mary   Ann ')).toBe('Mary Ann'));
  it.each(['', '   ', 'R2D2', '<b>', '-Anna', 'x'.repeat(81)])('rejects %j', (input) => expect(normalizeName(input)).toBeNull());
});

describe('language codes', () => {
  it.each(['de', 'AR', ' ti ', 'prs'])('knows %j', (input) => expect(normalizeLanguageCode(input)).toBe(input.trim().toLowerCase()));
  it.each(['xx', 'german', '1', ''])('rejects %j', (input) => expect(normalizeLanguageCode(input)).toBeNull());
});
