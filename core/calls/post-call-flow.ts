import { msg } from '../messages.js';
import type { Answer, Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { activityLabel, activityMessage, COMMON_LANGUAGES } from '../registration/steps-interests.js';
import { normalizeLanguageCode } from '../validation/index.js';
import { CallValidationError, saveCall, type CallPosting } from './post-call.js';
import { parseLocalDateTime } from './local-time.js';
import { callLine, coordinatedCalls, MANAGE_CALLS } from './manage-flows.js';

export const POST_CALL = 'post-call';
const DURATIONS = [1, 2, 3, 4, 8];
const HELPERS = [1, 2, 3, 5, 10];
const DEADLINES = [1, 3, 24];
const SKIP = 'skip';
const ANY = 'any';

interface Draft {
  organisationId: string;
  activity?: string;
  title?: string;
  description?: string;
  place?: string;
  startsAt?: string;
  hours?: number;
  helpers?: number;
  languages?: string[];
  deadlineHours?: number;
}

const ORDER = ['activity', 'title', 'description', 'place', 'start', 'duration', 'helpers', 'languages', 'deadline', 'summary'] as const;
type StepId = (typeof ORDER)[number];

function draftOf(ctx: FlowContext): Draft {
  return ctx.state.data as unknown as Draft;
}

function next(ctx: FlowContext, draft: Draft, step: StepId): Transition {
  return { next: { flow: POST_CALL, step, data: draft as unknown as Record<string, unknown> } };
}

function after(step: StepId): StepId {
  return ORDER[ORDER.indexOf(step) + 1] ?? 'summary';
}

const number = (answer: Answer, min: number, max: number) => {
  const text = answer.type === 'choice' ? answer.values[0] : answer.type === 'text' ? answer.text : undefined;
  const n = text && /^\s*\d{1,3}\s*$/.test(text) ? Number(text) : NaN;
  return n >= min && n <= max ? n : null;
};

/**
 * A coordinator posts a helper call from the chat, one question at a time, and
 * sees a summary before it goes out. `/call` starts it; only a coordinator of
 * an organisation may.
 */
export function postCallFlow(posting: () => CallPosting | undefined): Flow {
  async function ask(ctx: FlowContext): Promise<PromptSpec> {
    const draft = draftOf(ctx);
    switch (ctx.state.step as StepId) {
      case 'activity': {
        const catalogue = await ctx.repos.regions.activities(ctx.region.id);
        return { text: msg('calls:post.ask.activity'), choices: catalogue.map((a) => ({ value: a.key, label: activityLabel(a, ctx.locale) })) };
      }
      case 'title':
        return { text: msg('calls:post.ask.title'), input: 'text' };
      case 'description':
        return { text: msg('calls:post.ask.description'), input: 'long-text', choices: [{ value: SKIP, label: msg('calls:post.skip') }] };
      case 'place':
        return { text: msg('calls:post.ask.place'), input: 'place' };
      case 'start':
        return { text: msg('calls:post.ask.start', { zone: ctx.region.timeZone }), input: 'text' };
      case 'duration':
        return { text: msg('calls:post.ask.duration'), input: 'number', choices: DURATIONS.map((h) => ({ value: String(h), label: msg('calls:post.hours', { hours: h }) })) };
      case 'helpers':
        return { text: msg('calls:post.ask.helpers'), input: 'number', choices: HELPERS.map((n) => ({ value: String(n), label: { text: String(n) } })) };
      case 'languages':
        return {
          text: msg('calls:post.ask.languages'),
          multiple: true,
          input: 'text',
          choices: COMMON_LANGUAGES.map((code) => ({ value: code, label: msg('registration:languageOption', { language: { language: code }, code }), selected: draft.languages?.includes(code) ?? false })),
        };
      case 'deadline':
        return { text: msg('calls:post.ask.deadline'), choices: DEADLINES.map((h) => ({ value: String(h), label: msg('calls:post.before', { hours: h }) })) };
      case 'summary': {
        const start = new Date(draft.startsAt!);
        const catalogue = await ctx.repos.regions.allActivities(ctx.region.id);
        return {
          text: msg('calls:post.summary', {
            title: draft.title!,
            activity: activityMessage(catalogue.find((c) => c.key === draft.activity), draft.activity!, ctx.locale),
            when: { dateTime: start, until: new Date(start.getTime() + draft.hours! * 3600_000), timeZone: ctx.region.timeZone },
            place: draft.place!,
            helpers: draft.helpers!,
            languages: draft.languages?.length ? draft.languages.map((language) => ({ language })) : msg('calls:post.anyLanguage'),
            deadline: msg('calls:post.before', { hours: draft.deadlineHours! }),
            description: draft.description || msg('registration:summary.none'),
          }),
          choices: [
            { value: 'post', label: msg('calls:post.confirm') },
            { value: 'discard', label: msg('calls:post.discard') },
          ],
        };
      }
    }
  }

  async function answer(ctx: FlowContext, a: Answer): Promise<Transition> {
    const draft = { ...draftOf(ctx) };
    const step = ctx.state.step as StepId;
    const text = a.type === 'text' ? a.text.trim() : '';
    const choice = a.type === 'choice' ? a.values[0] : undefined;
    switch (step) {
      case 'activity':
        if (!choice) return stay(ctx, msg('conversation:pickOne'));
        draft.activity = choice;
        break;
      case 'title':
        if (text.length < 3 || text.length > 120) return stay(ctx, msg('calls:invalid.title', { min: 3, max: 120 }));
        draft.title = text;
        break;
      case 'description':
        if (text.length > 2000) return stay(ctx, msg('calls:invalid.description', { max: 2000 }));
        draft.description = choice === SKIP ? '' : text;
        break;
      case 'place':
        if (ctx.services.places.search(text, 1).length === 0 && !/\b\d{5}\b/.test(text)) return stay(ctx, msg('calls:invalid.place', { query: text }));
        draft.place = text;
        break;
      case 'start': {
        const at = parseLocalDateTime(text, ctx.region.timeZone, ctx.services.now());
        if (!at || at <= ctx.services.now()) return stay(ctx, msg('calls:post.invalid.start'));
        draft.startsAt = at.toISOString();
        break;
      }
      case 'duration': {
        const hours = number(a, 1, 24);
        if (hours === null) return stay(ctx, msg('calls:post.invalid.duration', { max: 24 }));
        draft.hours = hours;
        break;
      }
      case 'helpers': {
        const helpers = number(a, 1, 200);
        if (helpers === null) return stay(ctx, msg('calls:invalid.helpersNeeded', { max: 200 }));
        draft.helpers = helpers;
        break;
      }
      case 'languages': {
        const codes = a.type === 'choice' ? a.values : text.split(/[,;\s]+/).filter(Boolean).map(normalizeLanguageCode);
        if (codes.some((c) => c === null)) return stay(ctx, msg('calls:invalid.language', { codes: text }));
        draft.languages = codes as string[];
        break;
      }
      case 'deadline': {
        const hours = choice ? Number(choice) : NaN;
        if (!DEADLINES.includes(hours)) return stay(ctx, msg('conversation:pickOne'));
        draft.deadlineHours = hours;
        break;
      }
      case 'summary':
        if (choice === 'discard') return { messages: [msg('calls:post.discarded')], next: { flow: 'menu', step: 'main' } };
        if (choice !== 'post') return stay(ctx, msg('conversation:pickOne'));
        return post(ctx, draft);
    }
    return next(ctx, draft, after(step));
  }

  async function post(ctx: FlowContext, draft: Draft): Promise<Transition> {
    const service = posting();
    const organisation = await ctx.repos.organisations.findById(draft.organisationId);
    if (!service || !organisation || !ctx.person) return { messages: [msg('errors:ROLE_REQUIRED')], next: { flow: 'menu', step: 'main' } };
    const startsAt = new Date(draft.startsAt!);
    try {
      const call = await service.prepare(ctx.repos, organisation, ctx.person.id, {
        activity: draft.activity!,
        title: draft.title!,
        description: draft.description ?? '',
        descriptionLang: ctx.locale,
        place: draft.place!,
        startsAt,
        endsAt: new Date(startsAt.getTime() + draft.hours! * 3600_000),
        helpersNeeded: draft.helpers!,
        languages: draft.languages ?? [],
        answerBy: new Date(startsAt.getTime() - draft.deadlineHours! * 3600_000),
      });
      await saveCall(ctx.repos, call);
      return { messages: [msg('calls:post.posted', { title: call.title })], next: { flow: 'menu', step: 'main' } };
    } catch (error) {
      if (!(error instanceof CallValidationError)) throw error;
      // E.g. the start came too close while the coordinator was typing: say what, and ask again.
      const first = error.problems[0]!;
      const back: StepId = first.field === 'startsAt' || first.field === 'answerBy' ? 'start' : first.field === 'place' ? 'place' : 'summary';
      return { messages: error.problems.map((p) => p.message), next: { flow: POST_CALL, step: back, data: draft as unknown as Record<string, unknown> } };
    }
  }

  return { id: POST_CALL, forRegistered: true, ask, answer };
}

/** Starts the flow for a coordinator; anyone else is told they need the role. */
export async function startPostCall(ctx: FlowContext): Promise<Transition> {
  const refused = await refuse(ctx, 'call.post');
  if (refused) return refused;
  const grants = (await ctx.repos.roles.active(ctx.person!.id)).filter((g) => g.role === 'coordinator' && g.organisationId);
  if (grants.length === 0) return stay(ctx, msg('errors:ROLE_REQUIRED'));
  return next(ctx, { organisationId: grants[0]!.organisationId! }, 'activity');
}

/**
 * `/calls`: how the coordinator's organisations' calls are filling, and each one to open: to cancel
 * it, or after its end to record who came.
 */
export async function callsOverview(ctx: FlowContext): Promise<Transition> {
  const refused = await refuse(ctx, 'call.post');
  if (refused) return refused;
  const calls = await coordinatedCalls(ctx);
  if (calls === null) return stay(ctx, msg('errors:ROLE_REQUIRED'));
  if (calls.length === 0) return stay(ctx, msg('calls:status.none'));
  const lines = [];
  for (const call of calls) lines.push(await callLine(ctx, call));
  return { messages: [msg('calls:status.header'), ...lines], next: { flow: MANAGE_CALLS, step: 'list' } };
}
