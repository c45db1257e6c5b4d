import { describe, expect, it } from 'vitest';
import type { JobRepository, JobSpec } from '../jobs/job-queue.js';
import type { HelperCall } from './call.js';
import { CALL_STATUS_DEBOUNCE_MS, callStatusView, requestStatusUpdate, statusActions } from './call-status.js';

const now = new Date('2026-12-01T10:00:00Z');

function call(overrides: Partial<HelperCall> = {}): HelperCall {
  return {
    id: 'c1',
    regionId: 'default',
    organisationId: 'o1',
    createdById: 'p1',
    activityKey: 'translating',
    title: 'Sprachcafé',
    description: '',
    descriptionLang: 'de',
    placeName: 'Göttingen',
    lat: 51.5,
    lon: 9.9,
    radiusKm: null,
    startsAt: new Date('2026-12-02T10:00:00Z'),
    endsAt: new Date('2026-12-02T12:00:00Z'),
    answerBy: new Date('2026-12-02T09:00:00Z'),
    helpersNeeded: 3,
    acceptedCount: 1,
    languages: [],
    minAge: null,
    skills: null,
    status: 'open',
    waves: 1,
    nextWaveAt: null,
    createdAt: now,
    ...overrides,
  };
}

/** Keeps the port's promise: a key enqueued once is never added again. */
class Jobs implements JobRepository {
  readonly specs: JobSpec[] = [];
  async enqueue(spec: JobSpec) {
    if (this.specs.some((s) => s.key === spec.key)) return false;
    this.specs.push(spec);
    return true;
  }
  async enqueueMany(specs: JobSpec[]) {
    let n = 0;
    for (const s of specs) if (await this.enqueue(s)) n++;
    return n;
  }
}

describe('the status of a call for its coordinator', () => {
  it('offers cancel, extend and add while open; cancel and add when full; only extend once the deadline passed unfilled; nothing when closed', () => {
    expect(statusActions(call(), now)).toEqual(['cancel', 'extend', 'add']);
    expect(statusActions(call({ status: 'full', acceptedCount: 3 }), now)).toEqual(['cancel', 'add']);
    expect(statusActions(call({ status: 'expired', answerBy: new Date(now.getTime() - 1000) }), now)).toEqual(['extend']);
    expect(statusActions(call({ status: 'expired', startsAt: new Date(now.getTime() - 1000) }), now)).toEqual([]);
    expect(statusActions(call({ status: 'cancelled' }), now)).toEqual([]);
    expect(statusActions(call({ status: 'done' }), now)).toEqual([]);
  });

  it('shows asked, accepted, declined, open places and the deadline, with the buttons as a question', () => {
    const view = callStatusView(call(), { asked: 6, seen: 2, accepted: 1, declined: 2, released: 0, unanswered: 3 }, 'en', 'Europe/Berlin', now);
    expect(view.prompt?.token).toBe('call-manage:c1');
    expect(view.prompt?.text).toMatchObject({ key: 'coordination:statusCard.text', params: { asked: 6, accepted: 1, declined: 2, open: 2, helpers: 3, deadline: { dateTime: call().answerBy, timeZone: 'Europe/Berlin' } } });
    expect(view.prompt?.choices?.map((c) => c.value)).toEqual(['cancel', 'extend', 'add']);
    const closed = callStatusView(call({ status: 'cancelled' }), { asked: 6, seen: 2, accepted: 1, declined: 2, released: 0, unanswered: 3 }, 'en', 'Europe/Berlin', now);
    expect(closed.prompt).toBeUndefined();
    expect(closed.messages[0]?.key).toBe('coordination:statusCard.text');
  });

  it('updates once per window however many answers arrive in it, and never before the window is over', async () => {
    const jobs = new Jobs();
    const start = Math.ceil(now.getTime() / CALL_STATUS_DEBOUNCE_MS) * CALL_STATUS_DEBOUNCE_MS;
    for (let i = 0; i < 200; i++) await requestStatusUpdate(jobs, 'c1', new Date(start + (i % CALL_STATUS_DEBOUNCE_MS)));
    expect(jobs.specs).toHaveLength(1);
    expect(jobs.specs[0]!.runAt!.getTime()).toBeGreaterThan(start + CALL_STATUS_DEBOUNCE_MS - 1);
    await requestStatusUpdate(jobs, 'c1', new Date(start + CALL_STATUS_DEBOUNCE_MS));
    await requestStatusUpdate(jobs, 'c2', new Date(start));
    expect(jobs.specs.map((s) => s.payload?.callId)).toEqual(['c1', 'c1', 'c2']);
  });
});
