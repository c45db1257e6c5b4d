import { msg, type Msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { choiceOf, settingsOf, stepParts, textOf, toMenu } from './flow-support.js';
import { itemRef, reviseItem } from './submissions.js';
import { refuse } from '../roles/access.js';
import { keepDraftPhoto, photoQuestionParams, photosHere, versionPhoto } from '../attachments/item-photos.js';

export const MY_ITEMS = 'my-items';
const KEEP = 'keep';

/** `/mine`: a submitter sees the state of their items and revises a returned (yellow) one. */
export async function startMyItems(ctx: FlowContext): Promise<Transition> {
  if (!ctx.person) return stay(ctx, msg('errors:NOT_REGISTERED'));
  return { next: { flow: MY_ITEMS, step: 'list' } };
}

async function itemLines(ctx: FlowContext, id: string): Promise<Msg[]> {
  const versions = await ctx.repos.submissions.versions(id);
  const decisions = await ctx.repos.submissions.decisions(id);
  return versions.map((v) => {
    const decision = decisions.filter((d) => d.version === v.version).at(-1);
    return msg('moderation:mine.version', {
      version: v.version,
      title: v.title,
      state: decision ? msg(`moderation:verdict.${decision.verdict}`) : msg('moderation:mine.inReview'),
      reason: decision?.reason ?? '',
    });
  });
}

export const myItemsFlow: Flow = {
  id: MY_ITEMS,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id] = stepParts(ctx);
    if (step === 'list') {
      const items = await ctx.repos.submissions.byAuthor(ctx.person!.id, 20);
      if (items.length === 0) return { text: msg('moderation:mine.none'), choices: [{ value: 'back', label: msg('moderation:back') }] };
      const choices = [];
      for (const item of items) {
        const title = (await ctx.repos.submissions.versions(item.id)).find((v) => v.version === item.version)?.title ?? '';
        choices.push({ value: item.id, label: msg('moderation:mine.item', { ref: itemRef(item.id), title, state: msg(`moderation:status.${item.status}`) }) });
      }
      return { text: msg('moderation:mine.header'), choices: [...choices, { value: 'back', label: msg('moderation:back') }] };
    }
    const item = await ctx.repos.submissions.findById(id!);
    if (step === 'item') {
      const lines = await itemLines(ctx, id!);
      const choices = item?.status === 'returned' ? [{ value: 'revise', label: msg('moderation:mine.revise') }] : [];
      return { text: msg('moderation:mine.detail', { ref: itemRef(id!), state: msg(`moderation:status.${item?.status ?? 'withdrawn'}`), versions: lines }), choices: [...choices, { value: 'back', label: msg('moderation:back') }] };
    }
    if (step === 'title') return { text: msg('moderation:mine.ask.title'), input: 'text', choices: [{ value: KEEP, label: msg('moderation:mine.keepTitle') }] };
    if (step === 'photo') {
      // A revision keeps the photo, drops it, or takes a new one.
      const current = item ? await versionPhoto(ctx.repos, item.id, item.version, String(ctx.state.data?.title ?? '')) : undefined;
      return {
        text: msg('attachments:ask.revise', photoQuestionParams(ctx)),
        acceptsImage: true,
        ...(current ? { image: current } : {}),
        choices: [
          { value: KEEP, label: msg('attachments:keep') },
          { value: 'remove', label: msg('attachments:remove') },
        ],
      };
    }
    return { text: msg('moderation:mine.ask.body'), input: 'long-text' };
  },
  async answer(ctx, answer): Promise<Transition> {
    const [step, id] = stepParts(ctx);
    const choice = choiceOf(answer);
    if (choice === 'back') return step === 'list' ? toMenu() : { next: { flow: MY_ITEMS, step: 'list' } };
    if (step === 'list') {
      if (!choice) return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: MY_ITEMS, step: `item.${choice}` } };
    }
    if (step === 'item') {
      if (choice !== 'revise') return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: MY_ITEMS, step: `title.${id}` } };
    }
    if (step === 'title') {
      const title = textOf(answer);
      if (choice !== KEEP && (title.length < 3 || title.length > 120)) return stay(ctx, msg('moderation:submit.invalid.title', { min: 3, max: 120 }));
      return { next: { flow: MY_ITEMS, step: `body.${id}`, data: choice === KEEP ? {} : { title } } };
    }
    const item = await ctx.repos.submissions.findById(id!);
    const current = item ? (await ctx.repos.submissions.versions(id!)).find((v) => v.version === item.version) : undefined;
    const title = (ctx.state.data?.title as string | undefined) ?? current?.title ?? '';
    let photo: string = KEEP;
    let body = String(ctx.state.data?.body ?? '');
    if (step === 'body') {
      body = textOf(answer);
      if (body.length < 20) return stay(ctx, msg('moderation:submit.invalid.body', { min: 20, max: 2000 }));
      // An item with a photo asks next whether to keep, remove or replace it (where the channel takes photos; elsewhere it stays).
      if (photosHere(ctx) && item && (await ctx.repos.attachments.forVersion(item.id, item.version))) return { next: { flow: MY_ITEMS, step: `photo.${id}`, data: { ...ctx.state.data, title, body } } };
    } else if (answer.type === 'image') {
      photo = await keepDraftPhoto(ctx, answer.image);
    } else if (choice === 'remove' || choice === 'skip') {
      photo = 'remove';
    } else if (choice !== KEEP) {
      return stay(ctx, msg('attachments:sendOrSkip'));
    }
    const outcome = await reviseItem(ctx.repos, ctx.person!, id!, title, body, settingsOf(ctx).wordLists, ctx.services.now());
    switch (outcome.kind) {
      case 'revised':
        if (photo === KEEP) await ctx.repos.attachments.copy(id!, outcome.version - 1, outcome.version, ctx.services.newId());
        else if (photo !== 'remove') await ctx.repos.attachments.attach(photo, ctx.person!.id, id!, outcome.version);
        return toMenu(msg('moderation:mine.resubmitted', { ref: itemRef(id!), version: outcome.version }));
      case 'not-allowed':
        return { ...((await refuse(ctx, 'item.revise')) ?? toMenu()), next: { flow: 'menu', step: 'main' } };
      default:
        return toMenu(msg('moderation:mine.cannotRevise'));
    }
  },
};
