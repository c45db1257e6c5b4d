import { describe, expect, it } from 'vitest';
import { SendWindow, SLOT_MARGIN, WINDOW_GUARD_MS } from './outbox.js';

/** The most starts within any `span` ms. */
function busiest(starts: number[], span: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= span) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('SendWindow', () => {
  const slot = (1000 / 30) * (1 + SLOT_MARGIN);

  it('never delays sends that keep their slots', () => {
    const window = new SendWindow();
    for (let i = 0; i < 300; i++) expect(window.take('sink', 30, i * slot)).toBe(i * slot);
  });

  it('keeps 31 sends more than a second and its guard apart when some ran late within their tolerance', () => {
    const window = new SendWindow();
    const starts: number[] = [];
    // Every 7th send is 10 ms late (kept its slot, as LATE_TOLERANCE_MS allows); the rest on time.
    for (let i = 0; i < 600; i++) starts.push(window.take('sink', 30, i * slot + (i % 7 === 0 ? 10 : 0)));
    // (less a nanosecond: floating-point sums of slots)
    expect(busiest(starts, 1000 + WINDOW_GUARD_MS - 1e-6)).toBe(30);
    // Without the window, the slots alone would let 31 start within 1013 ms.
    const unspaced = Array.from({ length: 600 }, (_, i) => i * slot + (i % 7 === 0 ? 10 : 0));
    expect(busiest(unspaced, 1000 + WINDOW_GUARD_MS)).toBe(31);
    // What it costs: the last send starts no more than the lateness after its slot.
    expect(starts.at(-1)! - 599 * slot).toBeLessThanOrEqual(10);
    // Starts never go back in time, and each channel has its own window.
    expect(starts.every((t, i) => i === 0 || t >= starts[i - 1]!)).toBe(true);
    expect(window.take('other', 30, 0)).toBe(0);
  });

  it('queues concurrent senders that ask at the same moment', () => {
    const window = new SendWindow();
    const starts = Array.from({ length: 31 }, () => window.take('sink', 30, 0));
    expect(starts.slice(0, 30).every((t) => t === 0)).toBe(true);
    expect(starts[30]).toBe(1000 + WINDOW_GUARD_MS);
  });
});
