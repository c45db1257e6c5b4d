import { DomainError, ErrorCode } from '../errors.js';
import type { Repositories, Store } from '../store.js';
import { tallyResponses, type HelperCall, type ResponseTally } from './call.js';
import { requestStatusUpdate } from './call-status.js';

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
