import { msg, type Msg } from '../messages.js';
import type { FlowContext, Transition } from '../conversation/flow.js';
import { DEFAULT_MODERATION, type ModerationSettings } from './settings.js';
import type { SubmissionStatus } from './ports.js';

export function settingsOf(ctx: FlowContext): ModerationSettings {
  return ctx.services.moderation ?? DEFAULT_MODERATION;
}

/** Back to the menu, saying something. */
export function toMenu(...messages: Msg[]): Transition {
  return { messages, next: { flow: 'menu', step: 'main' } };
}

/**
 * Steps that are about one record carry its id (`show.<id>.<version>`): the
 * engine issues a new question token whenever the step changes, so a button
 * pressed on an earlier item can never act on the next one.
 */
export function stepParts(ctx: FlowContext): string[] {
  return ctx.state.step.split('.');
}

/** How many of a person's items are in each state, as one line for a moderator. */
export function historyMessage(counts: Partial<Record<SubmissionStatus, number>>, warnings: number, since: Date, timeZone: string): Msg {
  return msg('moderation:history.line', {
    since: { dateTime: since, timeZone },
    published: counts.published ?? 0,
    returned: counts.returned ?? 0,
    rejected: counts.rejected ?? 0,
    pending: counts.pending ?? 0,
    warnings,
  });
}

export function textOf(answer: { type: string; text?: string }): string {
  return answer.type === 'text' ? (answer.text ?? '').trim() : '';
}

export function choiceOf(answer: { type: string; values?: string[] }): string | undefined {
  return answer.type === 'choice' ? answer.values?.[0] : undefined;
}
