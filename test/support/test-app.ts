import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { composeApp, type App } from '../../app/compose.js';
import { loadConfig } from '../../app/config.js';
import { createLogger } from '../../app/logger.js';
import type { Database } from '../../app/database.js';

export interface RunningApp {
  url: string;
  app: App;
  /** Every log line written at info level and above, as text. */
  logs: string[];
  close(): Promise<void>;
}

/** The real service (composition root and HTTP server) on a test database, on a free port. */
export async function startApp(database: Database, env: Record<string, string> = {}): Promise<RunningApp> {
  const config = loadConfig({ LOG_LEVEL: 'info', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = createLogger(config.logLevel, sink);
  const app = await composeApp(config, database, log);
  const server = app.http.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
