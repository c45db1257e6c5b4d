import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('needs nothing to start on the embedded database in ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', database: { kind: 'pglite', dataDir: './data' }, defaultLocale: 'de', publicUrl: 'http://localhost:3000', secureCookies: false });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db:5432/helferruf' }).database).toEqual({ kind: 'postgres', url: 'postgresql://u:p@db:5432/helferruf' });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('sends secure cookies behind an https public URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://helferruf.example.org/' })).toMatchObject({ publicUrl: 'https://helferruf.example.org', secureCookies: true });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a port number (got "abc").'],
    [{ PORT: '70000' }, 'PORT must be at most 65535 (got "70000").'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL must be a PostgreSQL URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud").'],
    [{ PUBLIC_URL: 'helferruf' }, 'PUBLIC_URL must be the address people open'],
    [{ DEFAULT_LOCALE: 'German' }, 'DEFAULT_LOCALE must be a language code like de (got "German").'],
    [{ PRIVACY_CONTACT: 'nobody' }, 'PRIVACY_CONTACT must be an e-mail address (got "nobody").'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY must be true or false (got "maybe").'],
    [{ MATRIX_HOMESERVER_URL: 'matrix.example.org', MATRIX_ACCESS_TOKEN: 'syt_abcdefgh' }, 'MATRIX_HOMESERVER_URL must be the homeserver'],
    [{ MATRIX_HOMESERVER_URL: 'https://matrix.example.org' }, 'MATRIX_ACCESS_TOKEN must be set too'],
    [{ MATRIX_ACCESS_TOKEN: 'syt_abcdefgh' }, 'MATRIX_HOMESERVER_URL must be set too'],
    [{ MATRIX_ALLOWED_SERVERS: 'a.org; b.org' }, 'MATRIX_ALLOWED_SERVERS must be homeserver names separated by commas'],
  ])('stops on %j with a sentence naming the variable', (env, sentence) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(sentence);
  });

  it('turns the Matrix bot on only with a homeserver and a token', () => {
    expect(loadConfig({}).matrix).toBeNull();
    expect(loadConfig({ MATRIX_HOMESERVER_URL: 'https://matrix.example.org/', MATRIX_ACCESS_TOKEN: 'syt_abcdefgh', MATRIX_ALLOWED_SERVERS: 'Stadt.example, drk.example' }).matrix).toEqual({
      homeserverUrl: 'https://matrix.example.org',
      accessToken: 'syt_abcdefgh',
      allowedServers: ['stadt.example', 'drk.example'],
      messagesPerSecond: 5,
    });
  });

  it('names every wrong variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT .*LOG_LEVEL /);
  });
});
