import { msg } from '../messages.js';
import type { Answer, Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { COMMON_LANGUAGES } from '../registration/steps-interests.js';
import { refuse } from '../roles/access.js';
import { choiceOf, settingsOf, textOf, toMenu } from './flow-support.js';
import type { SubmissionKind } from './ports.js';
import { itemRef, submitItem } from './submissions.js';
import { TOPICS } from './settings.js';
import { keepDraftPhoto, photoQuestionParams, photosHere } from '../attachments/item-photos.js';

export const SUBMIT = 'submit';
const KINDS: SubmissionKind[] = ['report', 'information'];
const SKIP = 'skip';
const REMOVE_PHOTO = 'remove-photo';
const ORDER = ['kind', 'title', 'body', 'topic', 'language', 'place', 'confirm'] as const;
type Step = (typeof ORDER)[number];

interface Draft {
  kind?: SubmissionKind;
  title?: string;
  body?: string;
  topic?: string;
  language?: string;
  place?: string | null;
  /** The id of a photo waiting in the draft (see core/attachments). */
  photo?: string | null;
}

const draftOf = (ctx: FlowContext) => (ctx.state.data ?? {}) as Draft;
const go = (draft: Draft, step: Step): Transition => ({ next: { flow: SUBMIT, step, data: draft as Record<string, unknown> } });

/** `/submit`: a writer submits an experience report or information; nothing is published before review. */
export async function startSubmit(ctx: FlowContext): Promise<Transition> {
  return (await refuse(ctx, 'item.submit')) ?? go({}, 'kind');
}

async function ask(ctx: FlowContext): Promise<PromptSpec> {
  const draft = draftOf(ctx);
  switch (ctx.state.step as Step) {
    case 'kind':
      return { text: msg('moderation:submit.ask.kind'), choices: KINDS.map((k) => ({ value: k, label: msg(`moderation:kind.${k}`) })) };
    case 'title':
      return { text: msg('moderation:submit.ask.title'), input: 'text' };
    case 'body':
      return { text: msg('moderation:submit.ask.body'), input: 'long-text' };
    case 'topic':
      return { text: msg('moderation:submit.ask.topic'), choices: TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`) })) };
    case 'language': {
      const codes = [ctx.locale, ...COMMON_LANGUAGES.filter((c) => c !== ctx.locale)];
      return { text: msg('moderation:submit.ask.language'), choices: codes.map((code) => ({ value: code, label: msg('registration:languageOption', { language: { language: code }, code }) })) };
    }
    case 'place':
      return { text: msg('moderation:submit.ask.place'), input: 'place', choices: [{ value: SKIP, label: msg('moderation:skip') }] };
    case 'confirm': {
      const photo = draft.photo ? await ctx.repos.attachments.find(draft.photo) : null;
      const summary = msg('moderation:submit.summary', {
        kind: msg(`moderation:kind.${draft.kind}`),
        title: draft.title!,
        body: draft.body!,
        topic: msg(`moderation:topic.${draft.topic}`),
        language: { language: draft.language! },
        place: draft.place || msg('registration:summary.none'),
      });
      // Where the channel takes photos, the summary offers to add one (optional: Send goes without).
      const offer = photosHere(ctx);
      return {
        text: offer ? msg(photo ? 'attachments:confirm.withPhoto' : 'attachments:confirm.offer', { summary, ...photoQuestionParams(ctx) }) : summary,
        choices: [
          { value: 'send', label: msg('moderation:submit.send') },
          ...(photo ? [{ value: REMOVE_PHOTO, label: msg('attachments:remove') }] : []),
          { value: 'discard', label: msg('moderation:submit.discard') },
        ],
        ...(offer ? { acceptsImage: true } : {}),
        ...(photo ? { image: { id: photo.id, mediaType: photo.mediaType, size: photo.size, caption: msg('attachments:caption', { title: draft.title! }) } } : {}),
      };
    }
  }
}

async function answer(ctx: FlowContext, a: Answer): Promise<Transition> {
  const draft = { ...draftOf(ctx) };
  const step = ctx.state.step as Step;
  const text = textOf(a);
  const choice = choiceOf(a);
  switch (step) {
    case 'kind':
      if (!KINDS.includes(choice as SubmissionKind)) return stay(ctx, msg('conversation:pickOne'));
      draft.kind = choice as SubmissionKind;
      break;
    case 'title':
      if (text.length < 3 || text.length > 120) return stay(ctx, msg('moderation:submit.invalid.title', { min: 3, max: 120 }));
      draft.title = text;
      break;
    case 'body':
      if (text.length < 20) return stay(ctx, msg('moderation:submit.invalid.body', { min: 20, max: 2000 }));
      draft.body = text;
      break;
    case 'topic':
      if (!choice) return stay(ctx, msg('conversation:pickOne'));
      draft.topic = choice;
      break;
    case 'language':
      if (!choice) return stay(ctx, msg('conversation:pickOne'));
      draft.language = choice;
      break;
    case 'place':
      draft.place = choice === SKIP ? null : text.slice(0, 120) || null;
      break;
    case 'confirm': {
      // A photo (again) replaces the one in the draft; the summary shows it before sending.
      if (a.type === 'image') return { ...go({ ...draft, photo: await keepDraftPhoto(ctx, a.image) }, 'confirm'), messages: [msg('attachments:received')] };
      if (choice === REMOVE_PHOTO) return { ...go({ ...draft, photo: null }, 'confirm'), messages: [msg('attachments:removed')] };
      if (choice === 'discard') return toMenu(msg('moderation:submit.discarded'));
      if (choice !== 'send') return stay(ctx, msg('conversation:pickOne'));
      const id = ctx.services.newId();
      const outcome = await submitItem(
        ctx.repos,
        ctx.person!,
        { kind: draft.kind!, title: draft.title!, body: draft.body!, topic: draft.topic!, language: draft.language!, placeName: draft.place ?? null },
        settingsOf(ctx).wordLists,
        ctx.services.now(),
        id,
      );
      if (outcome.kind === 'not-allowed') return (await refuse(ctx, 'item.submit')) ?? toMenu();
      if (draft.photo && !(await ctx.repos.attachments.attach(draft.photo, ctx.person!.id, id, 1))) return toMenu(msg('attachments:lost'), msg('moderation:submit.sent', { title: draft.title!, ref: itemRef(id) }));
      return toMenu(msg('moderation:submit.sent', { title: draft.title!, ref: itemRef(id) }));
    }
  }
  return go(draft, ORDER[ORDER.indexOf(step) + 1]!);
}

export const submitFlow: Flow = { id: SUBMIT, forRegistered: true, ask, answer };
