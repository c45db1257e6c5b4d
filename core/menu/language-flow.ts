import { msg } from '../messages.js';
import type { Flow, FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';

export const LANGUAGE = 'language';

interface LanguageData {
  resume: Transition['next'];
}

/** Starts the language choice from wherever the person is, and returns there afterwards. */
export function chooseLanguage(ctx: FlowContext): Transition {
  const resume = { flow: ctx.state.flow, step: ctx.state.step, ...(ctx.state.data ? { data: ctx.state.data } : {}) };
  return { next: { flow: LANGUAGE, step: 'pick', data: { resume } satisfies LanguageData as unknown as Record<string, unknown> } };
}

export const languageFlow: Flow = {
  id: LANGUAGE,
  ask: (ctx) => ({
    text: msg('menu:ask.language'),
    choices: ctx.services.locales.map((l) => ({ value: l.code, label: { text: l.nativeName, lang: l.code }, selected: l.code === ctx.locale })),
  }),
  answer: async (ctx, answer) => {
    const code = answer.type === 'choice' ? answer.values[0] : undefined;
    if (!code || !ctx.services.locales.some((l) => l.code === code)) return stay(ctx, msg('conversation:pickOne'));
    if (ctx.person) await ctx.repos.people.setLocale(ctx.person.id, code);
    const { resume } = ctx.state.data as unknown as LanguageData;
    return { locale: code, messages: [msg('menu:languageChanged', { language: { language: code } })], next: resume };
  },
};
