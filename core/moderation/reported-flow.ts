import { msg, type Msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { resolveReports } from './comments.js';
import { choiceOf, stepParts, textOf, toMenu } from './flow-support.js';
import { itemRef } from './submissions.js';

export const REPORTED = 'reported';

async function nextReported(ctx: FlowContext, messages: Msg[]): Promise<Transition> {
  for (const id of await ctx.repos.abuseReports.openItems(ctx.region.id, 50)) {
    const item = await ctx.repos.submissions.findById(id);
    if (item && item.authorId !== ctx.person?.id) return { messages, next: { flow: REPORTED, step: `show.${id}` } };
  }
  return toMenu(...messages, msg('moderation:reported.none'));
}

/** `/reported`: a moderator looks at published items someone reported: keep, or take down with a reason. */
export async function startReported(ctx: FlowContext): Promise<Transition> {
  return (await refuse(ctx, 'item.review')) ?? nextReported(ctx, []);
}

export const reportedFlow: Flow = {
  id: REPORTED,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id] = stepParts(ctx);
    if (step === 'reason') return { text: msg('moderation:reported.ask.reason'), input: 'long-text', choices: [{ value: 'back', label: msg('moderation:back') }] };
    const item = await ctx.repos.submissions.findById(id!);
    const version = item && (await ctx.repos.submissions.versions(item.id)).find((v) => v.version === item.version);
    const reports = await ctx.repos.abuseReports.openFor(id!);
    if (!item || !version || reports.length === 0) return { text: msg('moderation:reported.gone'), choices: [{ value: 'next', label: msg('moderation:next') }] };
    return {
      text: msg('moderation:reported.show', { ref: itemRef(item.id), kind: msg(`moderation:kind.${item.kind}`), title: version.title, body: version.body, reports: reports.map((r) => r.reason) }),
      choices: [
        { value: 'keep', label: msg('moderation:reported.keep') },
        { value: 'remove', label: msg('moderation:reported.remove') },
        { value: 'stop', label: msg('moderation:stop') },
      ],
    };
  },
  async answer(ctx, answer): Promise<Transition> {
    const refused = await refuse(ctx, 'item.review');
    if (refused) return { ...refused, next: { flow: 'menu', step: 'main' } };
    const [step, id] = stepParts(ctx);
    const choice = choiceOf(answer);
    if (step === 'show') {
      if (choice === 'stop') return toMenu(msg('moderation:stopped'));
      if (choice === 'next') return nextReported(ctx, []);
      if (choice === 'keep') return resolve(ctx, id!, false, '');
      if (choice === 'remove') return { next: { flow: REPORTED, step: `reason.${id}` } };
      return stay(ctx, msg('conversation:pickOne'));
    }
    if (choice === 'back') return { next: { flow: REPORTED, step: `show.${id}` } };
    const reason = textOf(answer);
    if (reason.length < 3) return stay(ctx, msg('moderation:reasonLength', { min: 3, max: 2000 }));
    return resolve(ctx, id!, true, reason);
  },
};

async function resolve(ctx: FlowContext, id: string, remove: boolean, reason: string): Promise<Transition> {
  const outcome = await resolveReports(ctx.repos, ctx.person!, id, remove, reason, ctx.services.now(), ctx.services.newId);
  const said = { kept: 'moderation:reported.kept', removed: 'moderation:reported.removed', 'already-resolved': 'moderation:reported.alreadyResolved', own: 'moderation:review.own' } as Record<string, string>;
  if (outcome.kind === 'not-allowed') return (await refuse(ctx, 'item.review')) ?? toMenu();
  return nextReported(ctx, [msg(said[outcome.kind] ?? 'moderation:reported.gone', { ref: itemRef(id) })]);
}
