import { msg, type Msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { commentOn, reportItem } from './comments.js';
import { choiceOf, settingsOf, stepParts, textOf, toMenu } from './flow-support.js';
import type { Submission } from './ports.js';
import type { Repositories } from '../store.js';
import { versionPhoto } from '../attachments/item-photos.js';

export const READ = 'read';

/** `/read`: published information and experience reports, with their comments; comment, or report this. */
export function startRead(ctx: FlowContext): Transition {
  if (!ctx.person) return stay(ctx, msg('errors:NOT_REGISTERED'));
  return { next: { flow: READ, step: 'list' } };
}

async function titleOf(repos: Repositories, item: Submission): Promise<string> {
  return (await repos.submissions.versions(item.id)).find((v) => v.version === item.version)?.title ?? '';
}

export const readFlow: Flow = {
  id: READ,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id] = stepParts(ctx);
    const back = { value: 'back', label: msg('moderation:back') };
    if (step === 'list') {
      const items = await ctx.repos.submissions.published(ctx.region.id, null, 10);
      if (items.length === 0) return { text: msg('moderation:read.none'), choices: [back] };
      const choices = [];
      for (const item of items) choices.push({ value: item.id, label: msg('moderation:read.option', { kind: msg(`moderation:kind.${item.kind}`), title: await titleOf(ctx.repos, item) }) });
      return { text: msg('moderation:read.header'), choices: [...choices, back] };
    }
    if (step === 'comment') return { text: msg('moderation:read.ask.comment'), input: 'long-text', choices: [back] };
    if (step === 'report') return { text: msg('moderation:read.ask.report'), input: 'long-text', choices: [back] };
    const item = await ctx.repos.submissions.findById(id!);
    const version = item && (await ctx.repos.submissions.versions(item.id)).find((v) => v.version === item.version);
    if (!item || !version || item.status !== 'published') return { text: msg('moderation:read.gone'), choices: [back] };
    const comments: Msg[] = [];
    // Each comment can be opened on its own, to report it (post-moderation relies on that).
    const openComment = [];
    for (const c of await ctx.repos.submissions.published(ctx.region.id, item.id, 20)) {
      const body = (await ctx.repos.submissions.versions(c.id)).find((v) => v.version === c.version)?.body ?? '';
      comments.push(msg('moderation:read.commentLine', { body }));
      openComment.push({ value: `c:${c.id}`, label: msg('moderation:read.openComment', { n: comments.length, excerpt: body.length > 40 ? `${body.slice(0, 40)}…` : body }) });
    }
    const commentChoices = item.parentId ? [] : [{ value: 'comment', label: msg('moderation:read.comment') }, ...openComment];
    const image = await versionPhoto(ctx.repos, item.id, item.version, version.title);
    return {
      ...(image ? { image } : {}),
      text: msg('moderation:read.item', {
        kind: msg(`moderation:kind.${item.kind}`),
        topic: item.topic ? msg(`moderation:topic.${item.topic}`) : '–',
        title: version.title,
        body: version.body,
        comments: comments.length ? comments : msg('moderation:read.noComments'),
      }),
      choices: [...commentChoices, { value: 'report', label: msg('moderation:read.report') }, back],
    };
  },
  async answer(ctx, answer): Promise<Transition> {
    const [step, id] = stepParts(ctx);
    const choice = choiceOf(answer);
    if (step === 'list') {
      if (choice === 'back') return toMenu();
      if (!choice) return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: READ, step: `item.${choice}` } };
    }
    if (step === 'item') {
      if (choice === 'back') return { next: { flow: READ, step: 'list' } };
      if (choice?.startsWith('c:')) return { next: { flow: READ, step: `item.${choice.slice(2)}` } };
      if (choice === 'comment') return (await refuse(ctx, 'item.comment')) ?? { next: { flow: READ, step: `comment.${id}` } };
      if (choice === 'report') return (await refuse(ctx, 'item.report')) ?? { next: { flow: READ, step: `report.${id}` } };
      return stay(ctx, msg('conversation:pickOne'));
    }
    if (choice === 'back') return { next: { flow: READ, step: `item.${id}` } };
    const text = textOf(answer);
    if (text.length < 3) return stay(ctx, msg('moderation:reasonLength', { min: 3, max: 2000 }));
    const newId = ctx.services.newId();
    if (step === 'comment') {
      const outcome = await commentOn(ctx.repos, ctx.person!, id!, text, settingsOf(ctx), ctx.services.now(), newId);
      if (outcome.kind === 'not-allowed') return { ...((await refuse(ctx, 'item.comment')) ?? toMenu()), next: { flow: READ, step: `item.${id}` } };
      const said = outcome.kind === 'published' ? 'moderation:read.commented' : outcome.kind === 'pending' ? 'moderation:read.commentPending' : 'moderation:read.gone';
      return { messages: [msg(said)], next: { flow: READ, step: `item.${id}` } };
    }
    const outcome = await reportItem(ctx.repos, ctx.person!, id!, text, ctx.services.now(), newId);
    if (outcome.kind === 'not-allowed') return { ...((await refuse(ctx, 'item.report')) ?? toMenu()), next: { flow: READ, step: 'list' } };
    return { messages: [msg(outcome.kind === 'reported' ? 'moderation:read.reported' : outcome.kind === 'already' ? 'moderation:read.alreadyReported' : 'moderation:read.gone')], next: { flow: READ, step: 'list' } };
  },
};
