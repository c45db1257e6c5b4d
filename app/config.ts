import { z } from 'zod';

/** Thrown when the environment is wrong; the message names the variable and says what is expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  PORT: z.coerce.number({ error: 'must be a port number' }).int('must be a whole number').min(0, 'must not be negative').max(65535, 'must be at most 65535').default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must be a PostgreSQL URL like postgresql://user:password@host:5432/helferruf (leave it unset to use the embedded database)')
    .optional(),
  DATA_DIR: z.string().min(1, 'must not be empty').default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  PUBLIC_URL: z.url({ error: 'must be the address people open, like https://helferruf.example.org' }).optional(),
  DEFAULT_LOCALE: z.string().regex(/^[a-z]{2,3}$/, 'must be a language code like de').default('de'),
  REGION_NAME: z.string().min(1, 'must not be empty').default('Helferruf'),
  PRIVACY_CONTROLLER: z.string().min(1, 'must not be empty').optional(),
  PRIVACY_CONTACT: z.email({ error: 'must be an e-mail address' }).optional(),
  TRUST_PROXY: flag.default(false),
  CALL_WAVE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).min(1, 'must be at least 1').max(1440, 'must be at most 1440').default(10),
  CALL_MAX_PER_DAY: z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(50, 'must be at most 50').default(3),
  QUIET_HOURS: z
    .string()
    .regex(/^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/, 'must be two local hours like 21-8 (from 21:00 to 8:00)')
    .default('21-8'),
  JOB_LOCK_SECONDS: z.coerce.number({ error: 'must be a number of seconds' }).int('must be a whole number').min(5, 'must be at least 5').max(3600, 'must be at most 3600').default(60),
  REMINDER_HOURS: z
    .string()
    .regex(/^\d{1,3}(,\d{1,3})*$/, 'must be hours before the start, separated by commas, like 24,2')
    .default('24,2'),
  SECURE_COOKIES: flag.optional(),
  ROLE_REQUEST_WAIT_DAYS: z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number').min(0, 'must not be negative').max(365, 'must be at most 365').default(14),
  MODERATION_WORDLISTS: z.string().min(1, 'must not be empty').optional(),
  BOARD_NEAR_KM: z.coerce.number({ error: 'must be a number of kilometres' }).min(1, 'must be at least 1').max(500, 'must be at most 500').default(15),
  BOARD_REMINDER_HOURS: z.coerce.number({ error: 'must be a number of hours' }).min(0.25, 'must be at least 0.25').max(336, 'must be at most 336').default(24),
  COMMENT_MODERATION: z.enum(['pre', 'post'], { error: 'must be pre (comments wait for review) or post (published at once, with "report this")' }).default('post'),
  // Telegram lets bots download files of at most 20 MB.
  ATTACHMENT_MAX_MB: z.coerce.number({ error: 'must be a number of megabytes' }).gt(0, 'must be more than 0').max(20, 'must be at most 20 (Telegram bots cannot download larger files)').default(5),
  MICROSOFT_APP_ID: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be the bot\'s Microsoft App ID (a GUID from the Azure bot registration)').optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(1, 'must not be empty').optional(),
  MICROSOFT_APP_TENANT_ID: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be the Entra ID tenant ID (a GUID)').optional(),
  MICROSOFT_APP_TYPE: z.enum(['SingleTenant', 'MultiTenant'], { error: 'must be SingleTenant or MultiTenant' }).default('SingleTenant'),
  TEAMS_ALLOW_UNAUTHENTICATED: flag.default(false),
  MATRIX_HOMESERVER_URL: z.url({ error: 'must be the homeserver\'s client-server address, like https://matrix.example.org' }).optional(),
  MATRIX_ACCESS_TOKEN: z.string().regex(/^\S{8,}$/, 'must be the bot account\'s access token (no spaces)').optional(),
  MATRIX_ALLOWED_SERVERS: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?(\s*,\s*[a-z0-9.-]+(:\d+)?)*$/i, 'must be homeserver names separated by commas, like example.org,matrix.stadt.de')
    .optional(),
  MATRIX_MESSAGES_PER_SECOND: z.coerce.number({ error: 'must be a number' }).min(0.1, 'must be at least 0.1').max(100, 'must be at most 100').default(5),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d{5,}:[A-Za-z0-9_-]{20,}$/, 'must be the token BotFather gave you, like 123456789:AAF…').optional(),
  TELEGRAM_WEBHOOK_URL: z.url({ error: 'must be the public https address Telegram posts updates to, like https://helferruf.example.org/telegram/webhook' })
    .refine((url) => new URL(url).pathname.length > 1, 'must have a path, like https://helferruf.example.org/telegram/webhook')
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 letters, digits, _ or - (e.g. from: openssl rand -hex 32)').optional(),
  TELEGRAM_API_ROOT: z.url({ error: 'must be the address of a Bot API server, like http://localhost:8081' }).optional(),
  MODERATOR_NOTICE_MINUTES: z.coerce.number({ error: 'must be a number of minutes' }).min(0.01, 'must be at least 0.01').max(1440, 'must be at most 1440').default(15),
  MODERATOR_NOTICES_IN_QUIET_HOURS: flag.default(false),
  TELEGRAM_POLLING_LEASE_MS: z.coerce.number({ error: 'must be a number of milliseconds' }).int('must be whole milliseconds').min(1000, 'must be at least 1000').max(300_000, 'must be at most 300000').default(30_000),
});

/** Never repeated in an error message: it would land in a terminal or a log. */
const SECRETS = new Set(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);

export interface Config {
  port: number;
  host: string;
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  publicUrl: string;
  defaultLocale: string;
  region: { name: string; controller: string | undefined; contact: string | undefined };
  trustProxy: boolean;
  secureCookies: boolean;
  /** How long a worker holds a job: after a crash, its jobs run elsewhere once this has passed. */
  jobLockMs: number;
  calls: { waveIntervalMs: number; maxAsksPerDay: number; quietHours: { from: number; to: number }; reminderHours: number[] };
  /** Days before a new person may ask for the commenter right; the pre-check's word-list folder (default: the shipped lists). */
  moderation: { roleRequestWaitDays: number; wordListsDir: string | undefined; commentModeration: 'pre' | 'post' };
  /** Events, trainings, needs and offers: what "near me" means, and how long before an event its sign-ups are reminded. */
  board: { nearKm: number; reminderHours: number };
  /** Moderators hear of waiting items at most once per window, and not in quiet hours unless asked to. */
  moderatorNotices: { windowMs: number; inQuietHours: boolean };
  /** The largest photo people may send with a submission, in bytes. */
  attachmentMaxBytes: number;
  /** Microsoft Teams: off without configuration; `authenticated: false` only for local testing. */
  teams: TeamsConfig | null;
  /** The Matrix bot; null when MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN are not set. */
  matrix: { homeserverUrl: string; accessToken: string; allowedServers: string[] | null; messagesPerSecond: number } | null;
  /** The Telegram bot; null (off) without TELEGRAM_BOT_TOKEN. */
  telegram: { token: string; apiRoot: string; webhook: { url: string; secret: string } | null; pollingLeaseMs: number } | null;
}

export type TeamsConfig =
  | { authenticated: true; appId: string; password: string; tenantId: string | undefined; appType: 'SingleTenant' | 'MultiTenant' }
  | { authenticated: false };

/**
 * Reads the configuration once, at start-up. Every variable is documented in
 * `.env.example`; a wrong value stops start-up with a sentence that names it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'configuration');
      const got = present[name] !== undefined && !SECRETS.has(name) ? ` (got "${present[name]}")` : '';
      return `${name} ${issue.message}${got}.`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join(' ')}`);
  }
  const e = parsed.data;
  const teams = teamsConfig(e);
  if (Boolean(e.MATRIX_HOMESERVER_URL) !== Boolean(e.MATRIX_ACCESS_TOKEN)) {
    const missing = e.MATRIX_HOMESERVER_URL ? 'MATRIX_ACCESS_TOKEN' : 'MATRIX_HOMESERVER_URL';
    throw new ConfigError(`Invalid configuration: ${missing} must be set too: the Matrix bot needs both MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN (or neither, to leave it off).`);
  }
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration: TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is (16 to 256 letters, digits, _ or -; e.g. from: openssl rand -hex 32).');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: e.DATA_DIR },
    logLevel: e.LOG_LEVEL,
    publicUrl,
    defaultLocale: e.DEFAULT_LOCALE,
    region: { name: e.REGION_NAME, controller: e.PRIVACY_CONTROLLER, contact: e.PRIVACY_CONTACT },
    trustProxy: e.TRUST_PROXY,
    secureCookies: e.SECURE_COOKIES ?? publicUrl.startsWith('https://'),
    jobLockMs: e.JOB_LOCK_SECONDS * 1000,
    calls: {
      waveIntervalMs: e.CALL_WAVE_MINUTES * 60_000,
      maxAsksPerDay: e.CALL_MAX_PER_DAY,
      quietHours: { from: Number(e.QUIET_HOURS.split('-')[0]), to: Number(e.QUIET_HOURS.split('-')[1]) },
      reminderHours: e.REMINDER_HOURS.split(',').map(Number),
    },
    moderation: { roleRequestWaitDays: e.ROLE_REQUEST_WAIT_DAYS, wordListsDir: e.MODERATION_WORDLISTS, commentModeration: e.COMMENT_MODERATION },
    board: { nearKm: e.BOARD_NEAR_KM, reminderHours: e.BOARD_REMINDER_HOURS },
    moderatorNotices: { windowMs: Math.round(e.MODERATOR_NOTICE_MINUTES * 60_000), inQuietHours: e.MODERATOR_NOTICES_IN_QUIET_HOURS },
    attachmentMaxBytes: Math.round(e.ATTACHMENT_MAX_MB * 1024 * 1024),
    teams,
    matrix:
      e.MATRIX_HOMESERVER_URL && e.MATRIX_ACCESS_TOKEN
        ? {
            homeserverUrl: e.MATRIX_HOMESERVER_URL.replace(/\/$/, ''),
            accessToken: e.MATRIX_ACCESS_TOKEN,
            allowedServers: e.MATRIX_ALLOWED_SERVERS ? e.MATRIX_ALLOWED_SERVERS.split(',').map((s) => s.trim().toLowerCase()) : null,
            messagesPerSecond: e.MATRIX_MESSAGES_PER_SECOND,
          }
        : null,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: (e.TELEGRAM_API_ROOT ?? 'https://api.telegram.org').replace(/\/$/, ''),
          webhook: e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET } : null,
          pollingLeaseMs: e.TELEGRAM_POLLING_LEASE_MS,
        }
      : null,
  };
}

/**
 * Teams runs with the real Bot Framework authentication when the app's
 * credentials are set, and without any only when that is asked for by name
 * (for a local connector or the Bot Framework Emulator), never by accident.
 */
function teamsConfig(e: z.infer<typeof schema>): TeamsConfig | null {
  const credentials = [e.MICROSOFT_APP_ID, e.MICROSOFT_APP_PASSWORD].filter(Boolean).length;
  if (credentials > 0) {
    if (!e.MICROSOFT_APP_ID || !e.MICROSOFT_APP_PASSWORD) throw new ConfigError('Invalid configuration: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD must be set together (from the Azure bot registration).');
    if (e.TEAMS_ALLOW_UNAUTHENTICATED) throw new ConfigError('Invalid configuration: TEAMS_ALLOW_UNAUTHENTICATED=true cannot be combined with MICROSOFT_APP_ID; unset it in production.');
    if (e.MICROSOFT_APP_TYPE === 'SingleTenant' && !e.MICROSOFT_APP_TENANT_ID) {
      throw new ConfigError('Invalid configuration: MICROSOFT_APP_TENANT_ID must be set for a single-tenant bot (or set MICROSOFT_APP_TYPE=MultiTenant).');
    }
    return { authenticated: true, appId: e.MICROSOFT_APP_ID, password: e.MICROSOFT_APP_PASSWORD, tenantId: e.MICROSOFT_APP_TENANT_ID, appType: e.MICROSOFT_APP_TYPE };
  }
  if (e.TEAMS_ALLOW_UNAUTHENTICATED) {
    // Anyone who can reach /api/messages could speak as anybody: never behind a public https address.
    if (e.PUBLIC_URL?.startsWith('https://')) throw new ConfigError('Invalid configuration: TEAMS_ALLOW_UNAUTHENTICATED=true is for local testing only and is refused with an https PUBLIC_URL; set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD instead.');
    return { authenticated: false };
  }
  return null;
}
