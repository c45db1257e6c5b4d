import { describe, expect, it } from 'vitest';
import { processSlots } from './process-slots.js';

describe('processSlots', () => {
  const at = (ms: number) => new Date(ms);

  it('starts an idle key now and moves it on by the interval, to the fraction of a millisecond', async () => {
    const slots = processSlots(() => 1_000);
    expect(slots.local).toBe(true);
    const starts: number[] = [];
    for (let i = 0; i < 4; i++) starts.push(await slots.reserve('sink', 1000 / 30, at(1_000)));
    [0, 1000 / 30, 2000 / 30, 3000 / 30].forEach((offset, i) => expect(starts[i]! - 1_000).toBeCloseTo(offset, 9));
    // Another key is its own queue; a key idle since its last slot starts at now again.
    expect(await slots.reserve('other', 1000, at(1_000))).toBe(1_000);
    expect(await slots.reserve('other', 1000, at(5_000))).toBe(5_000);
  });

  it('starts a reservation made after its `now` (it waited) when it is made, at most a second later', async () => {
    expect(await processSlots(() => 1_250).reserve('sink', 10, at(1_000))).toBe(1_250);
    expect(await processSlots(() => 9_000).reserve('sink', 10, at(1_000))).toBe(2_000);
  });

  it('holds a key back until a block ends, and never pulls a later slot forward', async () => {
    const slots = processSlots(() => 0);
    await slots.block('sink', at(3_000));
    expect(await slots.reserve('sink', 100, at(0))).toBe(3_000);
    await slots.block('sink', at(1_000));
    expect(await slots.reserve('sink', 100, at(0))).toBe(3_100);
  });

  it('forgets keys whose next slot has passed, and their slots stay as they were', async () => {
    const slots = processSlots(() => 0);
    for (let i = 0; i < 1_000; i++) await slots.reserve(`sink:${i}`, 1000, at(0));
    await slots.block('sink:blocked', at(60_000));
    expect(slots.size).toBeGreaterThan(500);
    // A second later every address's next slot has passed; the blocked one and a busy one have not.
    await slots.reserve('sink:busy', 5_000, at(1_000));
    for (let i = 0; i < 100; i++) await slots.reserve(`later:${i}`, 1000, at(1_000));
    expect(slots.size).toBeLessThan(200);
    expect(await slots.reserve('sink:blocked', 100, at(1_000))).toBe(60_000);
    expect(await slots.reserve('sink:busy', 5_000, at(1_000))).toBe(6_000);
    expect(await slots.reserve('sink:3', 1000, at(1_000))).toBe(1_000);
  });
});
