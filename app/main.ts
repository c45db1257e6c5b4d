import type { AddressInfo } from 'node:net';
import { DataDirLockedError } from './data-dir-lock.js';
import { ConfigError, loadConfig } from './config.js';
import { loadEnvFile } from './env-file.js';
import { composeApp } from './compose.js';
import { housekeeping } from '../core/index.js';
import { openDatabase } from './database.js';
import { createLogger } from './logger.js';
import { packageVersion } from './version.js';

/** Starts the service: configuration, database (migrated), then every channel. */
async function main(): Promise<void> {
  let config;
  try {
    loadEnvFile();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  log.info({ version: packageVersion(), node: process.version, database: config.database.kind }, 'starting Helferruf');

  let db;
  try {
    db = await openDatabase(config.database, { migrate: true, log });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      log.fatal({ code: 'DATA_DIR_LOCKED' }, error.message);
      console.error(error.message);
      process.exit(3);
    }
    log.fatal({ err: error }, 'the database could not be opened');
    process.exit(1);
  }

  let app;
  try {
    app = await composeApp(config, db, log);
  } catch (error) {
    if (error instanceof ConfigError) console.error(error.message);
    log.fatal({ err: error }, 'start-up failed');
    await db.close();
    process.exit(2);
  }

  const server = app.http.listen(config.port, config.host);
  server.on('listening', () => {
    // PORT=0 picks a free port: say which one.
    const port = (server.address() as AddressInfo).port;
    const local = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;
    log.info({ url: local, publicUrl: config.publicUrl }, `Helferruf is running. Open the web chat at ${local}`);
    // Jobs start once the web server answers: on the embedded database they share one thread with it.
    app.worker.start();
    void startMatrix();
    // After listen: in webhook mode Telegram may post the moment the webhook is set.
    app.telegram?.start().catch((error: unknown) => {
      const refused = (error as { error_code?: number }).error_code === 401;
      log.error({ channel: 'telegram', code: (error as { error_code?: number }).error_code }, refused ? 'Telegram refused TELEGRAM_BOT_TOKEN; the bot is off' : 'the Telegram bot could not start; it is off');
    });
  });

  // The Matrix bot, when configured. A refused token is a configuration error; an unreachable
  // homeserver is tried again, the other channels keep running meanwhile.
  const startMatrix = async (): Promise<void> => {
    if (!app.matrix) {
      log.info({ channel: 'matrix' }, 'Matrix is off: set MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN to turn it on');
      return;
    }
    try {
      await app.matrix.start();
    } catch (error) {
      const errcode = (error as { errcode?: string }).errcode;
      if (errcode === 'M_UNKNOWN_TOKEN' || errcode === 'M_MISSING_TOKEN') {
        const message = 'MATRIX_ACCESS_TOKEN was refused by the homeserver: log the bot account in again and set the new access token.';
        log.fatal({ channel: 'matrix', errcode }, message);
        console.error(message);
        return void stop('MATRIX_ACCESS_TOKEN', 2);
      }
      log.warn({ channel: 'matrix', err: { message: (error as Error).message } }, 'the Matrix homeserver cannot be reached; trying again in 30 s');
      if (!stopping) setTimeout(() => void startMatrix(), 30_000).unref();
    }
  };
  server.on('error', async (error: NodeJS.ErrnoException) => {
    const message =
      error.code === 'EADDRINUSE' ? `PORT ${config.port} is already in use on ${config.host}; set PORT to a free port.` : `The web server could not start: ${error.message}`;
    log.fatal({ code: error.code }, message);
    console.error(message);
    await db.close();
    process.exit(1);
  });

  // Forget abandoned drafts and old event ids: hourly, on every instance (it is idempotent).
  const tidy = async () => {
    try {
      const result = await housekeeping(app.store, new Date());
      if (result.draftsForgotten || result.eventsPruned) log.info(result, 'housekeeping');
      // PGlite has no autovacuum: without fresh statistics the matching's plans degrade.
      if (db.kind === 'pglite') await db.prisma.$executeRawUnsafe('VACUUM ANALYZE');
    } catch (error) {
      log.warn({ err: { message: (error as Error).message } }, 'housekeeping failed; trying again in an hour');
    }
  };
  const housekeepingTimer = setInterval(() => void tidy(), 3600_000);
  housekeepingTimer.unref();
  setTimeout(() => void tidy(), 60_000).unref();

  let stopping = false;
  const stop = async (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    clearInterval(housekeepingTimer);
    log.info({ signal }, 'stopping');
    server.close();
    server.closeAllConnections();
    await app.telegram?.stop();
    await app.worker.stop();
    await app.matrix?.stop();
    await db.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
