import { msg } from '../messages.js';
import type { Flow, FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { choiceOf, settingsOf, textOf, toMenu } from '../moderation/flow-support.js';
import { refuse } from './access.js';
import { checkRoleRequest, requestRole } from './role-requests.js';

export const ROLE_REQUEST = 'role-request';
const CANCEL = 'cancel';

/** `/request`: ask for the next right (commenter, then writer), with a reason. */
export async function startRoleRequest(ctx: FlowContext): Promise<Transition> {
  const refused = await refuse(ctx, 'role.request');
  if (refused) return refused;
  const check = await checkRoleRequest(ctx.repos, ctx.person!, ctx.services.now(), settingsOf(ctx).roleRequestWaitDays);
  switch (check.kind) {
    case 'highest':
      return stay(ctx, msg('moderation:request.highest'));
    case 'pending':
      return stay(ctx, msg('moderation:request.pending', { role: msg(`moderation:role.${check.role}`) }));
    case 'too-early':
      return stay(ctx, msg('moderation:request.tooEarly', { role: msg(`moderation:role.${check.role}`), from: { dateTime: check.from, timeZone: ctx.region.timeZone } }));
    case 'may':
      return { next: { flow: ROLE_REQUEST, step: 'reason', data: { role: check.role } } };
  }
}

export const roleRequestFlow: Flow = {
  id: ROLE_REQUEST,
  forRegistered: true,
  ask: (ctx) => ({
    text: msg('moderation:request.ask', { role: msg(`moderation:role.${String(ctx.state.data?.role)}`) }),
    input: 'long-text',
    choices: [{ value: CANCEL, label: msg('moderation:cancel') }],
  }),
  answer: async (ctx, answer) => {
    if (choiceOf(answer) === CANCEL) return toMenu(msg('conversation:cancelled'));
    const refused = await refuse(ctx, 'role.request');
    if (refused) return { ...refused, next: { flow: 'menu', step: 'main' } };
    const reason = textOf(answer);
    if (reason.length < 10 || reason.length > 1000) return stay(ctx, msg('moderation:reasonLength', { min: 10, max: 1000 }));
    const outcome = await requestRole(ctx.repos, ctx.person!, reason, ctx.services.now(), settingsOf(ctx).roleRequestWaitDays, ctx.services.newId());
    if (outcome.kind === 'may') return toMenu(msg('moderation:request.sent', { role: msg(`moderation:role.${outcome.role}`) }));
    // Decided elsewhere meanwhile (another channel of the same person): say what holds now.
    return toMenu(msg(outcome.kind === 'pending' ? 'moderation:request.pending' : 'moderation:request.highest', outcome.kind === 'pending' ? { role: msg(`moderation:role.${outcome.role}`) } : undefined));
  },
};
