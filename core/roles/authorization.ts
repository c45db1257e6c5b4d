import type { Person } from '../people/person.js';
import type { RoleGrant, RoleName } from '../store.js';

/**
 * Everything a person can be allowed or refused to do in the chat. The server
 * checks each command and button against {@link authorize}, whatever a channel
 * shows.
 */
export const ACTIONS = [
  'role.request',
  'item.submit',
  'item.revise',
  'item.comment',
  'item.report',
  'item.review',
  'role.decide',
  'person.warn',
  'person.ban',
  'ban.review',
  'ban.appeal',
  'call.post',
  'call.report',
  'call.reports.read',
  'role.assign',
  'board.event.post',
  'board.training.post',
  'board.need.post',
  'board.offer.post',
  'board.need.met',
  'board.signup',
  'board.contact',
  'notices.manage',
] as const;

export type Action = (typeof ACTIONS)[number];

/**
 * Which role allows which action. Every registered person is a reader; the
 * other roles come from grants. `ban.appeal` is the one thing a banned person
 * may do, and nobody else needs to.
 */
export const PERMISSIONS: Record<Action, readonly RoleName[]> = {
  'role.request': ['reader'],
  'item.submit': ['writer', 'moderator', 'admin'],
  // Coordinators revise their own returned events, trainings, needs and offers (only authors revise at all).
  'item.revise': ['writer', 'coordinator', 'moderator', 'admin'],
  'item.comment': ['commenter', 'writer', 'moderator', 'admin'],
  'item.report': ['reader'],
  'item.review': ['moderator', 'admin'],
  'role.decide': ['moderator', 'admin'],
  'person.warn': ['moderator', 'admin'],
  'person.ban': ['moderator', 'admin'],
  'ban.review': ['moderator', 'admin'],
  'ban.appeal': [],
  'call.post': ['coordinator'],
  // Whether this person helped at that call is checked by the report itself.
  'call.report': ['reader'],
  'call.reports.read': ['coordinator'],
  'role.assign': ['admin'],
  // The board: events and trainings by writers and organisations; needs and offers come from organisations.
  'board.event.post': ['writer', 'coordinator', 'moderator', 'admin'],
  'board.training.post': ['writer', 'coordinator', 'moderator', 'admin'],
  'board.need.post': ['coordinator', 'moderator', 'admin'],
  'board.offer.post': ['coordinator', 'moderator', 'admin'],
  // Besides these, a need's author and the coordinators of its organisation (checked by the board itself).
  'board.need.met': ['moderator', 'admin'],
  'board.signup': ['reader'],
  'board.contact': ['reader'],
  'notices.manage': ['moderator'],
};

/** Actions that need a grant in a given organisation (a coordinator posts for their own organisation). */
const ORGANISATION_SCOPED: readonly Action[] = ['call.post', 'call.reports.read'];

export interface Actor {
  status: Person['status'];
  grants: Pick<RoleGrant, 'role' | 'regionId' | 'organisationId'>[];
}

export interface Scope {
  regionId?: string;
  organisationId?: string;
}

/** The roles an actor holds where the action happens: reader always, grants limited to another region or organisation do not count. */
export function rolesIn(actor: Actor, scope: Scope, organisationScoped = false): Set<RoleName> {
  const roles = new Set<RoleName>(['reader']);
  for (const grant of actor.grants) {
    if (grant.regionId && scope.regionId && grant.regionId !== scope.regionId) continue;
    if (organisationScoped && (!grant.organisationId || (scope.organisationId && grant.organisationId !== scope.organisationId))) continue;
    roles.add(grant.role);
  }
  return roles;
}

/** The one authorisation rule: may this actor do this action here? */
export function authorize(actor: Actor, action: Action, scope: Scope = {}): boolean {
  if (action === 'ban.appeal') return actor.status === 'banned';
  if (actor.status === 'banned') return false;
  const roles = rolesIn(actor, scope, ORGANISATION_SCOPED.includes(action));
  return PERMISSIONS[action].some((role) => roles.has(role));
}
