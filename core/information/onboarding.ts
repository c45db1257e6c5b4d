import { randomUUID } from 'node:crypto';
import { msg } from '../messages.js';
import type { Answer, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { TOPICS } from '../moderation/settings.js';

export const INFO = 'info';
export const NONE = 'none';

/** What is asked before anything is stored: the person's answers so far. */
export interface InfoDraft {
  consentAt?: string;
  noticeVersion?: string;
  regionId?: string;
  topics?: string[];
  /** Changing the settings of an existing profile, not starting one. */
  edit?: boolean;
}

export const draftOf = (ctx: FlowContext) => (ctx.state.data ?? {}) as InfoDraft;
export const go = (step: string, draft: InfoDraft, ...messages: Transition['messages'] & object): Transition => ({ messages, next: { flow: INFO, step, data: draft as Record<string, unknown> } });
export const home = (...messages: Transition['messages'] & object): Transition => ({ messages, next: { flow: INFO, step: 'home' } });
export const choiceOf = (answer: Answer) => (answer.type === 'choice' ? answer.values[0] : undefined);

/** The questions of the first visit (language, consent, region, topics, second language) and of the settings. */
export async function askSetup(ctx: FlowContext, step: string): Promise<PromptSpec | null> {
  const draft = draftOf(ctx);
  if (step === 'language') {
    return { text: msg('registration:ask.language'), choices: ctx.services.locales.map((l) => ({ value: l.code, label: { text: l.nativeName, lang: l.code }, selected: l.code === ctx.locale })) };
  }
  if (step === 'privacy') {
    return {
      text: msg('information:privacy', { controller: ctx.region.controllerName ?? ctx.region.name, contact: ctx.region.contactEmail ?? '-', version: ctx.region.privacyNoticeVersion }),
      choices: [
        { value: 'agree', label: msg('registration:privacy.agree') },
        { value: 'decline', label: msg('registration:privacy.decline') },
      ],
    };
  }
  if (step === 'region') {
    const regions = await ctx.repos.regions.list();
    return { text: msg('information:ask.region'), choices: [...regions.map((r) => ({ value: r.id, label: { text: r.name }, selected: r.id === (draft.regionId ?? ctx.region.id) })), { value: NONE, label: msg('information:skip') }] };
  }
  if (step === 'topics') {
    const current = draft.topics ?? (ctx.person ? ((await ctx.repos.information.profile(ctx.person.id))?.topics ?? []) : []);
    return { text: msg('information:ask.topics'), multiple: true, choices: TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`), selected: current.includes(t) })) };
  }
  if (step === 'second') {
    const current = ctx.person ? (await ctx.repos.information.profile(ctx.person.id))?.secondLocale : null;
    const others = ctx.services.locales.filter((l) => l.code !== ctx.locale);
    return {
      text: msg('information:ask.second'),
      choices: [...others.map((l) => ({ value: l.code, label: { text: l.nativeName, lang: l.code }, selected: l.code === current })), { value: NONE, label: msg('information:second.none') }],
    };
  }
  return null;
}

/** Takes an answer to a setup question; null when the step is not one of them. */
export async function answerSetup(ctx: FlowContext, step: string, answer: Answer): Promise<Transition | null> {
  const draft = draftOf(ctx);
  const value = choiceOf(answer);
  if (step === 'language') {
    if (!value || !ctx.services.locales.some((l) => l.code === value)) return stay(ctx, msg('conversation:pickOne'));
    return { ...go('privacy', draft), locale: value };
  }
  if (step === 'privacy') {
    if (value === 'decline') return stay(ctx, msg('registration:privacy.declined'));
    if (value !== 'agree') return stay(ctx, msg('conversation:pickOne'));
    const next = { ...draft, consentAt: ctx.services.now().toISOString(), noticeVersion: ctx.region.privacyNoticeVersion };
    return go((await ctx.repos.regions.list()).length > 1 ? 'region' : 'topics', next);
  }
  if (step === 'region') {
    const regions = await ctx.repos.regions.list();
    if (value !== NONE && !regions.some((r) => r.id === value)) return stay(ctx, msg('conversation:pickOne'));
    return go('topics', { ...draft, ...(value !== NONE ? { regionId: value } : {}) });
  }
  if (step === 'topics') {
    if (answer.type !== 'choice') return stay(ctx, msg('conversation:pickOne'));
    const topics = answer.values.filter((t) => (TOPICS as readonly string[]).includes(t));
    return go('second', { ...draft, topics });
  }
  if (step === 'second') {
    if (!value || (value !== NONE && !ctx.services.locales.some((l) => l.code === value))) return stay(ctx, msg('conversation:pickOne'));
    return save(ctx, draft, value === NONE || value === ctx.locale ? null : value);
  }
  return null;
}

/** Stores the answers: a new person of kind refugee with only a language, a region and topics, or the changed settings. */
async function save(ctx: FlowContext, draft: InfoDraft, secondLocale: string | null): Promise<Transition> {
  const topics = draft.topics ?? [];
  const saved = msg(topics.length ? 'information:saved' : 'information:savedNoTopics', { topics: topics.map((t) => msg(`moderation:topic.${t}`)) });
  if (ctx.person) {
    await ctx.repos.information.saveProfile(ctx.person.id, { secondLocale, topics });
    if (draft.regionId && draft.regionId !== ctx.person.regionId) await ctx.repos.information.setRegion(ctx.person.id, draft.regionId);
    await ctx.repos.audit.append({ actorId: ctx.person.id, action: 'information.settingsChanged', subjectType: 'person', subjectId: ctx.person.id });
    return home(saved);
  }
  if (!draft.consentAt || !draft.noticeVersion) return go('privacy', draft);
  const id = ctx.services.newId();
  await ctx.repos.information.createReader({ id, regionId: draft.regionId ?? ctx.region.id, locale: ctx.locale }, { secondLocale, topics });
  await ctx.repos.identities.link({ channel: ctx.event.channel, address: ctx.event.address, personId: id, preferred: true });
  await ctx.repos.consents.record({ id: randomUUID(), personId: id, kind: 'privacy', noticeVersion: draft.noticeVersion, locale: ctx.locale, givenAt: new Date(draft.consentAt) });
  await ctx.repos.audit.append({ actorId: id, action: 'person.registered', subjectType: 'person', subjectId: id, details: { channel: ctx.event.channel, kind: 'refugee' } });
  return home(saved);
}
