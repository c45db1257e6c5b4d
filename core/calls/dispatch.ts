import type { Store } from '../store.js';
import { afterQuietHours, type QuietHours } from './quiet-hours.js';

export interface DispatchSettings {
  /** Each wave asks this many times the open places (rounded up)... */
  overbooking: number;
  /** ...and at least this many more than the open places. */
  minExtra: number;
  /** Time between waves. */
  waveIntervalMs: number;
  maxAsksPerDay: number;
  noShowPenaltyDays: number;
  /** A call's reach when it names none, in km. */
  defaultRadiusKm: number;
  quietHours: QuietHours;
}

export const DEFAULT_DISPATCH: DispatchSettings = {
  overbooking: 1.5,
  minExtra: 2,
  waveIntervalMs: 10 * 60_000,
  maxAsksPerDay: 3,
  noShowPenaltyDays: 30,
  defaultRadiusKm: 30,
  quietHours: { from: 21, to: 8 },
};

export type WaveResult = { kind: 'asked'; wave: number; asked: number; nextWaveAt: Date | null } | { kind: 'stopped'; reason: 'gone' | 'not-open' | 'deadline' | 'full' };

/**
 * Sends the next wave of a call: the best-ranked candidates not asked yet,
 * a few more than there are open places. Asking, the deliveries and the next
 * wave are one transaction, so a crash repeats a whole wave or none of it, and
 * the deliveries' idempotency keys make every notification go out once.
 */
export class CallDispatcher {
  constructor(
    private readonly store: Store,
    private readonly settings: DispatchSettings,
    private readonly now: () => Date,
  ) {}

  async wave(callId: string): Promise<WaveResult> {
    return this.store.transaction(async (repos) => {
      const call = await repos.calls.findById(callId);
      if (!call) return { kind: 'stopped', reason: 'gone' } as const;
      if (call.status !== 'open') return { kind: 'stopped', reason: 'not-open' } as const;
      const now = this.now();
      if (call.answerBy <= now) return { kind: 'stopped', reason: 'deadline' } as const;
      const open = call.helpersNeeded - call.acceptedCount;
      if (open <= 0) return { kind: 'stopped', reason: 'full' } as const;

      const region = await repos.regions.findById(call.regionId);
      const timeZone = region?.timeZone ?? 'Europe/Berlin';
      const wave = call.waves + 1;
      const candidates = await repos.candidates.find({
        callId,
        regionId: call.regionId,
        activity: call.activityKey,
        languages: call.languages,
        lat: call.lat,
        lon: call.lon,
        radiusKm: call.radiusKm ?? this.settings.defaultRadiusKm,
        startsAt: call.startsAt,
        endsAt: call.endsAt,
        now,
        maxAsksPerDay: this.settings.maxAsksPerDay,
        noShowPenaltyDays: this.settings.noShowPenaltyDays,
        limit: Math.max(Math.ceil(open * this.settings.overbooking), open + this.settings.minExtra),
      });
      const ids = candidates.map((c) => c.personId);
      await repos.candidates.markAsked(callId, ids, wave, now);
      const deliverAt = afterQuietHours(now, timeZone, this.settings.quietHours);
      await repos.jobs.enqueueMany(ids.map((personId) => ({ name: 'call.notify', key: `call.notify:${callId}:${personId}`, payload: { callId, personId }, runAt: deliverAt })));
      // No one left to ask: no further wave; the deadline job tells the coordinator if it stays unfilled.
      const next = ids.length === 0 ? null : new Date(Math.min(now.getTime() + this.settings.waveIntervalMs, call.answerBy.getTime()));
      await repos.calls.recordWave(callId, wave, next && next < call.answerBy ? next : null);
      if (next && next < call.answerBy) await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:${wave + 1}`, payload: { callId }, runAt: next });
      await repos.audit.append({ actorId: null, action: 'call.wave', subjectType: 'call', subjectId: callId, details: { wave, asked: ids.length } });
      return { kind: 'asked', wave, asked: ids.length, nextWaveAt: next && next < call.answerBy ? next : null } as const;
    });
  }
}
