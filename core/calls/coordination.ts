import { DomainError, ErrorCode } from '../errors.js';
import type { Repositories, Store } from '../store.js';
import { tallyResponses, type HelperCall, type ResponseTally } from './call.js';
import { requestStatusUpdate } from './call-status.js';

/** The most helpers one call may ask for (as when posting it). */
const MAX_HELPERS = 200;

export interface CallStatusReport extends ResponseTally {
  status: string;
  helpersNeeded: number;
  open: number;
  waves: number;
  answerBy: Date;
}

/** What a coordinator does with a posted call: watch it, cancel it, record who came. */
export class CallCoordination {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  async status(callId: string): Promise<CallStatusReport> {
    const call = await this.store.calls.findById(callId);
    if (!call) throw new DomainError(ErrorCode.NotFound);
    return {
      ...tallyResponses(await this.store.calls.responses(callId)),
      status: call.status,
      helpersNeeded: call.helpersNeeded,
      accepted: call.acceptedCount,
      open: Math.max(0, call.helpersNeeded - call.acceptedCount),
      waves: call.waves,
      answerBy: call.answerBy,
    };
  }

  /** Cancels the call; everyone who accepted is told, open notifications say so. Returns false if it was already closed. */
  async cancel(callId: string, actorId: string | null): Promise<boolean> {
    return this.store.transaction((repos) => cancelCall(repos, callId, this.now(), actorId));
  }

  /**
   * Gives volunteers more time to answer: the deadline moves `hours` later (from now if it has
   * passed), but never past the start. An unfilled call whose deadline had passed opens again; the
   * next volunteers are asked unless a wave is planned already. Returns the new deadline, or null
   * if the call cannot be extended.
   */
  async extendDeadline(callId: string, actorId: string | null, hours = 24): Promise<Date | null> {
    return this.store.transaction(async (repos) => {
      const call = await repos.calls.findById(callId);
      if (!call) throw new DomainError(ErrorCode.NotFound);
      const now = this.now();
      const from = Math.max(call.answerBy.getTime(), now.getTime());
      const answerBy = new Date(Math.min(from + hours * 3600_000, call.startsAt.getTime()));
      const was = await repos.calls.extendDeadline(callId, answerBy, now);
      if (!was) return null;
      await repos.jobs.enqueue({ name: 'call.deadline', key: `call.deadline:${callId}:${answerBy.getTime()}`, payload: { callId }, runAt: answerBy });
      // More time, more people: unless the next wave is already planned, one goes out now.
      if (was === 'expired' || call.nextWaveAt === null) await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:extended:${answerBy.getTime()}`, payload: { callId } });
      await repos.audit.append({ actorId, action: 'call.extended', subjectType: 'call', subjectId: callId, details: { answerBy: answerBy.toISOString() } });
      await requestStatusUpdate(repos.jobs, callId, now);
      return answerBy;
    });
  }

  /** More helpers are needed: adds places (a full call opens again) and asks the next volunteers at once. */
  async addPlaces(callId: string, actorId: string | null, count = 1): Promise<boolean> {
    return this.store.transaction(async (repos) => {
      const now = this.now();
      if (!(await repos.calls.addPlaces(callId, count, MAX_HELPERS, now))) return false;
      await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:more:${now.getTime()}`, payload: { callId } });
      await repos.audit.append({ actorId, action: 'call.places-added', subjectType: 'call', subjectId: callId, details: { count } });
      await requestStatusUpdate(repos.jobs, callId, now);
      return true;
    });
  }

  /** After the end: who came. A no-show lowers the person's rank in rotation for a while; nobody is banned for it. */
  async attendance(callId: string, personId: string, attended: boolean, actorId: string | null): Promise<void> {
    const call = await this.store.calls.findById(callId);
    if (!call) throw new DomainError(ErrorCode.NotFound);
    await this.store.transaction((repos) => recordAttendance(repos, call, personId, attended, this.now(), actorId));
  }
}

/** Cancels an open or full call inside a transaction (the API's and the chat's way alike). */
export async function cancelCall(repos: Repositories, callId: string, at: Date, actorId: string | null): Promise<boolean> {
  const accepted = await repos.calls.cancel(callId, at);
  if (!accepted) return false;
  await repos.jobs.enqueue({ name: 'call.cancelled', key: `call.cancelled:${callId}`, payload: { callId, accepted } });
  await repos.audit.append({ actorId, action: 'call.cancelled', subjectType: 'call', subjectId: callId });
  await requestStatusUpdate(repos.jobs, callId, at);
  return true;
}

/** Records whether an accepted helper came, after the call's end. */
export async function recordAttendance(repos: Repositories, call: HelperCall, personId: string, attended: boolean, at: Date, actorId: string | null): Promise<void> {
  if (call.endsAt > at) throw new DomainError(ErrorCode.InvalidInput, 'Attendance can be recorded after the end');
  if (!(await repos.calls.setAttendance(call.id, personId, attended, at))) throw new DomainError(ErrorCode.InvalidInput, 'That person had not accepted');
  await repos.audit.append({ actorId, action: 'call.attendance', subjectType: 'call', subjectId: call.id, details: { personId, attended } });
}
