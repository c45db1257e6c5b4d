import { DomainError, ErrorCode } from '../errors.js';
import type { Repositories } from '../store.js';
import { requestStatusUpdate } from './call-status.js';

/** The most helpers one call may ask for (as when posting it). */
const MAX_HELPERS = 200;

/**
 * Gives volunteers more time to answer, inside a transaction: the deadline moves `hours` later
 * (from now if it has passed), but never past the start. An unfilled call whose deadline had
 * passed opens again; the next volunteers are asked unless a wave is planned already. Returns the
 * new deadline, or null if the call cannot be extended.
 */
export async function extendDeadline(repos: Repositories, callId: string, at: Date, actorId: string | null, hours = 24): Promise<Date | null> {
  const call = await repos.calls.findById(callId);
  if (!call) throw new DomainError(ErrorCode.NotFound);
  const from = Math.max(call.answerBy.getTime(), at.getTime());
  const answerBy = new Date(Math.min(from + hours * 3600_000, call.startsAt.getTime()));
  const was = await repos.calls.extendDeadline(callId, answerBy, at);
  if (!was) return null;
  await repos.jobs.enqueue({ name: 'call.deadline', key: `call.deadline:${callId}:${answerBy.getTime()}`, payload: { callId }, runAt: answerBy });
  // More time, more people: unless the next wave is already planned, one goes out now.
  if (was === 'expired' || call.nextWaveAt === null) await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:extended:${answerBy.getTime()}`, payload: { callId } });
  await repos.audit.append({ actorId, action: 'call.extended', subjectType: 'call', subjectId: callId, details: { answerBy: answerBy.toISOString() } });
  await requestStatusUpdate(repos.jobs, callId, at);
  return answerBy;
}

/** More helpers are needed, inside a transaction: adds places (a full call opens again) and asks the next volunteers at once. */
export async function addPlaces(repos: Repositories, callId: string, at: Date, actorId: string | null, count = 1): Promise<boolean> {
  if (!(await repos.calls.addPlaces(callId, count, MAX_HELPERS, at))) return false;
  await repos.jobs.enqueue({ name: 'call.wave', key: `call.wave:${callId}:more:${at.getTime()}`, payload: { callId } });
  await repos.audit.append({ actorId, action: 'call.places-added', subjectType: 'call', subjectId: callId, details: { count } });
  await requestStatusUpdate(repos.jobs, callId, at);
  return true;
}
