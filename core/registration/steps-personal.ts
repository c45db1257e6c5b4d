import { msg } from '../messages.js';
import { normalizeEmail, normalizeName, normalizePhone } from '../validation/index.js';
import { chosen, SKIP, typed, type Step } from './step.js';

/** The interface language; shown first, each language in its own name. */
export const languageStep: Step = {
  ask: (ctx) => ({
    text: msg('registration:ask.language'),
    choices: ctx.services.locales.map((l) => ({ value: l.code, label: { text: l.nativeName, lang: l.code }, selected: l.code === ctx.locale })),
  }),
  accept: (ctx, _draft, answer) => {
    const code = chosen(answer)?.[0];
    if (!code || !ctx.services.locales.some((l) => l.code === code)) return { error: msg('conversation:pickOne') };
    return { patch: {}, locale: code };
  },
};

export const privacyStep: Step = {
  ask: (ctx) => ({
    text: msg('registration:ask.privacy', {
      controller: ctx.region.controllerName ?? ctx.region.name,
      contact: ctx.region.contactEmail ?? '-',
      version: ctx.region.privacyNoticeVersion,
    }),
    choices: [
      { value: 'agree', label: msg('registration:privacy.agree') },
      { value: 'decline', label: msg('registration:privacy.decline') },
    ],
  }),
  accept: (ctx, _draft, answer) => {
    const value = chosen(answer)?.[0];
    if (value === 'decline') return { error: msg('registration:privacy.declined') };
    if (value !== 'agree') return { error: msg('conversation:pickOne') };
    return { patch: { consentAt: ctx.services.now().toISOString(), noticeVersion: ctx.region.privacyNoticeVersion } };
  },
};

export const firstNameStep: Step = {
  ask: () => ({ text: msg('registration:ask.firstName'), input: 'text' }),
  accept: (_ctx, _draft, answer) => {
    const name = normalizeName(typed(answer) ?? '');
    return name ? { patch: { firstName: name } } : { error: msg('registration:invalid.name') };
  },
};

export const lastNameStep: Step = {
  ask: () => ({ text: msg('registration:ask.lastName'), input: 'text' }),
  accept: (_ctx, _draft, answer) => {
    const name = normalizeName(typed(answer) ?? '');
    return name ? { patch: { lastName: name } } : { error: msg('registration:invalid.name') };
  },
};

export const emailStep: Step = {
  ask: () => ({ text: msg('registration:ask.email'), input: 'email' }),
  accept: async (ctx, draft, answer) => {
    const email = normalizeEmail(typed(answer) ?? '');
    if (!email) return { error: msg('registration:invalid.email') };
    const holder = await ctx.repos.people.findByEmail(ctx.region.id, email);
    if (holder && holder.id !== ctx.person?.id) return { error: msg('registration:invalid.emailInUse') };
    return { patch: { email } };
  },
};

export const phoneStep: Step = {
  ask: () => ({
    text: msg('registration:ask.phone'),
    input: 'tel',
    acceptsContact: true,
    choices: [{ value: SKIP, label: msg('registration:phone.skip') }],
  }),
  accept: (_ctx, _draft, answer) => {
    if (chosen(answer)?.[0] === SKIP) return { patch: { phone: null } };
    const raw = answer.type === 'contact' ? answer.phone : typed(answer);
    const phone = raw ? normalizePhone(raw) : null;
    return phone ? { patch: { phone } } : { error: msg('registration:invalid.phone') };
  },
};
