import { msg, type Msg } from '../messages.js';
import { DEFAULT_ACTIVITIES, type Activity } from '../regions/region.js';
import { normalizeLanguageCode } from '../validation/index.js';
import type { Choice } from '../conversation/types.js';
import { chosen, SKIP, typed, typedNumber, type Step } from './step.js';

/** Languages offered as buttons; any other ISO code can be typed. */
export const COMMON_LANGUAGES = ['de', 'en', 'ar', 'fa', 'uk', 'ru', 'tr', 'fr', 'ku', 'ps', 'ti', 'so', 'es', 'pl', 'ro', 'sq'];
export const HOURS_OPTIONS = [1, 2, 4, 8, 12];
const MAX_SKILLS = 500;

const TRANSLATED: readonly string[] = DEFAULT_ACTIVITIES;

/**
 * A region's own label in the reader's language; else the shipped translation of a standard
 * activity; else the region's German or English label (a custom activity named in few languages).
 */
export function activityLabel(activity: Activity, locale: string): Choice['label'] {
  const own = activity.labels[locale];
  if (own) return { text: own, lang: locale };
  if (TRANSLATED.includes(activity.key)) return msg(`activities:${activity.key}`);
  const [lang, text] = Object.entries(activity.labels).sort(([a], [b]) => rank(a) - rank(b))[0] ?? [undefined, activity.key];
  return lang ? { text, lang } : { text };
}

function rank(lang: string): number {
  return lang === 'de' ? 0 : lang === 'en' ? 1 : 2;
}

export function activityMessage(activity: Activity | undefined, key: string, locale: string): Msg | string {
  const label = activity ? activityLabel(activity, locale) : msg(`activities:${key}`);
  return 'key' in label ? label : label.text;
}

/** Activities from the region's catalogue; at least one. */
export const activitiesStep: Step = {
  ask: async (ctx, draft) => {
    const catalogue = await ctx.repos.regions.activities(ctx.region.id);
    return {
      text: msg('registration:ask.activities'),
      multiple: true,
      choices: catalogue.map((a) => ({ value: a.key, label: activityLabel(a, ctx.locale), selected: draft.activities?.includes(a.key) ?? false })),
    };
  },
  accept: async (ctx, _draft, answer) => {
    const values = chosen(answer) ?? [];
    if (values.length === 0) return { error: msg('registration:invalid.activities') };
    return { patch: { activities: values } };
  },
};

/** Languages spoken, as ISO codes: picked from common ones or typed ("ti, so"). */
export const languagesStep: Step = {
  ask: (_ctx, draft) => {
    const extra = (draft.languages ?? []).filter((c) => !COMMON_LANGUAGES.includes(c));
    return {
      text: msg('registration:ask.languages'),
      multiple: true,
      input: 'text',
      choices: [...COMMON_LANGUAGES, ...extra].map((code) => ({
        value: code,
        label: msg('registration:languageOption', { language: { language: code }, code }),
        selected: draft.languages?.includes(code) ?? false,
      })),
    };
  },
  accept: (_ctx, _draft, answer) => {
    const picked = chosen(answer);
    if (picked) return picked.length ? { patch: { languages: picked } } : { error: msg('registration:invalid.languages') };
    const parts = (typed(answer) ?? '').split(/[,;\s]+/).filter(Boolean);
    const codes = parts.map(normalizeLanguageCode);
    const unknown = parts.filter((_, i) => codes[i] === null);
    if (parts.length === 0) return { error: msg('registration:invalid.languages') };
    if (unknown.length) return { error: msg('registration:invalid.languageCodes', { codes: unknown.join(', ') }) };
    return { patch: { languages: [...new Set(codes as string[])] } };
  },
};

/** The weekly time budget, in hours. */
export const hoursStep: Step = {
  ask: (_ctx, draft) => ({
    text: msg('registration:ask.hours'),
    input: 'number',
    choices: HOURS_OPTIONS.map((hours) => ({ value: String(hours), label: msg('registration:hours.option', { hours }), selected: draft.weeklyHours === hours })),
  }),
  accept: (_ctx, _draft, answer) => {
    const hours = typedNumber(answer, 1, 60);
    return hours === null ? { error: msg('registration:invalid.hours', { min: 1, max: 60 }) } : { patch: { weeklyHours: hours } };
  },
};

/** Skills in the person's own words (optional). */
export const skillsStep: Step = {
  ask: () => ({
    text: msg('registration:ask.skills'),
    input: 'long-text',
    choices: [{ value: SKIP, label: msg('registration:skills.skip') }],
  }),
  accept: (_ctx, _draft, answer) => {
    if (chosen(answer)?.[0] === SKIP) return { patch: { skills: null } };
    const text = typed(answer)?.trim() ?? '';
    if (text.length > MAX_SKILLS) return { error: msg('conversation:tooLong', { max: MAX_SKILLS }) };
    return { patch: { skills: text } };
  },
};
