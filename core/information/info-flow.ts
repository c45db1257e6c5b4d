import { msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { TOPICS } from '../moderation/settings.js';
import { notifyPerson } from '../moderation/notify.js';
import { answerSetup, askSetup, choiceOf, go, home, INFO } from './onboarding.js';
import { PAGE_SIZE, pickVersion, readingOrder, readingsFor, type Reading } from './reading.js';
import { publishedPhoto } from '../attachments/item-photos.js';

/** How many items a topic or a search looks at (newest first): a town's information, not an archive. */
const SCAN_LIMIT = 500;
const QUESTION_MAX = 1000;

/** `/info`: a first visit sets up a profile without any name; afterwards the home of a person looking for information. */
export function startInfo(ctx: FlowContext): Transition {
  if (!ctx.person) return { next: { flow: INFO, step: 'language', data: {} } };
  return home();
}

async function order(ctx: FlowContext): Promise<string[]> {
  const profile = ctx.person ? await ctx.repos.information.profile(ctx.person.id) : null;
  return readingOrder(ctx.locale, profile?.secondLocale ?? null);
}

/** The items of a topic (or all, for a search) in the reader's languages. */
async function readings(ctx: FlowContext, topic: string | null, word?: string): Promise<Reading[]> {
  const regionId = ctx.person?.regionId ?? ctx.region.id;
  return readingsFor(await ctx.repos.information.published(regionId, topic, SCAN_LIMIT), await order(ctx), word);
}

/** One page of a list: the items as buttons, "more" when there are more. */
function page(readings: Reading[], n: number, header: PromptSpec['text'], more: string, back: string): PromptSpec {
  const shown = readings.slice(n * PAGE_SIZE, (n + 1) * PAGE_SIZE);
  const choices: NonNullable<PromptSpec['choices']> = shown.map((r) => ({ value: `i:${r.version.submissionId}`, label: { text: r.version.title, lang: r.version.language } }));
  if (readings.length > (n + 1) * PAGE_SIZE) choices.push({ value: more, label: msg('information:more') });
  choices.push({ value: back, label: msg('information:back') });
  return { text: header, choices };
}

export const infoFlow: Flow = {
  id: INFO,
  async ask(ctx): Promise<PromptSpec> {
    const [step, a, b] = ctx.state.step.split('.') as [string, string?, string?];
    const setup = await askSetup(ctx, step);
    if (setup) return setup;
    if (step === 'topic') return { text: msg('information:ask.topic'), choices: [...TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`) })), { value: 'back', label: msg('information:back') }] };
    if (step === 'list') {
      const items = await readings(ctx, a!);
      if (!items.length) return { text: msg('information:list.none', { topic: msg(`moderation:topic.${a}`) }), choices: [{ value: 'back', label: msg('information:back') }] };
      return page(items, Number(b ?? 0), msg('information:list.header', { topic: msg(`moderation:topic.${a}`), count: items.length }), 'more', 'back');
    }
    if (step === 'search') return { text: msg('information:ask.search'), input: 'text', choices: [{ value: 'back', label: msg('information:back') }] };
    if (step === 'found') {
      const word = String((ctx.state.data as { word?: string } | undefined)?.word ?? '');
      const items = await readings(ctx, null, word);
      if (!items.length) return { text: msg('information:search.none', { word }), choices: [{ value: 'again', label: msg('information:search.again') }, { value: 'back', label: msg('information:back') }] };
      return page(items, Number(a ?? 0), msg('information:search.header', { word, count: items.length }), 'more', 'back');
    }
    if (step === 'item') {
      const group = await ctx.repos.information.group((await ctx.repos.information.groupOf(a!))?.groupId ?? a!);
      const reading = pickVersion(group, await order(ctx));
      const back = { value: 'back', label: msg('information:back') };
      if (!reading) return { text: msg('information:gone'), choices: [back] };
      const v = reading.version;
      const image = await publishedPhoto(ctx.repos, v.submissionId, v.title);
      return {
        ...(image ? { image } : {}),
        text: msg(reading.fallback ? 'information:itemFallback' : 'information:item', {
          language: { language: v.language },
          topic: v.topic ? msg(`moderation:topic.${v.topic}`) : '–',
          title: v.title,
          body: v.body,
          languages: [...new Set(group.map((g) => g.language))].map((language) => ({ language })),
        }),
        choices: [{ value: 'ask', label: msg('information:askAbout') }, back],
      };
    }
    if (step === 'ask') return { text: msg(a ? 'information:ask.questionAbout' : 'information:ask.question'), input: 'long-text', choices: [{ value: 'back', label: msg('information:back') }] };
    return {
      text: msg('information:home'),
      choices: ['topic', 'search', 'ask', 'settings', 'delete'].map((value) => ({ value, label: msg(`information:entry.${value}`) })),
    };
  },
  async answer(ctx, answer): Promise<Transition> {
    const [step, a, b] = ctx.state.step.split('.') as [string, string?, string?];
    const setup = await answerSetup(ctx, step, answer);
    if (setup) return setup;
    // Everything below reads or asks as a person; a first visit ends in one.
    if (!ctx.person) return { next: { flow: INFO, step: 'language', data: {} } };
    const value = choiceOf(answer);
    if (step === 'topic') {
      if (value === 'back') return home();
      if (!value || !(TOPICS as readonly string[]).includes(value)) return stay(ctx, msg('conversation:pickOne'));
      return go(`list.${value}.0`, {});
    }
    if (step === 'list' || step === 'found') {
      const n = Number((step === 'list' ? b : a) ?? 0);
      const data = ctx.state.data ?? {};
      if (value === 'back') return step === 'list' ? go('topic', {}) : home();
      if (value === 'again') return go('search', {});
      if (value === 'more') return go(step === 'list' ? `list.${a}.${n + 1}` : `found.${n + 1}`, data);
      if (value?.startsWith('i:')) return go(`item.${value.slice(2)}`, {});
      return stay(ctx, msg('conversation:pickOne'));
    }
    if (step === 'search') {
      if (value === 'back') return home();
      const word = answer.type === 'text' ? answer.text.trim() : '';
      if (word.length < 2 || word.length > 60) return stay(ctx, msg('information:search.invalid', { min: 2, max: 60 }));
      return go('found.0', { word } as Record<string, unknown>);
    }
    if (step === 'item') {
      if (value === 'ask') return ctx.person.status === 'banned' ? stay(ctx, msg('moderation:denied.banned')) : go(`ask.${a}`, {});
      if (value === 'back') return home();
      return stay(ctx, msg('conversation:pickOne'));
    }
    if (step === 'ask') {
      if (value === 'back') return a ? go(`item.${a}`, {}) : home();
      if (ctx.person.status === 'banned') return home(msg('moderation:denied.banned'));
      const text = answer.type === 'text' ? answer.text.trim() : '';
      if (text.length < 3 || text.length > QUESTION_MAX) return stay(ctx, msg('information:question.invalid', { min: 3, max: QUESTION_MAX }));
      const id = ctx.services.newId();
      await ctx.repos.information.ask({ id, regionId: ctx.person.regionId, personId: ctx.person.id, submissionId: a ?? null, text }, ctx.services.now());
      await ctx.repos.audit.append({ actorId: ctx.person.id, action: 'information.asked', subjectType: 'question', subjectId: id });
      // The answerers hear that a question waits, not what it says: they read it in /questions.
      for (const answerer of await ctx.repos.information.answerers(ctx.person.regionId)) {
        if (answerer !== ctx.person.id) await notifyPerson(ctx.repos, answerer, msg('information:questions.waiting'), `question:${id}:${answerer}`);
      }
      return home(msg('information:question.sent'));
    }
    if (value === 'topic') return go('topic', {});
    if (value === 'search') return go('search', {});
    if (value === 'ask') return ctx.person.status === 'banned' ? stay(ctx, msg('moderation:denied.banned')) : go('ask', {});
    if (value === 'settings') return go((await ctx.repos.regions.list()).length > 1 ? 'region' : 'topics', { edit: true });
    if (value === 'delete') return { next: { flow: 'delete', step: 'confirm' } };
    return stay(ctx, msg('conversation:pickOne'));
  },
};
