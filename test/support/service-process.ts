import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { projectPath } from '../../app/paths.js';

export const MAIN = projectPath('dist', 'app', 'main.js');
export const CLI = projectPath('dist', 'app', 'cli.js');

/** The compiled service must exist: `npm test` builds it first. */
export function requireBuild(): void {
  if (!existsSync(MAIN)) throw new Error('dist/app/main.js is missing: run the tests with `npm test` (it builds first) or `npm run build`');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
}

/** Starts the real service (`node dist/app/main.js`) as `npm start` does, and waits until it listens. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  requireBuild();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const listening = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (out.includes('Helferruf is running')) return resolve();
      setTimeout(check, 50);
    };
    check();
    void exited.then((code) => reject(new Error(`service exited (${code}) before listening:\n${out}`)));
  });
  await listening;
  return { url: `http://127.0.0.1:${port}`, child, output: () => out, exited };
}

/** Starts the service expecting it to refuse; returns its exit code and output. */
export async function startFailing(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | string; output: string }> {
  requireBuild();
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve) => child.on('exit', (c, s) => resolve(c ?? s ?? -1)));
  clearTimeout(timer);
  return { code, output: out };
}
