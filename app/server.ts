import express, { type Express } from 'express';
import type { Logger } from './logger.js';

export interface HttpOptions {
  trustProxy: boolean;
  log: Logger;
  ready(): Promise<void>;
}

/**
 * The express application every channel mounts into. Liveness at /healthz,
 * readiness (the database answers) at /readyz.
 */
export function createHttpApp(options: HttpOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy) app.set('trust proxy', true);
  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await options.ready();
      res.json({ status: 'ready' });
    } catch (error) {
      options.log.warn({ err: { message: (error as Error).message } }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return app;
}
