import { msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { DEFAULT_MODERATION } from '../moderation/settings.js';
import { itemRef, submitItem } from '../moderation/submissions.js';
import { choiceOf } from './onboarding.js';

export const TRANSLATE = 'translate';

interface TranslationDraft {
  groupId: string;
  language?: string;
  title?: string;
}

const toMenu = (...messages: Transition['messages'] & object): Transition => ({ messages, next: { flow: 'menu', step: 'main' } });

/** The information item a command names by its reference (`/translate 3f9a2c1b`), as the first of its group. */
async function itemOf(ctx: FlowContext) {
  const ref = ctx.event.input.type === 'command' ? (ctx.event.input.args ?? '').trim() : '';
  const item = /^[0-9a-f]{4,36}$/i.test(ref) ? await ctx.repos.submissions.findByRef(ctx.region.id, ref) : null;
  if (!item || item.kind !== 'information' || item.parentId) return null;
  return { item, groupId: (await ctx.repos.information.groupOf(item.id))?.groupId ?? item.id };
}

/**
 * `/translate <ref>`: a writer adds a language version to an information item.
 * It is its own submission in the item's group and goes through the
 * traffic-light review on its own; once published, followers reading that
 * language get it.
 */
export async function startTranslate(ctx: FlowContext): Promise<Transition> {
  const denied = await refuse(ctx, 'item.submit');
  if (denied) return denied;
  const found = await itemOf(ctx);
  if (!found) return stay(ctx, msg('information:translate.usage'));
  return { next: { flow: TRANSLATE, step: 'language', data: { groupId: found.groupId } } };
}

/** `/urgent <ref>`: a moderator marks an information item (all its languages) urgent: followers get it even in quiet hours. */
export async function markUrgent(ctx: FlowContext): Promise<Transition> {
  const denied = await refuse(ctx, 'item.review');
  if (denied) return denied;
  const found = await itemOf(ctx);
  if (!found) return stay(ctx, msg('information:urgentCommand.usage'));
  await ctx.repos.information.setUrgent(found.groupId, true);
  await ctx.repos.audit.append({ actorId: ctx.person!.id, action: 'information.urgent', subjectType: 'submission', subjectId: found.groupId });
  return stay(ctx, msg('information:urgentCommand.done', { ref: itemRef(found.groupId) }));
}

export const translateFlow: Flow = {
  id: TRANSLATE,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const draft = ctx.state.data as unknown as TranslationDraft;
    const back = { value: 'back', label: msg('information:back') };
    if (ctx.state.step === 'language') {
      const existing = new Set((await ctx.repos.information.group(draft.groupId)).map((v) => v.language));
      const codes = ctx.services.locales.map((l) => l.code).filter((c) => !existing.has(c));
      return { text: msg('information:translate.ask.language'), choices: [...codes.map((code) => ({ value: code, label: msg('registration:languageOption', { language: { language: code }, code }) })), back] };
    }
    if (ctx.state.step === 'title') return { text: msg('information:translate.ask.title'), input: 'text', choices: [back] };
    return { text: msg('information:translate.ask.body'), input: 'long-text', choices: [back] };
  },
  async answer(ctx, answer): Promise<Transition> {
    const draft = ctx.state.data as unknown as TranslationDraft;
    const value = choiceOf(answer);
    if (value === 'back') return toMenu();
    const text = answer.type === 'text' ? answer.text.trim() : '';
    if (ctx.state.step === 'language') {
      if (!value || !ctx.services.locales.some((l) => l.code === value)) return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: TRANSLATE, step: 'title', data: { ...draft, language: value } } };
    }
    if (ctx.state.step === 'title') {
      if (text.length < 3 || text.length > 120) return stay(ctx, msg('moderation:submit.invalid.title', { min: 3, max: 120 }));
      return { next: { flow: TRANSLATE, step: 'body', data: { ...draft, title: text } } };
    }
    if (text.length < 10 || text.length > 4000) return stay(ctx, msg('moderation:submit.invalid.body', { min: 10, max: 4000 }));
    const original = await ctx.repos.submissions.findById(draft.groupId);
    if (!original) return toMenu(msg('information:gone'));
    const id = ctx.services.newId();
    const outcome = await submitItem(
      ctx.repos,
      ctx.person!,
      { kind: 'information', title: draft.title!, body: text, topic: original.topic ?? '', language: draft.language!, placeName: original.placeName },
      (ctx.services.moderation ?? DEFAULT_MODERATION).wordLists,
      ctx.services.now(),
      id,
    );
    if (outcome.kind === 'not-allowed') return (await refuse(ctx, 'item.submit')) ?? toMenu();
    await ctx.repos.information.link(id, draft.groupId);
    return toMenu(msg('information:translate.sent', { ref: itemRef(id), of: itemRef(draft.groupId) }));
  },
};
