import { msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { choiceOf, stepParts, textOf, toMenu } from './flow-support.js';
import { appealBan, banPerson, findTarget, settleAppeal, warnPerson, type SanctionOutcome } from './sanctions.js';

export const SANCTION = 'sanction';
export const APPEAL = 'appeal';
export const APPEALS = 'appeals';
const CANCEL = 'cancel';
const cancelChoice = [{ value: CANCEL, label: msg('moderation:cancel') }];

type Kind = 'warn' | 'ban';
const ACTION = { warn: 'person.warn', ban: 'person.ban' } as const;

/** `/warn` and `/ban` [e-mail address or item reference]: who, then why. */
export function startSanction(kind: Kind) {
  return async (ctx: FlowContext): Promise<Transition> => {
    const refused = await refuse(ctx, ACTION[kind]);
    if (refused) return refused;
    const args = ctx.event.input.type === 'command' ? ctx.event.input.args?.trim() : undefined;
    if (args) {
      const target = await findTarget(ctx.repos, ctx.region.id, args);
      if (!target) return stay(ctx, msg('moderation:sanction.notFound'));
      return { next: { flow: SANCTION, step: `reason.${kind}.${target.id}` } };
    }
    return { next: { flow: SANCTION, step: `target.${kind}` } };
  };
}

function outcomeMessage(outcome: SanctionOutcome | { kind: 'already-settled' }, done: string) {
  switch (outcome.kind) {
    case 'done':
      return msg(done);
    case 'own':
      return msg('moderation:sanction.own');
    case 'already-banned':
      return msg('moderation:sanction.alreadyBanned');
    case 'already-settled':
      return msg('moderation:appeals.alreadySettled');
    default:
      return msg('moderation:sanction.notFound');
  }
}

export const sanctionFlow: Flow = {
  id: SANCTION,
  forRegistered: true,
  ask(ctx): PromptSpec {
    const [step, kind] = stepParts(ctx);
    if (step === 'target') return { text: msg('moderation:sanction.ask.target'), input: 'text', choices: cancelChoice };
    return { text: msg(`moderation:sanction.ask.${kind === 'ban' ? 'banReason' : 'warnReason'}`), input: 'long-text', choices: cancelChoice };
  },
  async answer(ctx, answer): Promise<Transition> {
    const [step, kind, targetId] = stepParts(ctx) as [string, Kind, string?];
    if (choiceOf(answer) === CANCEL) return toMenu(msg('conversation:cancelled'));
    const refused = await refuse(ctx, ACTION[kind]);
    if (refused) return { ...refused, next: { flow: 'menu', step: 'main' } };
    const text = textOf(answer);
    if (step === 'target') {
      const target = await findTarget(ctx.repos, ctx.region.id, text);
      if (!target) return stay(ctx, msg('moderation:sanction.notFound'));
      return { next: { flow: SANCTION, step: `reason.${kind}.${target.id}` } };
    }
    if (text.length < 3 || text.length > 1000) return stay(ctx, msg('moderation:reasonLength', { min: 3, max: 1000 }));
    const target = await ctx.repos.people.findById(targetId!);
    if (!target) return toMenu(msg('moderation:sanction.notFound'));
    const act = kind === 'ban' ? banPerson : warnPerson;
    const outcome = await act(ctx.repos, ctx.person!, target, text, ctx.services.now(), ctx.services.newId());
    return toMenu(outcomeMessage(outcome, kind === 'ban' ? 'moderation:sanction.bannedDone' : 'moderation:sanction.warnedDone'));
  },
};

/** `/appeal`: a banned person asks for a review of the ban, with their reasons. */
export async function startAppeal(ctx: FlowContext): Promise<Transition> {
  return (await refuse(ctx, 'ban.appeal')) ?? { next: { flow: APPEAL, step: 'text' } };
}

export const appealFlow: Flow = {
  id: APPEAL,
  forRegistered: true,
  ask: () => ({ text: msg('moderation:appeal.ask'), input: 'long-text', choices: cancelChoice }),
  async answer(ctx, answer): Promise<Transition> {
    if (choiceOf(answer) === CANCEL) return toMenu(msg('conversation:cancelled'));
    const text = textOf(answer);
    if (text.length < 10 || text.length > 2000) return stay(ctx, msg('moderation:reasonLength', { min: 10, max: 2000 }));
    const outcome = await appealBan(ctx.repos, ctx.person!, text, ctx.services.now());
    return toMenu(msg(outcome.kind === 'done' ? 'moderation:appeal.sent' : outcome.kind === 'not-banned' ? 'moderation:denied.notBanned' : 'moderation:appeal.already'));
  },
};

async function nextAppeal(ctx: FlowContext, messages: ReturnType<typeof msg>[]): Promise<Transition> {
  const appeal = (await ctx.repos.sanctions.openAppeals(ctx.region.id, 50)).find((s) => s.personId !== ctx.person?.id);
  if (!appeal) return toMenu(...messages, msg('moderation:appeals.none'));
  return { messages, next: { flow: APPEALS, step: `show.${appeal.id}` } };
}

/** `/appeals`: a moderator answers requests to review a ban: lift it or keep it, with a reason. */
export async function startAppeals(ctx: FlowContext): Promise<Transition> {
  return (await refuse(ctx, 'ban.review')) ?? nextAppeal(ctx, []);
}

export const appealsFlow: Flow = {
  id: APPEALS,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id] = stepParts(ctx);
    if (step === 'reason') return { text: msg('moderation:appeals.ask.reason'), input: 'long-text', choices: [{ value: 'back', label: msg('moderation:back') }] };
    const appeal = (await ctx.repos.sanctions.openAppeals(ctx.region.id, 1000)).find((s) => s.id === id);
    const person = appeal ? await ctx.repos.people.findById(appeal.personId) : null;
    if (!appeal || !person) return { text: msg('moderation:appeals.alreadySettled'), choices: [{ value: 'next', label: msg('moderation:next') }] };
    return {
      text: msg('moderation:appeals.show', { name: person.firstName ?? '?', reason: appeal.reason, appeal: appeal.appeal ?? '' }),
      choices: [
        { value: 'lift', label: msg('moderation:appeals.lift') },
        { value: 'keep', label: msg('moderation:appeals.keep') },
        { value: 'stop', label: msg('moderation:stop') },
      ],
    };
  },
  async answer(ctx, answer): Promise<Transition> {
    const refused = await refuse(ctx, 'ban.review');
    if (refused) return { ...refused, next: { flow: 'menu', step: 'main' } };
    const [step, id, verdict] = stepParts(ctx);
    const choice = choiceOf(answer);
    if (step === 'show') {
      if (choice === 'stop') return toMenu(msg('moderation:stopped'));
      if (choice === 'next') return nextAppeal(ctx, []);
      if (choice !== 'lift' && choice !== 'keep') return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: APPEALS, step: `reason.${id}.${choice}` } };
    }
    if (choice === 'back') return { next: { flow: APPEALS, step: `show.${id}` } };
    const reason = textOf(answer);
    if (reason.length < 3 || reason.length > 1000) return stay(ctx, msg('moderation:reasonLength', { min: 3, max: 1000 }));
    const outcome = await settleAppeal(ctx.repos, ctx.person!, id!, verdict === 'lift', reason, ctx.services.now(), ctx.services.newId);
    return nextAppeal(ctx, [outcomeMessage(outcome, verdict === 'lift' ? 'moderation:appeals.lifted' : 'moderation:appeals.kept')]);
  },
};
