import { msg } from '../messages.js';
import type { Answer, Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { refuse } from '../roles/access.js';
import { fileCallReport } from './call-reports.js';
import { choiceOf, settingsOf, textOf, toMenu } from './flow-support.js';
import type { CallOutcome } from './ports.js';
import { itemRef } from './submissions.js';
import { TOPICS } from './settings.js';

export const CALL_REPORT = 'call-report';
const OUTCOMES: CallOutcome[] = ['good', 'mixed', 'bad'];
const SKIP = 'skip';

interface Draft {
  callId?: string;
  outcome?: CallOutcome;
  hours?: number;
  issues?: string | null;
  title?: string;
  body?: string;
}

const draftOf = (ctx: FlowContext) => (ctx.state.data ?? {}) as Draft;
const go = (draft: Draft, step: string): Transition => ({ next: { flow: CALL_REPORT, step, data: draft as Record<string, unknown> } });

/** `/report`: after a helper call, how it went, the hours and any issues; private to the organisation unless also published. */
export async function startCallReport(ctx: FlowContext): Promise<Transition> {
  const refused = await refuse(ctx, 'call.report');
  if (refused) return refused;
  const calls = await ctx.repos.callReports.reportable(ctx.person!.id, ctx.services.now(), 10);
  if (calls.length === 0) return stay(ctx, msg('moderation:callReport.none'));
  return go({}, 'call');
}

async function ask(ctx: FlowContext): Promise<PromptSpec> {
  switch (ctx.state.step) {
    case 'call': {
      const calls = await ctx.repos.callReports.reportable(ctx.person!.id, ctx.services.now(), 10);
      return {
        text: msg('moderation:callReport.ask.call'),
        choices: calls.map((c) => ({ value: c.callId, label: msg('moderation:callReport.callOption', { title: c.title, when: { dateTime: c.startsAt, until: c.endsAt, timeZone: ctx.region.timeZone } }) })),
      };
    }
    case 'outcome':
      return { text: msg('moderation:callReport.ask.outcome'), choices: OUTCOMES.map((o) => ({ value: o, label: msg(`moderation:callReport.outcome.${o}`) })) };
    case 'hours':
      return { text: msg('moderation:callReport.ask.hours'), input: 'number', choices: [1, 2, 3, 4].map((h) => ({ value: String(h), label: { text: String(h) } })) };
    case 'issues':
      return { text: msg('moderation:callReport.ask.issues'), input: 'long-text', choices: [{ value: SKIP, label: msg('moderation:callReport.noIssues') }] };
    case 'publish':
      return {
        text: msg('moderation:callReport.ask.publish'),
        choices: [
          { value: 'private', label: msg('moderation:callReport.private') },
          { value: 'publish', label: msg('moderation:callReport.publish') },
        ],
      };
    case 'title':
      return { text: msg('moderation:submit.ask.title'), input: 'text' };
    case 'body':
      return { text: msg('moderation:submit.ask.body'), input: 'long-text' };
    default:
      return { text: msg('moderation:submit.ask.topic'), choices: TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`) })) };
  }
}

async function answer(ctx: FlowContext, a: Answer): Promise<Transition> {
  const draft = { ...draftOf(ctx) };
  const text = textOf(a);
  const choice = choiceOf(a);
  switch (ctx.state.step) {
    case 'call':
      if (!choice) return stay(ctx, msg('conversation:pickOne'));
      return go({ callId: choice }, 'outcome');
    case 'outcome':
      if (!OUTCOMES.includes(choice as CallOutcome)) return stay(ctx, msg('conversation:pickOne'));
      return go({ ...draft, outcome: choice as CallOutcome }, 'hours');
    case 'hours': {
      const hours = Number((choice ?? text).replace(',', '.'));
      if (!Number.isFinite(hours) || hours <= 0 || hours > 24) return stay(ctx, msg('moderation:callReport.invalidHours', { max: 24 }));
      return go({ ...draft, hours: Math.round(hours * 4) / 4 }, 'issues');
    }
    case 'issues':
      return go({ ...draft, issues: choice === SKIP ? null : text }, 'publish');
    case 'publish':
      if (choice === 'private') return save(ctx, draft, null);
      if (choice !== 'publish') return stay(ctx, msg('conversation:pickOne'));
      return go(draft, 'title');
    case 'title':
      if (text.length < 3 || text.length > 120) return stay(ctx, msg('moderation:submit.invalid.title', { min: 3, max: 120 }));
      return go({ ...draft, title: text }, 'body');
    case 'body':
      if (text.length < 20) return stay(ctx, msg('moderation:submit.invalid.body', { min: 20, max: 2000 }));
      return go({ ...draft, body: text }, 'topic');
    default:
      if (!choice) return stay(ctx, msg('conversation:pickOne'));
      return save(ctx, draft, choice);
  }
}

async function save(ctx: FlowContext, draft: Draft, topic: string | null): Promise<Transition> {
  const outcome = await fileCallReport(
    ctx.repos,
    ctx.person!,
    {
      callId: draft.callId!,
      outcome: draft.outcome!,
      hours: draft.hours!,
      issues: draft.issues ?? null,
      ...(topic ? { publish: { title: draft.title!, body: draft.body!, topic, language: ctx.locale } } : {}),
    },
    settingsOf(ctx).wordLists,
    ctx.services.now(),
    ctx.services.newId,
  );
  switch (outcome.kind) {
    case 'filed':
      return toMenu(outcome.submissionId ? msg('moderation:callReport.sentForReview', { ref: itemRef(outcome.submissionId) }) : msg('moderation:callReport.saved'));
    case 'not-allowed':
      return { ...((await refuse(ctx, 'call.report')) ?? toMenu()), next: { flow: 'menu', step: 'main' } };
    default:
      return toMenu(msg('moderation:callReport.already'));
  }
}

export const callReportFlow: Flow = { id: CALL_REPORT, forRegistered: true, ask, answer };

/** `/reports`: a coordinator reads the reports of their organisation's calls. */
export async function organisationReports(ctx: FlowContext): Promise<Transition> {
  const refused = await refuse(ctx, 'call.reports.read');
  if (refused) return refused;
  const organisations = (await ctx.repos.roles.active(ctx.person!.id)).filter((g) => g.role === 'coordinator' && g.organisationId).map((g) => g.organisationId!);
  const reports = (await Promise.all(organisations.map((id) => ctx.repos.callReports.forOrganisation(id, 20)))).flat();
  if (reports.length === 0) return stay(ctx, msg('moderation:callReport.noneForOrganisation'));
  return stay(
    ctx,
    msg('moderation:callReport.header'),
    ...reports.map((r) =>
      msg('moderation:callReport.line', {
        title: r.title,
        outcome: msg(`moderation:callReport.outcome.${r.outcome}`),
        hours: r.hours,
        issues: r.issues ?? msg('registration:summary.none'),
        published: msg(r.submissionId ? 'moderation:callReport.forPublication' : 'moderation:callReport.privateNote'),
      }),
    ),
  );
}
