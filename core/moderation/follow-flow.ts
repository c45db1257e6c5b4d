import { msg } from '../messages.js';
import type { Flow, FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { toMenu } from './flow-support.js';
import { TOPICS } from './settings.js';

export const FOLLOW = 'follow';

/** `/follow`: the topics a person wants to hear of when something is published. */
export function startFollow(ctx: FlowContext): Transition {
  if (!ctx.person) return stay(ctx, msg('errors:NOT_REGISTERED'));
  return { next: { flow: FOLLOW, step: 'topics' } };
}

export const followFlow: Flow = {
  id: FOLLOW,
  forRegistered: true,
  async ask(ctx) {
    const current = await ctx.repos.people.topics(ctx.person!.id);
    return { text: msg('moderation:follow.ask'), multiple: true, choices: TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`), selected: current.includes(t) })) };
  },
  async answer(ctx, answer) {
    if (answer.type !== 'choice') return stay(ctx, msg('conversation:pickOne'));
    await ctx.repos.people.setTopics(ctx.person!.id, answer.values);
    return toMenu(msg(answer.values.length ? 'moderation:follow.saved' : 'moderation:follow.none', { topics: answer.values.map((t) => msg(`moderation:topic.${t}`)) }));
  },
};
