import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Rule for every log call in this project: ids and codes
 * only above debug level, never names, e-mail addresses, phone numbers or
 * message texts. The redaction below is a safety net, not the rule.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'helferruf' },
      redact: { paths: ['*.email', '*.phone', '*.firstName', '*.lastName', '*.text', 'req.headers.cookie', 'req.headers.authorization'], censor: '[redacted]' },
    },
    destination as never,
  );
}
