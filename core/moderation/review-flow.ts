import { msg, type Msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { choiceOf, historyMessage, stepParts, textOf, toMenu } from './flow-support.js';
import type { Flag, Verdict } from './ports.js';
import { decideItem, itemRef } from './submissions.js';
import { reviewDetails } from '../board/board-view.js';
import { versionPhoto } from '../attachments/item-photos.js';

export const REVIEW = 'review';

/** The oldest item waiting for review that the moderator did not write, or the menu. */
async function nextItem(ctx: FlowContext, messages: Msg[]): Promise<Transition> {
  const item = (await ctx.repos.submissions.queue(ctx.region.id, 50)).find((s) => s.authorId !== ctx.person?.id);
  if (!item) return toMenu(...messages, msg('moderation:review.none'));
  return { messages, next: { flow: REVIEW, step: `show.${item.id}.${item.version}` } };
}

/** `/review`: a moderator works through the queue, oldest first: Green, Yellow (with notes) or Red (with a reason). */
export async function startReview(ctx: FlowContext): Promise<Transition> {
  return (await refuse(ctx, 'item.review')) ?? nextItem(ctx, []);
}

export function flagMessages(flags: Flag[]): Msg {
  if (flags.length === 0) return msg('moderation:review.noFlags');
  return msg('moderation:review.flags', { flags: flags.map((f) => msg(`moderation:flag.${f.code}`, { match: f.match, list: f.list ? { language: f.list } : '' })) });
}

export const reviewFlow: Flow = {
  id: REVIEW,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id, version] = stepParts(ctx);
    if (step === 'notes') return { text: msg('moderation:review.ask.notes'), input: 'long-text', choices: [{ value: 'back', label: msg('moderation:back') }] };
    if (step === 'reason') return { text: msg('moderation:review.ask.reason'), input: 'long-text', choices: [{ value: 'back', label: msg('moderation:back') }] };
    const item = await ctx.repos.submissions.findById(id!);
    const versions = await ctx.repos.submissions.versions(id!);
    const shown = versions.find((v) => v.version === Number(version));
    if (!item || !shown) return { text: msg('moderation:review.gone'), choices: [{ value: 'next', label: msg('moderation:next') }] };
    const author = item.authorId ? await ctx.repos.people.findById(item.authorId) : null;
    const history = author
      ? historyMessage(await ctx.repos.submissions.countsByAuthor(author.id), (await ctx.repos.sanctions.forPerson(author.id)).filter((s) => s.kind === 'warning').length, author.createdAt, ctx.region.timeZone)
      : msg('moderation:history.deleted');
    const earlier = (await ctx.repos.submissions.decisions(id!)).filter((d) => d.version < shown.version && d.reason);
    const image = await versionPhoto(ctx.repos, item.id, shown.version, shown.title);
    return {
      ...(image ? { image } : {}),
      text: msg('moderation:review.show', {
        ref: itemRef(item.id),
        kind: msg(`moderation:kind.${item.kind}`),
        topic: item.topic ? msg(`moderation:topic.${item.topic}`) : '–',
        language: { language: shown.language },
        version: shown.version,
        title: shown.title,
        body: shown.body,
        // An event, training, need or offer shows its own fields here (when, where, who, how many).
        place: reviewDetails(item.kind, await ctx.repos.board.find(item.id), ctx.region.timeZone) ?? item.placeName ?? '–',
        history,
        flags: flagMessages(shown.flags),
        earlier: earlier.length ? earlier.map((d) => msg('moderation:review.earlier', { version: d.version, reason: d.reason! })) : '–',
      }),
      choices: [
        { value: 'green', label: msg('moderation:review.green') },
        { value: 'yellow', label: msg('moderation:review.yellow') },
        { value: 'red', label: msg('moderation:review.red') },
        { value: 'stop', label: msg('moderation:stop') },
      ],
    };
  },
  async answer(ctx, answer): Promise<Transition> {
    const refused = await refuse(ctx, 'item.review');
    if (refused) return { ...refused, next: { flow: 'menu', step: 'main' } };
    const [step, id, version] = stepParts(ctx);
    const choice = choiceOf(answer);
    if (step === 'show') {
      if (choice === 'stop') return toMenu(msg('moderation:stopped'));
      if (choice === 'next') return nextItem(ctx, []);
      if (choice === 'green') return decide(ctx, id!, Number(version), 'green', null);
      if (choice === 'yellow') return { next: { flow: REVIEW, step: `notes.${id}.${version}` } };
      if (choice === 'red') return { next: { flow: REVIEW, step: `reason.${id}.${version}` } };
      return stay(ctx, msg('conversation:pickOne'));
    }
    if (choice === 'back') return { next: { flow: REVIEW, step: `show.${id}.${version}` } };
    const reason = textOf(answer);
    if (reason.length < 3) return stay(ctx, msg('moderation:reasonLength', { min: 3, max: 2000 }));
    return decide(ctx, id!, Number(version), step === 'notes' ? 'yellow' : 'red', reason);
  },
};

async function decide(ctx: FlowContext, id: string, version: number, verdict: Verdict, reason: string | null): Promise<Transition> {
  const outcome = await decideItem(ctx.repos, ctx.person!, id, version, verdict, reason, ctx.services.now(), ctx.services.newId);
  switch (outcome.kind) {
    case 'decided':
      return nextItem(ctx, [msg(`moderation:review.done.${verdict}`, { ref: itemRef(id) })]);
    case 'already-decided':
      return nextItem(ctx, [msg('moderation:review.alreadyDecided', { ref: itemRef(id), verdict: msg(`moderation:verdict.${outcome.decision.verdict}`) })]);
    case 'own':
      return nextItem(ctx, [msg('moderation:review.own')]);
    case 'illegal':
      return nextItem(ctx, [msg('moderation:review.illegal', { ref: itemRef(id), state: msg(`moderation:status.${outcome.status}`) })]);
    case 'not-allowed':
      return (await refuse(ctx, 'item.review')) ?? toMenu();
    default:
      return nextItem(ctx, [msg('moderation:review.gone')]);
  }
}
