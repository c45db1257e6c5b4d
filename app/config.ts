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
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d{5,}:[A-Za-z0-9_-]{20,}$/, 'must be the token BotFather gave you, like 123456789:AAF…').optional(),
  TELEGRAM_WEBHOOK_URL: z.url({ error: 'must be the public https address Telegram posts updates to, like https://helferruf.example.org/telegram/webhook' })
    .refine((url) => new URL(url).pathname.length > 1, 'must have a path, like https://helferruf.example.org/telegram/webhook')
    .optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16 to 256 letters, digits, _ or - (e.g. from: openssl rand -hex 32)').optional(),
  TELEGRAM_API_ROOT: z.url({ error: 'must be the address of a Bot API server, like http://localhost:8081' }).optional(),
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
  /** The Telegram bot; null (off) without TELEGRAM_BOT_TOKEN. */
  telegram: { token: string; apiRoot: string; webhook: { url: string; secret: string } | null } | null;
}

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
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          apiRoot: (e.TELEGRAM_API_ROOT ?? 'https://api.telegram.org').replace(/\/$/, ''),
          webhook: e.TELEGRAM_WEBHOOK_URL && e.TELEGRAM_WEBHOOK_SECRET ? { url: e.TELEGRAM_WEBHOOK_URL, secret: e.TELEGRAM_WEBHOOK_SECRET } : null,
        }
      : null,
  };
}
