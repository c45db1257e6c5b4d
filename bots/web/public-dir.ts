import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The page's static files, found from this module both in `bots/web/` and in the compiled `dist/bots/web/`. */
export function publicDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'bots', 'web', 'public');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (existsSync(join(dir, 'public', 'index.html'))) return join(dir, 'public');
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('bots/web/public not found');
    dir = up;
  }
}
