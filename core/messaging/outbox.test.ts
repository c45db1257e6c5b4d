import { describe, expect, it, vi } from 'vitest';
import type { RateSlots } from '../jobs/job-queue.js';
import { processSlots } from '../jobs/process-slots.js';
import type { Person } from '../people/person.js';
import type { Store } from '../store.js';
import type { MessengerPort } from './messenger.js';
import { ANSWER_WAIT_MS, personSender, SendWindow, SLOT_MARGIN, WINDOW_GUARD_MS } from './outbox.js';

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

  /** Runs `work` with fake timers and a clock that only `tick` (and waiting) moves. */
  async function withClock(work: (window: SendWindow, clock: { now: number; tick(ms: number): Promise<void> }) => Promise<void>) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    try {
      const t0 = performance.now();
      const clock = {
        get now() {
          return performance.now() - t0;
        },
        tick: async (ms: number) => void (await vi.advanceTimersByTimeAsync(ms)),
      };
      await work(new SendWindow(), clock);
    } finally {
      vi.useRealTimers();
    }
  }

  it('never delays sends that keep their slots and are answered within the slots\' margin', async () => {
    await withClock(async (window, clock) => {
      for (let i = 0; i < 300; i++) {
        await clock.tick(i * slot - clock.now);
        const start = clock.now;
        const answered = await window.enter('sink', 30);
        expect(clock.now).toBe(start);
        await clock.tick(5);
        answered();
      }
    });
  });

  it('starts the 31st send a second and its guard after the channel answered the 1st, however late the answer', async () => {
    await withClock(async (window, clock) => {
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await window.enter('sink', 30));
      // The first request spends 300 ms on the way (a stalled event loop after it started); the rest answer at once.
      answers.slice(1).forEach((answered) => answered());
      let entered = NaN;
      const next = window.enter('sink', 30).then(() => (entered = clock.now));
      await clock.tick(2_000);
      expect(entered).toBeNaN();
      answers[0]!();
      const answeredAt = clock.now;
      await clock.tick(1_100);
      await next;
      expect(entered).toBeGreaterThanOrEqual(answeredAt + 1000 + WINDOW_GUARD_MS);
      expect(entered).toBeLessThan(answeredAt + 1000 + WINDOW_GUARD_MS + 1);
      // Each channel has its own window.
      const other = await window.enter('other', 30);
      other();
    });
  });

  it('lets a send that was never answered hold the window for ANSWER_WAIT_MS at most', async () => {
    await withClock(async (window, clock) => {
      for (let i = 0; i < 30; i++) await window.enter('sink', 30);
      let entered = NaN;
      const next = window.enter('sink', 30).then(() => (entered = clock.now));
      await clock.tick(ANSWER_WAIT_MS + 1000 + WINDOW_GUARD_MS + 1);
      await next;
      // Counted as answered when the wait ran out, ten seconds after it started.
      expect(entered).toBeGreaterThanOrEqual(ANSWER_WAIT_MS + 1000 + WINDOW_GUARD_MS);
      expect(entered).toBeLessThan(ANSWER_WAIT_MS + 1000 + WINDOW_GUARD_MS + 1);
    });
  });

  it('starts a send under a limit below one a second one interval and the guard after the last answer', async () => {
    await withClock(async (window, clock) => {
      const first = await window.enter('chat', 0.8);
      await clock.tick(100);
      first();
      let entered = NaN;
      const next = window.enter('chat', 0.8).then(() => (entered = clock.now));
      await clock.tick(1_500);
      await next;
      expect(entered).toBeGreaterThanOrEqual(100 + 1250 + WINDOW_GUARD_MS);
      expect(entered).toBeLessThan(100 + 1250 + WINDOW_GUARD_MS + 1);
    });
  });

  it('forgets a key once its sends are answered and a second old, and keeps one still under way', async () => {
    await withClock(async (window, clock) => {
      for (let i = 0; i < 1_000; i++) (await window.enter(`sink:${i}`, 1))();
      const hung = await window.enter('sink:hung', 1);
      expect(window.size).toBeGreaterThan(500);
      await clock.tick(1000 + WINDOW_GUARD_MS);
      for (let i = 0; i < 100; i++) (await window.enter(`later:${i}`, 1))();
      expect(window.size).toBeLessThan(200);
      // The one still under way holds its address back as before.
      let entered = NaN;
      const next = window.enter('sink:hung', 1).then(() => (entered = clock.now));
      await clock.tick(500);
      hung();
      const answeredAt = clock.now;
      await clock.tick(1_100);
      await next;
      expect(entered).toBeGreaterThanOrEqual(answeredAt + 1000 + WINDOW_GUARD_MS);
    });
  });
});

describe('personSender to one address', () => {
  it('starts a send to a person a second after the channel answered the last one, however late that request arrived', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date', 'performance'] });
    try {
      const arrived: number[] = [];
      const messenger: MessengerPort = {
        channel: 'sink',
        capabilities: { buttons: true, multiSelect: true, editMessages: true, location: false, contact: false, cards: false, files: false, readReceipts: false },
        limits: { perSecond: 30, perAddressPerSecond: 1 },
        async send(address) {
          // Every other request spends 50 ms on its way after it started (a busy event loop).
          if (arrived.length % 2 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
          arrived.push(Date.now());
          return { channel: 'sink', address, id: String(arrived.length) };
        },
        async edit() {},
      };
      const store = { identities: { listForPerson: async () => [{ channel: 'sink', address: 'a', preferred: true, unreachableSince: null }] } } as unknown as Store;
      // Shared slots (as on PostgreSQL): each send keeps a slot up to 10 ms late, 1015 ms apart.
      const inner = processSlots();
      const slots: RateSlots = { reserve: (key, interval, now) => inner.reserve(key, interval, now), block: (key, until) => inner.block(key, until) };
      const sendTo = personSender({ store, messengers: new Map([['sink', messenger]]), slots, now: () => new Date() });
      const sends = Promise.all(Array.from({ length: 6 }, () => sendTo({ id: 'p' } as Person, { locale: 'de', messages: [] })));
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await sends).toEqual(Array(6).fill(true));
      expect(arrived).toHaveLength(6);
      for (let i = 1; i < arrived.length; i++) expect(arrived[i]! - arrived[i - 1]!).toBeGreaterThanOrEqual(1000);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('personSender with slots local to this process', () => {
  const PER_SECOND = 100;
  const capabilities = { buttons: true, multiSelect: true, editMessages: true, location: false, contact: false, cards: false, files: false, readReceipts: false };

  /**
   * 200 sends through one channel of 100 a second, started together; every seventh send holds the
   * event loop for 40 ms (as PGlite's statements do on the service's thread), so the next send's timer
   * fires late. Returns when each send started, and how many slots were reserved.
   */
  async function run(local: boolean): Promise<{ sent: number[]; reservations: number }> {
    const inner = processSlots();
    let reservations = 0;
    const slots: RateSlots = {
      local,
      reserve: (key, intervalMs, now) => (reservations++, inner.reserve(key, intervalMs, now)),
      block: (key, until) => inner.block(key, until),
    };
    const sent: number[] = [];
    const messenger: MessengerPort = {
      channel: 'sink',
      capabilities,
      limits: { perSecond: PER_SECOND },
      async send(address) {
        sent.push(performance.now());
        if (sent.length % 7 === 0) for (const until = performance.now() + 40; performance.now() < until; );
        return { channel: 'sink', address, id: String(sent.length) };
      },
      async edit() {},
    };
    const store = { identities: { listForPerson: async () => [{ channel: 'sink', address: 'a', preferred: true, unreachableSince: null }] } } as unknown as Store;
    const sendTo = personSender({ store, messengers: new Map([['sink', messenger]]), slots, now: () => new Date() });
    const person = { id: 'p' } as Person;
    expect(await Promise.all(Array.from({ length: 200 }, () => sendTo(person, { locale: 'de', messages: [] })))).toEqual(Array(200).fill(true));
    return { sent, reservations };
  }

  it('keeps a slot its timer reached late, and its window still keeps the limit in any second', async () => {
    const { sent, reservations } = await run(true);
    expect(reservations).toBe(200);
    expect(busiest(sent, 1000 + WINDOW_GUARD_MS - 1e-6)).toBeLessThanOrEqual(PER_SECOND);
  });

  it('gives a late slot up when the slots are shared with other instances', async () => {
    const { sent, reservations } = await run(false);
    expect(reservations).toBeGreaterThan(200);
    expect(busiest(sent, 1000 + WINDOW_GUARD_MS - 1e-6)).toBeLessThanOrEqual(PER_SECOND);
  });
});
