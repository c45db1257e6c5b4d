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
    [{ ROLE_REQUEST_WAIT_DAYS: '-1' }, 'ROLE_REQUEST_WAIT_DAYS must not be negative (got "-1").'],
    [{ COMMENT_MODERATION: 'later' }, 'COMMENT_MODERATION must be pre (comments wait for review) or post'],
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

  it('turns Telegram on with a token: polling by default, a webhook with its secret, a self-hosted Bot API server', () => {
    expect(loadConfig({}).telegram).toBeNull();
    const token = '123456789:AAFabcdefghijklmnopqrstuvwxyz012345';
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }).telegram).toEqual({ token, apiRoot: 'https://api.telegram.org', webhook: null, pollingLeaseMs: 30_000 });
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_POLLING_LEASE_MS: '5000' }).telegram!.pollingLeaseMs).toBe(5000);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_POLLING_LEASE_MS: '10' })).toThrow('TELEGRAM_POLLING_LEASE_MS must be at least 1000');
    const secret = 'a'.repeat(32);
    expect(
      loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://h.example.org/telegram/hook', TELEGRAM_WEBHOOK_SECRET: secret, TELEGRAM_API_ROOT: 'http://bot-api:8081/' }).telegram,
    ).toEqual({ token, apiRoot: 'http://bot-api:8081', webhook: { url: 'https://h.example.org/telegram/hook', secret }, pollingLeaseMs: 30_000 });
  });

  it('stops on a wrong Telegram setting without repeating the secret', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'secret-but-wrong' })).toThrow('TELEGRAM_BOT_TOKEN must be the token BotFather gave you');
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'secret-but-wrong' })).not.toThrow(/secret-but-wrong/);
    const token = '123456789:AAFabcdefghijklmnopqrstuvwxyz012345';
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_URL: 'https://h.example.org/hook' })).toThrow('TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is');
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: 'https://h.example.org/', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(20) })).toThrow('TELEGRAM_WEBHOOK_URL must have a path');
  });

  it('names every wrong variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT .*LOG_LEVEL /);
  });

  describe('Microsoft Teams', () => {
    const app = { MICROSOFT_APP_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: '9188040d-6c67-4c5b-b112-36a304b66dad' };

    it('is off without its variables', () => {
      expect(loadConfig({}).teams).toBeNull();
    });

    it('authenticates single-tenant by default with the app credentials', () => {
      expect(loadConfig(app).teams).toEqual({ authenticated: true, appId: app.MICROSOFT_APP_ID, password: 'secret', tenantId: app.MICROSOFT_APP_TENANT_ID, appType: 'SingleTenant' });
      expect(loadConfig({ ...app, MICROSOFT_APP_TENANT_ID: '', MICROSOFT_APP_TYPE: 'MultiTenant' }).teams).toMatchObject({ authenticated: true, appType: 'MultiTenant', tenantId: undefined });
    });

    it('runs without authentication only when asked by name, and never behind an https address', () => {
      expect(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }).teams).toEqual({ authenticated: false });
      expect(() => loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', PUBLIC_URL: 'https://helferruf.example.org' })).toThrow('TEAMS_ALLOW_UNAUTHENTICATED=true is for local testing only');
      expect(() => loadConfig({ ...app, TEAMS_ALLOW_UNAUTHENTICATED: 'true' })).toThrow('cannot be combined with MICROSOFT_APP_ID');
    });

    it.each([
      [{ MICROSOFT_APP_ID: app.MICROSOFT_APP_ID }, 'MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD must be set together'],
      [{ MICROSOFT_APP_PASSWORD: 'secret' }, 'MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD must be set together'],
      [{ ...app, MICROSOFT_APP_TENANT_ID: '' }, 'MICROSOFT_APP_TENANT_ID must be set for a single-tenant bot'],
      [{ ...app, MICROSOFT_APP_ID: 'helferruf-bot' }, 'MICROSOFT_APP_ID must be the bot\'s Microsoft App ID'],
      [{ ...app, MICROSOFT_APP_TYPE: 'Sometimes' }, 'MICROSOFT_APP_TYPE must be SingleTenant or MultiTenant'],
    ])('stops on an incomplete Teams configuration %#', (env, sentence) => {
      expect(() => loadConfig(env)).toThrow(sentence);
    });

    it('never repeats the app password in an error', () => {
      expect(() => loadConfig({ MICROSOFT_APP_PASSWORD: 'top-secret-value' })).toThrow(/^(?!.*top-secret-value)/s);
    });
  });
});
