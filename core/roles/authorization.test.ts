import { describe, expect, it } from 'vitest';
import type { RoleName } from '../store.js';
import { ACTIONS, authorize, type Action, type Actor } from './authorization.js';

const R = true;
const _ = false;

/**
 * The whole table, written out: what each role may do. A row per action, a
 * column per role; `banned` is an active moderator and admin at once, banned.
 */
const TABLE: Record<Action, [reader: boolean, commenter: boolean, writer: boolean, coordinator: boolean, moderator: boolean, admin: boolean, banned: boolean]> = {
  'role.request': [R, R, R, R, R, R, _],
  'item.submit': [_, _, R, _, R, R, _],
  'item.revise': [_, _, R, R, R, R, _],
  'item.comment': [_, R, R, _, R, R, _],
  'item.report': [R, R, R, R, R, R, _],
  'item.review': [_, _, _, _, R, R, _],
  'role.decide': [_, _, _, _, R, R, _],
  'person.warn': [_, _, _, _, R, R, _],
  'person.ban': [_, _, _, _, R, R, _],
  'ban.review': [_, _, _, _, R, R, _],
  'ban.appeal': [_, _, _, _, _, _, R],
  'call.post': [_, _, _, R, _, _, _],
  'call.report': [R, R, R, R, R, R, _],
  'call.reports.read': [_, _, _, R, _, _, _],
  'role.assign': [_, _, _, _, _, R, _],
  'board.event.post': [_, _, R, R, R, R, _],
  'board.training.post': [_, _, R, R, R, R, _],
  'board.need.post': [_, _, _, R, R, R, _],
  'board.offer.post': [_, _, _, R, R, R, _],
  'board.need.met': [_, _, _, _, R, R, _],
  'board.signup': [R, R, R, R, R, R, _],
  'board.contact': [R, R, R, R, R, R, _],
  'notices.manage': [_, _, _, _, R, _, _],
};

const ROLES: (RoleName | 'banned')[] = ['reader', 'commenter', 'writer', 'coordinator', 'moderator', 'admin', 'banned'];

function actor(role: RoleName | 'banned'): Actor {
  if (role === 'banned') return { status: 'banned', grants: [{ role: 'moderator', regionId: null, organisationId: null }, { role: 'admin', regionId: null, organisationId: null }] };
  if (role === 'reader') return { status: 'active', grants: [] };
  return { status: 'active', grants: [{ role, regionId: null, organisationId: role === 'coordinator' ? 'org-1' : null }] };
}

describe('the action x role authorisation table', () => {
  it('covers every action', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ACTIONS].sort());
  });

  const cases = ACTIONS.flatMap((action) => ROLES.map((role, i) => ({ action, role, allowed: TABLE[action][i]! })));
  it.each(cases)('$action by $role: $allowed', ({ action, role, allowed }) => {
    expect(authorize(actor(role), action, { regionId: 'r1', organisationId: 'org-1' })).toBe(allowed);
  });

  it('counts a grant only in its own region', () => {
    const moderatorElsewhere: Actor = { status: 'active', grants: [{ role: 'moderator', regionId: 'r2', organisationId: null }] };
    expect(authorize(moderatorElsewhere, 'item.review', { regionId: 'r1' })).toBe(false);
    expect(authorize(moderatorElsewhere, 'item.review', { regionId: 'r2' })).toBe(true);
  });

  it('lets a coordinator post only for their own organisation, and never without one', () => {
    const coordinator = actor('coordinator');
    expect(authorize(coordinator, 'call.post', { organisationId: 'org-1' })).toBe(true);
    expect(authorize(coordinator, 'call.post', { organisationId: 'org-2' })).toBe(false);
    expect(authorize({ status: 'active', grants: [{ role: 'coordinator', regionId: null, organisationId: null }] }, 'call.post', {})).toBe(false);
  });
});
