import type { Choice, TurnResult } from '../conversation/types.js';
import { msg, type Msg } from '../messages.js';
import { activityLabel, COMMON_LANGUAGES } from '../registration/steps-interests.js';
import type { Store } from '../store.js';
import { tallyResponses, type HelperCall } from './call.js';
import { mayCoordinate } from './call-management.js';
import { callStatusView } from './call-status.js';
import { parseLocalDateTime } from './local-time.js';
import { CallValidationError, saveCall, type CallInput, type CallPosting, type Problem } from './post-call.js';

/** The fields of the call form, as a channel with forms (an Adaptive Card) shows them. */
export const CALL_FORM_FIELDS = ['activity', 'title', 'description', 'place', 'date', 'startTime', 'endDate', 'endTime', 'helpers', 'languages', 'deadline'] as const;
export type CallFormFieldName = (typeof CALL_FORM_FIELDS)[number];
export type CallFormValues = Partial<Record<CallFormFieldName, string>>;

export type CallFormFieldKind = 'choice' | 'multi-choice' | 'text' | 'long-text' | 'date' | 'time' | 'number';

export interface CallFormField {
  name: CallFormFieldName;
  kind: CallFormFieldKind;
  label: Msg;
  required: boolean;
  choices?: Choice[];
  /** What was entered before (shown again next to the problems). */
  value?: string;
  /** What is wrong with this field, if anything. */
  problems: Msg[];
}

/** A whole form: its id (which becomes the call's id, so a double submit posts once), fields, and problems. */
export interface CallForm {
  formId: string;
  locale: string;
  title: Msg;
  submit: Msg;
  /** Local times are read in this zone. */
  timeZone: string;
  fields: CallFormField[];
  /** Problems that name no single field. */
  problems: Msg[];
}

export type CallFormOutcome =
  | { kind: 'form'; form: CallForm }
  /** Not allowed or not possible: say why. */
  | { kind: 'refused'; locale: string; message: Msg }
  | { kind: 'posted'; call: HelperCall; locale: string; message: Msg; status: TurnResult };

const DEADLINE_HOURS = [1, 3, 24, 48];
const DEFAULT_DEADLINE = '3';

/** Which form fields a problem of the posting rules belongs to. */
const FIELD_OF: Record<string, CallFormFieldName> = {
  activity: 'activity',
  title: 'title',
  description: 'description',
  descriptionLang: 'description',
  place: 'place',
  startsAt: 'date',
  endsAt: 'endTime',
  helpersNeeded: 'helpers',
  languages: 'languages',
  answerBy: 'deadline',
};

/**
 * Posting a helper call through one form instead of question by question, for
 * channels that show forms. It only reads the form: every rule lives in
 * {@link CallPosting}, and the role is checked on every open and submit.
 */
export class CallForms {
  constructor(
    private readonly store: Store,
    private readonly posting: CallPosting,
    private readonly now: () => Date,
    private readonly newId: () => string,
    private readonly defaultLocale: string,
  ) {}

  /** An empty form for a coordinator; anybody else is told why not. A replayed event opens nothing. */
  async open(channel: string, address: string, eventId: string): Promise<CallFormOutcome> {
    const who = await this.coordinator(channel, address);
    if ('refused' in who) return who.refused;
    if (!(await this.store.events.record(channel, eventId))) return { kind: 'refused', locale: who.locale, message: msg('conversation:duplicate') };
    return { kind: 'form', form: await this.form(who.regionId, who.locale, this.newId(), { deadline: DEFAULT_DEADLINE }, []) };
  }

  /** Posts the call, or returns the form again with every problem next to its field. */
  async submit(channel: string, address: string, eventId: string, formId: string, values: CallFormValues): Promise<CallFormOutcome> {
    const who = await this.coordinator(channel, address);
    if ('refused' in who) return who.refused;
    if (!(await this.store.events.record(channel, eventId))) return { kind: 'refused', locale: who.locale, message: msg('conversation:duplicate') };
    const { locale, organisation, personId } = who;
    const existing = await this.store.calls.findById(formId);
    if (existing) return { kind: 'refused', locale, message: msg('coordination:form.alreadyPosted', { title: existing.title }) };
    const timeZone = await this.timeZone(organisation.regionId);
    const { input, problems } = this.read(values, timeZone);
    try {
      if (problems.length) throw new CallValidationError(problems);
      const prepared = await this.posting.prepare(this.store, organisation, personId, { ...input, descriptionLang: locale }, { id: formId });
      const call = await this.store.transaction((repos) => saveCall(repos, prepared));
      return {
        kind: 'posted',
        call,
        locale,
        message: msg('coordination:form.posted', { title: call.title }),
        status: callStatusView(call, tallyResponses([]), locale, timeZone, this.now()),
      };
    } catch (error) {
      if (!(error instanceof CallValidationError)) throw error;
      // The form's own reading problems come first; the posting rules then add what they find.
      const all = [...problems, ...error.problems.filter((p) => !problems.some((q) => FIELD_OF[q.field] === FIELD_OF[p.field]))];
      return { kind: 'form', form: await this.form(organisation.regionId, locale, formId, values, all) };
    }
  }

  private read(values: CallFormValues, timeZone: string): { input: CallInput; problems: Problem[] } {
    const problems: Problem[] = [];
    const at = (date: string | undefined, time: string | undefined, field: string, key: string) => {
      const parsed = date && time ? parseLocalDateTime(`${date.trim()} ${time.trim().slice(0, 5)}`, timeZone, this.now()) : null;
      if (!parsed) problems.push({ field, message: msg(`coordination:form.invalid.${key}`) });
      return parsed ?? new Date(NaN);
    };
    const startsAt = at(values.date, values.startTime, 'startsAt', 'start');
    const endsAt = at(values.endDate?.trim() || values.date, values.endTime, 'endsAt', 'end');
    const helpers = /^\s*\d{1,3}\s*$/.test(values.helpers ?? '') ? Number(values.helpers) : NaN;
    const deadline = DEADLINE_HOURS.includes(Number(values.deadline)) ? Number(values.deadline) : 1;
    return {
      problems,
      input: {
        activity: values.activity ?? '',
        title: values.title ?? '',
        description: values.description ?? '',
        place: values.place?.trim() ?? '',
        startsAt,
        endsAt,
        helpersNeeded: helpers,
        languages: (values.languages ?? '').split(/[,;\s]+/).filter(Boolean),
        answerBy: new Date(startsAt.getTime() - deadline * 3600_000),
      },
    };
  }

  private async form(regionId: string, locale: string, formId: string, values: CallFormValues, problems: Problem[]): Promise<CallForm> {
    const catalogue = await this.store.regions.activities(regionId);
    const field = (name: CallFormFieldName, kind: CallFormFieldKind, required: boolean, choices?: Choice[]): CallFormField => ({
      name,
      kind,
      label: msg(`coordination:form.field.${name}`),
      required,
      ...(choices ? { choices } : {}),
      ...(values[name] !== undefined ? { value: values[name] } : {}),
      problems: problems.filter((p) => FIELD_OF[p.field] === name).map((p) => p.message),
    });
    return {
      formId,
      locale,
      title: msg('coordination:form.title'),
      submit: msg('coordination:form.submit'),
      timeZone: await this.timeZone(regionId),
      fields: [
        field('activity', 'choice', true, catalogue.map((a) => ({ value: a.key, label: activityLabel(a, locale) }))),
        field('title', 'text', true),
        field('description', 'long-text', false),
        field('place', 'text', true),
        field('date', 'date', true),
        field('startTime', 'time', true),
        field('endDate', 'date', false),
        field('endTime', 'time', true),
        field('helpers', 'number', true),
        field('languages', 'multi-choice', false, COMMON_LANGUAGES.map((code) => ({ value: code, label: msg('registration:languageOption', { language: { language: code }, code }) }))),
        field('deadline', 'choice', true, DEADLINE_HOURS.map((h) => ({ value: String(h), label: msg('calls:post.before', { hours: h }) }))),
      ],
      problems: problems.filter((p) => !FIELD_OF[p.field]).map((p) => p.message),
    };
  }

  private async coordinator(channel: string, address: string) {
    const person = await this.store.people.findByIdentity(channel, address);
    const conversation = person ? null : await this.store.conversations.get(channel, address);
    const locale = person?.locale ?? conversation?.locale ?? this.defaultLocale;
    const refused = (key: string) => ({ refused: { kind: 'refused', locale, message: msg(key) } as CallFormOutcome });
    if (!person) return refused('errors:NOT_REGISTERED');
    const grants = await this.store.roles.active(person.id);
    const organisationId = grants.find((g) => g.role === 'coordinator' && g.organisationId)?.organisationId;
    const organisation = organisationId && mayCoordinate(grants, organisationId) ? await this.store.organisations.findById(organisationId) : null;
    if (!organisation) return refused('errors:ROLE_REQUIRED');
    return { locale, organisation, personId: person.id, regionId: organisation.regionId };
  }

  private async timeZone(regionId: string): Promise<string> {
    return (await this.store.regions.findById(regionId))?.timeZone ?? 'Europe/Berlin';
  }
}
