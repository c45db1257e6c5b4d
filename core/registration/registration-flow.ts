import { randomUUID } from 'node:crypto';
import { msg } from '../messages.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { Answer, Flow, FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import type { Profile } from '../people/person.js';
import { draftOf, EDITABLE_FIELDS, isComplete, type EditableField, type RegistrationDraft } from './draft.js';
import { chosen, type Step } from './step.js';
import { emailStep, firstNameStep, languageStep, lastNameStep, phoneStep, privacyStep } from './steps-personal.js';
import { placePickStep, placeStep, radiusStep } from './steps-place.js';
import { activitiesStep, hoursStep, languagesStep, skillsStep } from './steps-interests.js';
import { summaryMessage } from './summary.js';
import { MENU } from '../menu/menu-flow.js';

export const REGISTRATION = 'registration';

/** The order in which a new person is asked. */
const ORDER = ['language', 'privacy', 'firstName', 'lastName', 'email', 'phone', 'place', 'radius', 'activities', 'languages', 'hours', 'skills', 'summary'];

const FIELD_STEP: Record<EditableField, string> = {
  firstName: 'firstName',
  lastName: 'lastName',
  email: 'email',
  phone: 'phone',
  place: 'place',
  radius: 'radius',
  activities: 'activities',
  languages: 'languages',
  hours: 'hours',
  skills: 'skills',
};

const summaryStep: Step = {
  ask: async (ctx, draft) => ({
    // Every activity, offered or not: a profile may hold one the region no longer offers.
    text: summaryMessage(draft, await ctx.repos.regions.allActivities(ctx.region.id), ctx.locale),
    choices: [
      { value: 'confirm', label: msg(draft.mode === 'edit' ? 'registration:summary.save' : 'registration:summary.confirm') },
      { value: 'edit', label: msg('registration:summary.edit') },
      ...(draft.mode === 'edit' ? [{ value: 'discard', label: msg('registration:summary.discard') }] : []),
    ],
  }),
  accept: async (ctx, draft, answer) => {
    const value = chosen(answer)?.[0];
    if (value === 'edit') return { patch: {}, goto: 'editPick' };
    if (value === 'discard') return { transition: { messages: [msg('profile:changesDiscarded')], next: { flow: MENU, step: 'main' } } };
    if (value !== 'confirm') return { error: msg('conversation:pickOne') };
    if (!isComplete(draft)) return { patch: {}, goto: firstMissing(draft) };
    return { transition: draft.mode === 'edit' ? await saveChanges(ctx, draft) : await register(ctx, draft) };
  },
};

const editPickStep: Step = {
  ask: () => ({
    text: msg('registration:ask.editPick'),
    choices: EDITABLE_FIELDS.map((field) => ({ value: field, label: msg(`registration:field.${field}`) })),
  }),
  accept: (_ctx, _draft, answer) => {
    const field = chosen(answer)?.[0] as EditableField | undefined;
    if (!field || !(field in FIELD_STEP)) return { error: msg('conversation:pickOne') };
    return { patch: { returnTo: 'summary' }, goto: FIELD_STEP[field] };
  },
};

const STEPS: Record<string, Step> = {
  language: languageStep,
  privacy: privacyStep,
  firstName: firstNameStep,
  lastName: lastNameStep,
  email: emailStep,
  phone: phoneStep,
  place: placeStep,
  placePick: placePickStep,
  radius: radiusStep,
  activities: activitiesStep,
  languages: languagesStep,
  hours: hoursStep,
  skills: skillsStep,
  summary: summaryStep,
  editPick: editPickStep,
};

/**
 * Registration of a volunteer, and later changes to the profile (mode 'edit'):
 * one question per step, a summary where any field can be corrected, and
 * nothing stored about the person before they confirm.
 */
export const registrationFlow: Flow = {
  id: REGISTRATION,
  ask: (ctx) => step(ctx.state.step).ask(ctx, draftOf(ctx.state.data)),
  answer: async (ctx, answer: Answer): Promise<Transition> => {
    const draft = draftOf(ctx.state.data);
    const outcome = await step(ctx.state.step).accept(ctx, draft, answer);
    if ('error' in outcome) return stay(ctx, outcome.error);
    if ('transition' in outcome) return outcome.transition;
    const next: RegistrationDraft = { ...draft, ...outcome.patch };
    let goto = outcome.goto ?? (next.returnTo === 'summary' ? 'summary' : following(ctx.state.step));
    if (goto === 'summary') {
      delete next.returnTo;
      if (!isComplete(next)) goto = firstMissing(next);
    }
    return {
      ...(outcome.messages ? { messages: outcome.messages } : {}),
      ...(outcome.locale ? { locale: outcome.locale } : {}),
      next: { flow: REGISTRATION, step: goto, data: next as unknown as Record<string, unknown> },
    };
  },
};

function step(id: string): Step {
  const found = STEPS[id];
  if (!found) throw new Error(`Unknown registration step ${id}`);
  return found;
}

function following(id: string): string {
  if (id === 'placePick') return 'radius';
  const index = ORDER.indexOf(id);
  return ORDER[Math.min(index + 1, ORDER.length - 1)]!;
}

function firstMissing(d: RegistrationDraft): string {
  if (d.mode === 'register' && !d.consentAt) return 'privacy';
  if (d.firstName === undefined) return 'firstName';
  if (d.lastName === undefined) return 'lastName';
  if (d.email === undefined) return 'email';
  if (d.phone === undefined) return 'phone';
  if (d.lat === undefined || d.placeName === undefined) return 'place';
  if (d.travelRadiusKm === undefined) return 'radius';
  if (!d.activities?.length) return 'activities';
  if (!d.languages?.length) return 'languages';
  if (d.weeklyHours === undefined) return 'hours';
  if (d.skills === undefined) return 'skills';
  return 'summary';
}

function profileOf(d: RegistrationDraft & Profile): Profile {
  return {
    firstName: d.firstName,
    lastName: d.lastName,
    email: d.email,
    phone: d.phone,
    placeName: d.placeName,
    postcode: d.postcode ?? null,
    lat: d.lat,
    lon: d.lon,
    travelRadiusKm: d.travelRadiusKm,
    activities: d.activities,
    languages: d.languages,
    weeklyHours: d.weeklyHours,
    skills: d.skills,
  };
}

async function register(ctx: FlowContext, draft: RegistrationDraft): Promise<Transition> {
  if (!isComplete(draft) || !draft.consentAt || !draft.noticeVersion) throw new Error('register() needs a complete draft with consent');
  const { repos, event } = ctx;
  if (await repos.people.findByEmail(ctx.region.id, draft.email)) {
    return { messages: [msg('registration:invalid.emailInUse')], next: { flow: REGISTRATION, step: 'email', data: { ...draft, returnTo: 'summary' } as unknown as Record<string, unknown> } };
  }
  const id = ctx.services.newId();
  await repos.people.create({ ...profileOf(draft), id, regionId: ctx.region.id, locale: ctx.locale });
  await repos.identities.link({ channel: event.channel, address: event.address, personId: id, preferred: true });
  await repos.consents.record({ id: randomUUID(), personId: id, kind: 'privacy', noticeVersion: draft.noticeVersion, locale: ctx.locale, givenAt: new Date(draft.consentAt) });
  await repos.audit.append({ actorId: id, action: 'person.registered', subjectType: 'person', subjectId: id, details: { channel: event.channel, noticeVersion: draft.noticeVersion } });
  return { messages: [msg('registration:done', { firstName: draft.firstName })], next: { flow: MENU, step: 'main' } };
}

async function saveChanges(ctx: FlowContext, draft: RegistrationDraft): Promise<Transition> {
  if (!ctx.person) throw new DomainError(ErrorCode.NotRegistered);
  if (!isComplete(draft)) throw new Error('saveChanges() needs a complete draft');
  const holder = await ctx.repos.people.findByEmail(ctx.region.id, draft.email);
  if (holder && holder.id !== ctx.person.id) {
    return { messages: [msg('registration:invalid.emailInUse')], next: { flow: REGISTRATION, step: 'email', data: { ...draft, returnTo: 'summary' } as unknown as Record<string, unknown> } };
  }
  await ctx.repos.people.updateProfile(ctx.person.id, profileOf(draft));
  await ctx.repos.audit.append({ actorId: ctx.person.id, action: 'person.profileChanged', subjectType: 'person', subjectId: ctx.person.id });
  return { messages: [msg('profile:saved')], next: { flow: MENU, step: 'main' } };
}
