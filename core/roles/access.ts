import { msg } from '../messages.js';
import type { FlowContext, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import type { Person } from '../people/person.js';
import type { Repositories } from '../store.js';
import { authorize, PERMISSIONS, type Action, type Actor, type Scope } from './authorization.js';

export async function actorOf(repos: Repositories, person: Person): Promise<Actor> {
  return { status: person.status, grants: await repos.roles.active(person.id) };
}

/** What a refused person is told: what they would need, or that they are banned. */
export function deniedMessage(actor: Actor | null, action: Action) {
  if (!actor) return msg('errors:NOT_REGISTERED');
  if (actor.status === 'banned') return msg('moderation:denied.banned');
  if (action === 'ban.appeal') return msg('moderation:denied.notBanned');
  // The helper-call flows have always said this; kept so people see the same sentence.
  if (action === 'call.post' || action === 'call.reports.read') return msg('errors:ROLE_REQUIRED');
  return msg('moderation:denied.role', { roles: PERMISSIONS[action].map((role) => msg(`moderation:role.${role}`)) });
}

/**
 * Checks an action for the person of this turn. Returns null when allowed;
 * otherwise the refusal (a translated message), after writing the attempt to
 * the audit log. Every moderation command and button goes through here.
 */
export async function refuse(ctx: FlowContext, action: Action, scope: Scope = {}): Promise<Transition | null> {
  const actor = ctx.person ? await actorOf(ctx.repos, ctx.person) : null;
  if (actor && authorize(actor, action, { regionId: ctx.region.id, ...scope })) return null;
  if (ctx.person) {
    await ctx.repos.audit.append({ actorId: ctx.person.id, action: 'access.denied', subjectType: 'action', subjectId: action, details: { channel: ctx.event.channel, status: ctx.person.status } });
  }
  return stay(ctx, deniedMessage(actor, action));
}
