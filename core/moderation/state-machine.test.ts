import { describe, expect, it } from 'vitest';
import type { SubmissionStatus } from './ports.js';
import { nextStatus, type ModerationEvent } from './state-machine.js';

const STATUSES: SubmissionStatus[] = ['pending', 'published', 'returned', 'rejected', 'withdrawn'];
const EVENTS: ModerationEvent[] = ['green', 'yellow', 'red', 'revise', 'withdraw', 'takedown'];

/** Every transition the traffic light allows; anything else is refused. */
const ALLOWED: Record<string, SubmissionStatus> = {
  'pending green': 'published',
  'pending yellow': 'returned',
  'pending red': 'rejected',
  'pending withdraw': 'withdrawn',
  'returned revise': 'pending',
  'returned withdraw': 'withdrawn',
  'published takedown': 'rejected',
};

describe('the moderation state machine', () => {
  const cases = STATUSES.flatMap((from) => EVENTS.map((event) => ({ from, event, to: ALLOWED[`${from} ${event}`] ?? null })));
  it.each(cases)('$event on a $from item -> $to', ({ from, event, to }) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it('never publishes a rejected item, nor a returned one without a new version', () => {
    expect(nextStatus('rejected', 'green')).toBeNull();
    expect(nextStatus('returned', 'green')).toBeNull();
  });
});
