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

function needsRegistration(ctx: FlowContext, then: () => Transition | Promise<Transition>) {
  return ctx.person ? then() : stay(ctx, msg('errors:NOT_REGISTERED'));
}

/** The commands every channel offers (`/profile` on Telegram and the web, `!profile` on Matrix). */
export const commands: CommandTable = {
  call: (ctx) => startPostCall(ctx),
  calls: (ctx) => callsOverview(ctx),
  start: (ctx) => {
    if (ctx.person) return { messages: [msg('conversation:alreadyRegistered')], next: { flow: MENU, step: 'main' } };
    if (ctx.state.flow === REGISTRATION) return stay(ctx, msg('registration:continue'));
    return { next: { flow: REGISTRATION, step: 'language' } };
  },
  help: (ctx) => stay(ctx, msg(ctx.person ? 'conversation:help' : 'conversation:helpUnregistered')),
  menu: (ctx) => needsRegistration(ctx, () => ({ next: { flow: MENU, step: 'main' } })),
  language: (ctx) => chooseLanguage(ctx),
  profile: (ctx) => needsRegistration(ctx, () => ({ next: { flow: PROFILE, step: 'view' } })),
  export: (ctx) => needsRegistration(ctx, () => exportTransition(ctx)),
  delete: (ctx) => needsRegistration(ctx, () => ({ next: { flow: DELETE, step: 'confirm' } })),
  cancel: (ctx) => {
    if (ctx.person) return { messages: [msg('conversation:cancelled')], next: { flow: MENU, step: 'main' } };
    return { messages: [msg('registration:cancelled')], next: { flow: REGISTRATION, step: 'language' } };
  },
  commitments: (ctx) => needsRegistration(ctx, () => commitmentsCommand(ctx)),
  calendar: (ctx) => needsRegistration(ctx, () => calendarCommand(ctx)),
};
