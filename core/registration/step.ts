import type { Msg } from '../messages.js';
import type { Answer, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import type { RegistrationDraft } from './draft.js';

export type StepOutcome =
  | { patch: Partial<RegistrationDraft>; goto?: string; messages?: Msg[]; locale?: string }
  | { error: Msg }
  /** The step ends the flow itself (the summary's confirm). */
  | { transition: Transition };

/** One question of the registration: how to ask it, and how to take an answer. */
export interface Step {
  ask(ctx: FlowContext, draft: RegistrationDraft): PromptSpec | Promise<PromptSpec>;
  accept(ctx: FlowContext, draft: RegistrationDraft, answer: Answer): StepOutcome | Promise<StepOutcome>;
}

export const SKIP = 'skip';
export const DONE = 'done';

export function chosen(answer: Answer): string[] | null {
  return answer.type === 'choice' ? answer.values : null;
}

export function typed(answer: Answer): string | null {
  return answer.type === 'text' ? answer.text : null;
}

/** A whole number within bounds, typed as digits (with an optional unit after it). */
export function typedNumber(answer: Answer, min: number, max: number): number | null {
  const text = answer.type === 'text' ? answer.text : answer.type === 'choice' && answer.values.length === 1 ? answer.values[0]! : null;
  const match = text ? /^\s*(\d{1,4})\s*\p{L}*\.?\s*$/u.exec(text) : null;
  if (!match) return null;
  const n = Number(match[1]);
  return n >= min && n <= max ? n : null;
}
