import { msg } from '../messages.js';
import type { CommandTable } from '../conversation/commands.js';
import type { FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { chooseLanguage } from './language-flow.js';
import { MENU } from './menu-flow.js';
import { PROFILE, exportTransition } from '../profile/profile-flow.js';
import { DELETE } from '../profile/delete-flow.js';
import { REGISTRATION } from '../registration/registration-flow.js';
import { callsOverview, startPostCall } from '../calls/post-call-flow.js';
import { calendarCommand, commitmentsCommand } from '../calls/commitments.js';
import { moderationCommands } from '../moderation/commands.js';
import { informationCommands, startInfo } from '../information/index.js';
import { boardCommands } from '../board/index.js';

function needsRegistration(ctx: FlowContext, then: () => Transition | Promise<Transition>) {
  return ctx.person ? then() : stay(ctx, msg('errors:NOT_REGISTERED'));
}

/** The commands every channel offers (`/profile` on Telegram and the web, `!profile` on Matrix). */
export const commands: CommandTable = {
  call: (ctx) => startPostCall(ctx),
  pause: (ctx) =>
    needsRegistration(ctx, async () => {
      const days = ctx.event.input.type === 'command' && ctx.event.input.args ? Number(ctx.event.input.args.trim()) : 14;
      if (!Number.isInteger(days) || days < 1 || days > 365) return stay(ctx, msg('menu:pauseUsage', { max: 365 }));
      const until = new Date(ctx.services.now().getTime() + days * 24 * 3600_000);
      await ctx.repos.people.setPausedUntil(ctx.person!.id, until);
      return stay(ctx, msg('menu:paused', { until: { dateTime: until, timeZone: ctx.region.timeZone } }));
    }),
  resume: (ctx) =>
    needsRegistration(ctx, async () => {
      await ctx.repos.people.setPausedUntil(ctx.person!.id, null);
      return stay(ctx, msg('menu:resumed'));
    }),
  calls: (ctx) => callsOverview(ctx),
  start: (ctx) => {
    if (ctx.person) return { messages: [msg('conversation:alreadyRegistered')], next: { flow: MENU, step: 'main' } };
    // At the first question there is nothing to continue yet (a chat's first message is often /start);
    // that question itself tells a refugee looking for information about /info.
    if (ctx.state.flow === REGISTRATION) return ctx.state.step === 'language' ? stay(ctx) : stay(ctx, msg('registration:continue'), msg('information:startHint'));
    return { next: { flow: REGISTRATION, step: 'language' } };
  },
  help: (ctx) => {
    if (ctx.person?.kind === 'refugee') return stay(ctx, msg('information:help'), msg('board:help'));
    return ctx.person ? stay(ctx, msg('conversation:help'), msg('moderation:help'), msg('information:helpVolunteer'), msg('board:help'), msg('board:helpPost')) : stay(ctx, msg('conversation:helpUnregistered'));
  },
  // A person who only reads information has no volunteer profile: their home and settings are /info.
  menu: (ctx) => needsRegistration(ctx, () => (ctx.person!.kind === 'refugee' ? startInfo(ctx) : { next: { flow: MENU, step: 'main' } })),
  language: (ctx) => chooseLanguage(ctx),
  profile: (ctx) => needsRegistration(ctx, () => (ctx.person!.kind === 'refugee' ? startInfo(ctx) : { next: { flow: PROFILE, step: 'view' } })),
  export: (ctx) => needsRegistration(ctx, () => exportTransition(ctx)),
  delete: (ctx) => needsRegistration(ctx, () => ({ next: { flow: DELETE, step: 'confirm' } })),
  cancel: (ctx) => {
    if (ctx.person) return { messages: [msg('conversation:cancelled')], next: { flow: MENU, step: 'main' } };
    return { messages: [msg('registration:cancelled')], next: { flow: REGISTRATION, step: 'language' } };
  },
  commitments: (ctx) => needsRegistration(ctx, () => commitmentsCommand(ctx)),
  calendar: (ctx) => needsRegistration(ctx, () => calendarCommand(ctx)),
  ...moderationCommands,
  ...informationCommands,
  ...boardCommands,
};
