import { msg, type Msg } from '../messages.js';
import type { Choice } from '../conversation/types.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { DomainError } from '../errors.js';
import { tallyResponses, type HelperCall } from './call.js';
import { releasePlace } from './call-answers.js';
import { cancelCall, recordAttendance } from './coordination.js';
import { refuse } from '../roles/access.js';

export const COMMITMENTS = 'commitments';
export const MANAGE_CALLS = 'calls';

const DONE = 'done';
const BACK = 'back';
const YES = 'yes';
const NO = 'no';
const NOBODY = 'nobody';
/** Ended calls stay in /calls this long, so attendance can still be recorded. */
const ATTENDANCE_DAYS = 7;

const toMenu = (...messages: Msg[]): Transition => ({ messages, next: { flow: 'menu', step: 'main' } });

function callId(ctx: FlowContext): string {
  return String((ctx.state.data as { callId?: string } | undefined)?.callId ?? '');
}

// ---------------------------------------------------------------------------
// A volunteer's commitments: give a place back, with a confirmation.

/** The accepted calls a person can still give back: not cancelled, not started. */
async function releasable(ctx: FlowContext) {
  const now = ctx.services.now();
  const commitments = await ctx.repos.commitments.upcoming(ctx.person!.id, now);
  return commitments.filter((c) => c.status !== 'cancelled' && c.startsAt > now);
}

/** After /commitments: the list as choices, where there is something to give back. */
export async function commitmentsNext(ctx: FlowContext): Promise<Transition['next'] | null> {
  return (await releasable(ctx)).length > 0 ? { flow: COMMITMENTS, step: 'list' } : null;
}

export const commitmentsFlow: Flow = {
  id: COMMITMENTS,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const timeZone = ctx.region.timeZone;
    if (ctx.state.step === 'confirm') {
      const commitment = (await releasable(ctx)).find((c) => c.callId === callId(ctx));
      return {
        text: commitment ? msg('commitments:confirmRelease', { title: commitment.title, when: { dateTime: commitment.startsAt, until: commitment.endsAt, timeZone } }) : msg('commitments:gone'),
        choices: [
          { value: YES, label: msg('commitments:releaseYes') },
          { value: NO, label: msg('commitments:releaseNo') },
        ],
      };
    }
    const choices: Choice[] = (await releasable(ctx)).map((c) => ({ value: c.callId, label: msg('commitments:release', { title: c.title, when: { dateTime: c.startsAt, timeZone } }) }));
    return { text: msg('commitments:releasePrompt'), choices: [...choices, { value: DONE, label: msg('commitments:done') }] };
  },
  async answer(ctx, answer): Promise<Transition> {
    const choice = answer.type === 'choice' ? answer.values[0] : undefined;
    if (!choice) return stay(ctx, msg('conversation:pickOne'));
    if (ctx.state.step === 'confirm') {
      if (choice === NO) return toMenu(msg('commitments:kept'));
      const released = await releasePlace(ctx.repos, callId(ctx), ctx.person!.id, ctx.services.now());
      return toMenu(msg(released ? 'calls:released' : 'calls:notAccepted'));
    }
    if (choice === DONE) return toMenu();
    return { next: { flow: COMMITMENTS, step: 'confirm', data: { callId: choice } } };
  },
};

// ---------------------------------------------------------------------------
// A coordinator's calls: status, cancel with a confirmation, attendance after the end.

/** The calls of the organisations the person coordinates, including those that ended in the last days. */
export async function coordinatedCalls(ctx: FlowContext): Promise<HelperCall[] | null> {
  if (!ctx.person) return null;
  const organisations = (await ctx.repos.roles.active(ctx.person.id)).filter((g) => g.role === 'coordinator' && g.organisationId).map((g) => g.organisationId!);
  if (organisations.length === 0) return null;
  const since = new Date(ctx.services.now().getTime() - ATTENDANCE_DAYS * 24 * 3600_000);
  return (await Promise.all(organisations.map((id) => ctx.repos.calls.upcomingForOrganisation(id, since)))).flat();
}

/** The call this step is about, if the person still coordinates it; the role is checked on every answer. */
async function coordinated(ctx: FlowContext): Promise<HelperCall | null> {
  return (await coordinatedCalls(ctx))?.find((c) => c.id === callId(ctx)) ?? null;
}

export async function callLine(ctx: FlowContext, call: HelperCall): Promise<Msg> {
  const tally = tallyResponses(await ctx.repos.calls.responses(call.id));
  const ended = call.endsAt <= ctx.services.now();
  return msg('calls:status.line', {
    title: call.title,
    when: { dateTime: call.startsAt, until: call.endsAt, timeZone: ctx.region.timeZone },
    state: msg(ended && call.status !== 'cancelled' ? 'calls:status.state.ended' : `calls:status.state.${call.status}`),
    accepted: call.acceptedCount,
    helpers: call.helpersNeeded,
    asked: tally.asked,
    declined: tally.declined,
  });
}

async function acceptedHelpers(ctx: FlowContext, call: HelperCall): Promise<Choice[]> {
  const accepted = (await ctx.repos.calls.responses(call.id)).filter((r) => r.status === 'accepted');
  const choices: Choice[] = [];
  for (const r of accepted) {
    const person = await ctx.repos.people.findById(r.personId);
    if (!person) continue;
    const name = [person.firstName, person.lastName].filter(Boolean).join(' ');
    choices.push({ value: person.id, label: { text: name }, selected: r.attended !== false });
  }
  return choices;
}

const cancellable = (call: HelperCall, now: Date) => (call.status === 'open' || call.status === 'full') && call.startsAt > now;
const attendable = (call: HelperCall, now: Date) => call.endsAt <= now && call.status !== 'cancelled' && call.acceptedCount > 0;

export const manageCallsFlow: Flow = {
  id: MANAGE_CALLS,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const now = ctx.services.now();
    const timeZone = ctx.region.timeZone;
    if (ctx.state.step === 'list') {
      const calls = (await coordinatedCalls(ctx)) ?? [];
      return {
        text: msg('calls:manage.pick'),
        choices: [...calls.map((c) => ({ value: c.id, label: msg('calls:manage.callChoice', { title: c.title, when: { dateTime: c.startsAt, timeZone } }) })), { value: DONE, label: msg('calls:manage.done') }],
      };
    }
    const call = await coordinated(ctx);
    if (!call) return { text: msg('calls:manage.gone'), choices: [{ value: BACK, label: msg('calls:manage.back') }] };
    switch (ctx.state.step) {
      case 'confirmCancel':
        return {
          text: msg('calls:manage.confirmCancel', { title: call.title, accepted: call.acceptedCount }),
          choices: [
            { value: YES, label: msg('calls:manage.cancelYes') },
            { value: NO, label: msg('calls:manage.cancelNo') },
          ],
        };
      case 'attendance':
        return {
          text: msg('calls:manage.attendance', { title: call.title }),
          multiple: true,
          choices: [...(await acceptedHelpers(ctx, call)), { value: NOBODY, label: msg('calls:manage.nobodyCame') }],
        };
      default: {
        const choices: Choice[] = [];
        if (cancellable(call, now)) choices.push({ value: 'cancel', label: msg('calls:manage.cancel') });
        if (attendable(call, now)) choices.push({ value: 'attendance', label: msg('calls:manage.recordAttendance') });
        choices.push({ value: BACK, label: msg('calls:manage.back') });
        return { text: await callLine(ctx, call), choices };
      }
    }
  },
  async answer(ctx, answer): Promise<Transition> {
    if (answer.type !== 'choice') return stay(ctx, msg('conversation:pickOne'));
    const choice = answer.values[0];
    const now = ctx.services.now();
    if (ctx.state.step === 'list') {
      if (choice === DONE) return toMenu();
      return { next: { flow: MANAGE_CALLS, step: 'call', data: { callId: choice } } };
    }
    const call = await coordinated(ctx);
    if (!call || choice === BACK) return { ...(call ? {} : { messages: [msg('calls:manage.gone')] }), next: { flow: MANAGE_CALLS, step: 'list' } };
    // A banned coordinator keeps the grant but may not act on it.
    const refused = await refuse(ctx, 'call.post', { organisationId: call.organisationId });
    if (refused) return refused;
    const data = { callId: call.id };
    switch (ctx.state.step) {
      case 'call':
        if (choice === 'cancel' && cancellable(call, now)) return { next: { flow: MANAGE_CALLS, step: 'confirmCancel', data } };
        if (choice === 'attendance' && attendable(call, now)) return { next: { flow: MANAGE_CALLS, step: 'attendance', data } };
        return stay(ctx, msg('conversation:pickOne'));
      case 'confirmCancel': {
        if (choice !== YES) return { messages: [msg('calls:manage.notCancelled')], next: { flow: MANAGE_CALLS, step: 'call', data } };
        const cancelled = await cancelCall(ctx.repos, call.id, now, ctx.person!.id);
        return { messages: [msg(cancelled ? 'calls:manage.cancelled' : 'calls:manage.alreadyClosed', { title: call.title })], next: { flow: MANAGE_CALLS, step: 'list' } };
      }
      case 'attendance': {
        const came = new Set(answer.values.filter((v) => v !== NOBODY));
        if (came.size > 0 && answer.values.includes(NOBODY)) return stay(ctx, msg('calls:manage.nobodyAndSomebody'));
        const helpers = await acceptedHelpers(ctx, call);
        try {
          for (const helper of helpers) await recordAttendance(ctx.repos, call, helper.value, came.has(helper.value), now, ctx.person!.id);
        } catch (error) {
          if (error instanceof DomainError) return stay(ctx, msg('calls:manage.attendanceFailed'));
          throw error;
        }
        return { messages: [msg('calls:manage.attendanceRecorded', { came: came.size, missed: helpers.length - came.size })], next: { flow: MANAGE_CALLS, step: 'list' } };
      }
    }
    return stay(ctx, msg('conversation:pickOne'));
  },
};
