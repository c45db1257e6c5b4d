import { msg, type Msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { choiceOf, historyMessage, stepParts, textOf, toMenu } from '../moderation/flow-support.js';
import { refuse } from './access.js';
import { decideRoleRequest } from './role-requests.js';

export const ROLE_DECISIONS = 'role-decisions';

/** The oldest open request of the region, or the menu when there is none. */
async function nextRequest(ctx: FlowContext, messages: Msg[]): Promise<Transition> {
  // Nobody decides their own request.
  const request = (await ctx.repos.roleRequests.pending(ctx.region.id, 50)).find((r) => r.personId !== ctx.person?.id);
  if (!request) return toMenu(...messages, msg('moderation:requests.none'));
  return { messages, next: { flow: ROLE_DECISIONS, step: `show.${request.id}` } };
}

/** `/requests`: a moderator decides role requests, oldest first, each with a reason. */
export async function startRoleDecisions(ctx: FlowContext): Promise<Transition> {
  return (await refuse(ctx, 'role.decide')) ?? nextRequest(ctx, []);
}

export const roleDecisionsFlow: Flow = {
  id: ROLE_DECISIONS,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id, verdict] = stepParts(ctx);
    if (step === 'reason') return { text: msg(`moderation:requests.ask.${verdict === 'approve' ? 'approve' : 'decline'}`), input: 'long-text', choices: [{ value: 'back', label: msg('moderation:back') }] };
    const request = await ctx.repos.roleRequests.findById(id!);
    const person = request ? await ctx.repos.people.findById(request.personId) : null;
    if (!request || !person) return { text: msg('moderation:requests.gone'), choices: [{ value: 'next', label: msg('moderation:next') }] };
    const history = historyMessage(await ctx.repos.submissions.countsByAuthor(person.id), (await ctx.repos.sanctions.forPerson(person.id)).filter((s) => s.kind === 'warning').length, person.createdAt, ctx.region.timeZone);
    return {
      text: msg('moderation:requests.show', { name: person.firstName ?? '?', role: msg(`moderation:role.${request.role}`), reason: request.reason, history }),
      choices: [
        { value: 'approve', label: msg('moderation:requests.approve') },
        { value: 'decline', label: msg('moderation:requests.decline') },
        { value: 'stop', label: msg('moderation:stop') },
      ],
    };
  },
  async answer(ctx, answer): Promise<Transition> {
    const refused = await refuse(ctx, 'role.decide');
    if (refused) return { ...refused, next: { flow: 'menu', step: 'main' } };
    const [step, id, verdict] = stepParts(ctx);
    const choice = choiceOf(answer);
    if (step === 'show') {
      if (choice === 'stop') return toMenu(msg('moderation:stopped'));
      if (choice === 'next') return nextRequest(ctx, []);
      if (choice !== 'approve' && choice !== 'decline') return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: ROLE_DECISIONS, step: `reason.${id}.${choice}` } };
    }
    if (choice === 'back') return { next: { flow: ROLE_DECISIONS, step: `show.${id}` } };
    const reason = textOf(answer);
    if (reason.length < 3 || reason.length > 1000) return stay(ctx, msg('moderation:reasonLength', { min: 3, max: 1000 }));
    const outcome = await decideRoleRequest(ctx.repos, ctx.person!, id!, verdict === 'approve', reason, ctx.services.now(), ctx.services.newId);
    switch (outcome.kind) {
      case 'decided':
        return nextRequest(ctx, [msg(`moderation:requests.done.${outcome.request.status}`, { role: msg(`moderation:role.${outcome.request.role}`) })]);
      case 'already-decided':
        return nextRequest(ctx, [msg('moderation:requests.alreadyDecided', { status: msg(`moderation:requests.status.${outcome.status}`) })]);
      case 'own':
        return nextRequest(ctx, [msg('moderation:requests.own')]);
      default:
        return nextRequest(ctx, [msg('moderation:requests.gone')]);
    }
  },
};
