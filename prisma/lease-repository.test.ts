import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Leases } from '../core/index.js';
import { backends, type TestDatabase } from '../test/support/databases.js';
import { leases } from './store.js';

describe.each(backends)('leases on $name', (backend) => {
  let db: TestDatabase;
  let store: Leases;
  beforeAll(async () => {
    db = await backend.create();
    store = leases(db.database.prisma);
  });
  afterAll(async () => db?.destroy());

  it('gives a free lease to one holder, refuses it to others until it expires, and keeps the saved state for the next', async () => {
    expect(await store.acquire('poll', 'a', 400)).toEqual({ held: true, state: null });
    expect(await store.acquire('poll', 'b', 400)).toEqual({ held: false, state: null });
    expect(await store.save('poll', 'a', '1234')).toBe(true);
    expect(await store.save('poll', 'b', '9999')).toBe(false);
    // A renewal by the holder keeps it.
    expect(await store.acquire('poll', 'a', 400)).toEqual({ held: true, state: '1234' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await store.acquire('poll', 'b', 400)).toEqual({ held: true, state: '1234' });
    expect(await store.acquire('poll', 'a', 400)).toEqual({ held: false, state: '1234' });
  });

  it('is free at once after the holder releases it, and only the holder can release it', async () => {
    expect((await store.acquire('release', 'a', 60_000)).held).toBe(true);
    await store.release('release', 'b');
    expect((await store.acquire('release', 'b', 60_000)).held).toBe(false);
    await store.release('release', 'a');
    expect((await store.acquire('release', 'b', 60_000)).held).toBe(true);
  });

  it('lets exactly one of many concurrent takers win', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.acquire('race', `h${i}`, 60_000)));
    expect(results.filter((r) => r.held)).toHaveLength(1);
  });
});
