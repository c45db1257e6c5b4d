import { describe, expect, it } from 'vitest';
import { inTurn } from './in-turn.js';

describe('inTurn', () => {
  it('runs work one at a time in the order handed over, and a failure does not stop the next', async () => {
    const turn = inTurn();
    const log: string[] = [];
    let running = 0;
    const step = (name: string, ms: number, fail = false) =>
      turn(async () => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([step('a', 20), step('b', 5, true), step('c', 1)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'b', 'c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
