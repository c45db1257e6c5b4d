import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** A lock not refreshed for this long belongs to a process that is gone (e.g. on another host). */
const STALE_AFTER_MS = 30_000;
const REFRESH_EVERY_MS = 10_000;

export class DataDirLockedError extends Error {
  constructor(dir: string, holder: string) {
    super(
      `Another Helferruf process (${holder}) is already using the data directory ${dir}. ` +
        'Two processes on one embedded database silently lose data, so this one stops. ' +
        'Stop the other process first, or set DATABASE_URL to a PostgreSQL database to run several instances.',
    );
    this.name = 'DataDirLockedError';
  }
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

export interface DataDirLock {
  release(): void;
}

/**
 * Takes the embedded database's data directory for this process. The lock is
 * a file with the holder's pid and host, refreshed while held: a lock left by
 * a killed process on this host is taken over at once, one from another host
 * (a shared volume) once it has not been refreshed for 30 seconds.
 */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'helferruf.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies Holder));
      closeSync(fd);
      const timer = setInterval(() => {
        const now = new Date();
        try {
          utimesSync(path, now, now);
        } catch {
          // The file vanished (someone removed it by hand); the next start will notice nothing. Nothing to do here.
        }
      }, REFRESH_EVERY_MS);
      timer.unref();
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && isAlive(holder, path)) throw new DataDirLockedError(dir, `pid ${holder.pid} on ${holder.host} since ${holder.since}`);
      unlinkSync(path);
    }
  }
  throw new DataDirLockedError(dir, 'unknown');
}

function readHolder(path: string): Holder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

function isAlive(holder: Holder, path: string): boolean {
  if (holder.host === hostname()) {
    if (holder.pid === process.pid) return true;
    try {
      process.kill(holder.pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return Date.now() - statSync(path).mtimeMs < STALE_AFTER_MS;
}
