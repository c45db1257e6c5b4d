import { msg } from '../messages.js';
import type { Flow, FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { RegistrationDraft } from '../registration/draft.js';
import { REGISTRATION } from '../registration/registration-flow.js';
import { profileParams } from '../registration/summary.js';
import { MENU } from '../menu/menu-flow.js';
import { DELETE } from './delete-flow.js';
import { exportPersonData } from './data-export.js';

export const PROFILE = 'profile';

/** Shows the stored profile with the ways to change, export or delete it. */
export const profileFlow: Flow = {
  id: PROFILE,
  forRegistered: true,
  ask: async (ctx) => {
    const person = registered(ctx);
    const catalogue = await ctx.repos.regions.allActivities(person.regionId);
    return {
      text: msg('profile:view', profileParams({ ...person, placeName: person.placeName ?? '' } as never, catalogue, ctx.locale)),
      choices: [
        { value: 'change', label: msg('profile:action.change') },
        { value: 'export', label: msg('profile:action.export') },
        { value: 'delete', label: msg('profile:action.delete') },
        { value: 'back', label: msg('profile:action.back') },
      ],
    };
  },
  answer: async (ctx, answer) => {
    const person = registered(ctx);
    switch (answer.type === 'choice' ? answer.values[0] : undefined) {
      case 'change': {
        const draft: RegistrationDraft = {
          mode: 'edit',
          firstName: person.firstName ?? '',
          lastName: person.lastName ?? '',
          email: person.email ?? '',
          phone: person.phone,
          placeName: person.placeName ?? '',
          postcode: person.postcode,
          lat: person.lat ?? 0,
          lon: person.lon ?? 0,
          travelRadiusKm: person.travelRadiusKm ?? 10,
          activities: person.activities,
          languages: person.languages,
          weeklyHours: person.weeklyHours ?? 1,
          skills: person.skills,
        };
        return { next: { flow: REGISTRATION, step: 'editPick', data: draft as unknown as Record<string, unknown> } };
      }
      case 'export':
        return exportTransition(ctx);
      case 'delete':
        return { next: { flow: DELETE, step: 'confirm' } };
      case 'back':
        return { next: { flow: MENU, step: 'main' } };
      default:
        return stay(ctx, msg('conversation:pickOne'));
    }
  },
};

/** Hands the person everything stored about them as a JSON file, and stays where they are. */
export async function exportTransition(ctx: FlowContext): Promise<Transition> {
  const person = registered(ctx);
  const data = await exportPersonData(ctx.repos, person.id);
  return {
    messages: [msg('profile:exported')],
    attachment: { filename: 'helferruf-data.json', mediaType: 'application/json', content: JSON.stringify(data, null, 2) },
    next: { flow: ctx.state.flow, step: ctx.state.step, ...(ctx.state.data ? { data: ctx.state.data } : {}) },
  };
}

export function registered(ctx: FlowContext) {
  if (!ctx.person) throw new DomainError(ErrorCode.NotRegistered);
  return ctx.person;
}
