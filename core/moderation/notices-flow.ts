import { msg } from '../messages.js';
import type { Flow, FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { actorOf } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import { choiceOf, toMenu } from './flow-support.js';

export const NOTICES = 'notices';

async function refused(ctx: FlowContext): Promise<Transition | null> {
  if (!ctx.person) return stay(ctx, msg('errors:NOT_REGISTERED'));
  if (authorize(await actorOf(ctx.repos, ctx.person), 'notices.manage', { regionId: ctx.person.regionId })) return null;
  await ctx.repos.audit.append({ actorId: ctx.person.id, action: 'access.denied', subjectType: 'action', subjectId: 'notices.manage', details: { channel: ctx.event.channel, status: ctx.person.status } });
  return stay(ctx, msg('moderation:notices.denied'));
}

/** `/notices`: a moderator switches the notices about items waiting for review on or off. */
export async function startNotices(ctx: FlowContext): Promise<Transition> {
  return (await refused(ctx)) ?? { next: { flow: NOTICES, step: 'ask' } };
}

export const noticesFlow: Flow = {
  id: NOTICES,
  forRegistered: true,
  async ask(ctx) {
    const on = await ctx.repos.moderatorNotices.enabled(ctx.person!.id);
    return {
      text: msg(on ? 'moderation:notices.isOn' : 'moderation:notices.isOff'),
      choices: [
        { value: 'on', label: msg('moderation:notices.on') },
        { value: 'off', label: msg('moderation:notices.off') },
      ],
    };
  },
  async answer(ctx, answer) {
    const denied = await refused(ctx);
    if (denied) return { ...denied, next: { flow: 'menu', step: 'main' } };
    const value = choiceOf(answer);
    if (value !== 'on' && value !== 'off') return stay(ctx, msg('conversation:pickOne'));
    await ctx.repos.moderatorNotices.setEnabled(ctx.person!.id, value === 'on');
    await ctx.repos.audit.append({ actorId: ctx.person!.id, action: `notices.${value}`, subjectType: 'person', subjectId: ctx.person!.id });
    return toMenu(msg(value === 'on' ? 'moderation:notices.switchedOn' : 'moderation:notices.switchedOff'));
  },
};
