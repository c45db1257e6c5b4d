import type { SubmissionStatus, Verdict } from './ports.js';

export type ModerationEvent = Verdict | 'revise' | 'withdraw' | 'takedown';

/**
 * The traffic light: a pending item is published (green), returned for
 * revision (yellow) or rejected (red); a returned item comes back as a new
 * version. Rejected and withdrawn items stay so: a red item is never
 * published; a published one can only be taken down after a report.
 */
const TRANSITIONS: Record<SubmissionStatus, Partial<Record<ModerationEvent, SubmissionStatus>>> = {
  pending: { green: 'published', yellow: 'returned', red: 'rejected', withdraw: 'withdrawn' },
  returned: { revise: 'pending', withdraw: 'withdrawn' },
  // After a "report this", a moderator can take a published item down again.
  published: { takedown: 'rejected' },
  rejected: {},
  withdrawn: {},
};

/** Where an event takes an item, or null when it is not allowed from there. */
export function nextStatus(status: SubmissionStatus, event: ModerationEvent): SubmissionStatus | null {
  return TRANSITIONS[status][event] ?? null;
}

/** Every status an event may start from. */
export function fromStatuses(event: ModerationEvent): SubmissionStatus[] {
  return (Object.keys(TRANSITIONS) as SubmissionStatus[]).filter((s) => TRANSITIONS[s][event]);
}
