import { DomainError, ErrorCode } from '../errors.js';
import type { Store } from '../store.js';
import { tallyResponses, type ResponseTally } from './call.js';

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
    return this.store.transaction(async (repos) => {
      const accepted = await repos.calls.cancel(callId, this.now());
      if (!accepted) return false;
      await repos.jobs.enqueue({ name: 'call.cancelled', key: `call.cancelled:${callId}`, payload: { callId, accepted } });
      await repos.audit.append({ actorId, action: 'call.cancelled', subjectType: 'call', subjectId: callId });
      return true;
    });
  }

  /** After the end: who came. A no-show lowers the person's rank in rotation for a while; nobody is banned for it. */
  async attendance(callId: string, personId: string, attended: boolean, actorId: string | null): Promise<void> {
    const call = await this.store.calls.findById(callId);
    if (!call) throw new DomainError(ErrorCode.NotFound);
    if (call.endsAt > this.now()) throw new DomainError(ErrorCode.InvalidInput, 'Attendance can be recorded after the end');
    await this.store.transaction(async (repos) => {
      if (!(await repos.calls.setAttendance(callId, personId, attended, this.now()))) throw new DomainError(ErrorCode.InvalidInput, 'That person had not accepted');
      await repos.audit.append({ actorId, action: 'call.attendance', subjectType: 'call', subjectId: callId, details: { personId, attended } });
    });
  }
}
