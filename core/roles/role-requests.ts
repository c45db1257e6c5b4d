import { msg } from '../messages.js';
import { notifyPerson } from '../moderation/notify.js';
import { itemWaits } from '../moderation/moderator-notices.js';
import type { Person } from '../people/person.js';
import type { Repositories, RoleName } from '../store.js';
import { actorOf } from './access.js';
import { authorize } from './authorization.js';
import type { RoleRequest } from './role-request.js';

/** The ladder a person climbs on request: reader, then commenter, then writer. */
const NEXT: Partial<Record<RoleName, RoleName>> = { reader: 'commenter', commenter: 'writer' };

export type RequestCheck =
  | { kind: 'may'; role: RoleName }
  | { kind: 'too-early'; role: RoleName; from: Date }
  | { kind: 'pending'; role: RoleName }
  | { kind: 'highest' };

/** Which right a person may ask for next, and whether they may now. */
export async function checkRoleRequest(repos: Repositories, person: Person, now: Date, waitDays: number): Promise<RequestCheck> {
  const held = new Set((await repos.roles.active(person.id)).map((g) => g.role));
  const current: RoleName = held.has('writer') ? 'writer' : held.has('commenter') ? 'commenter' : 'reader';
  const role = NEXT[current];
  if (!role) return { kind: 'highest' };
  const pending = await repos.roleRequests.pendingFor(person.id);
  if (pending) return { kind: 'pending', role: pending.role };
  const from = new Date(person.createdAt.getTime() + waitDays * 24 * 3600_000);
  if (role === 'commenter' && from > now) return { kind: 'too-early', role, from };
  return { kind: 'may', role };
}

/** Records a request with its reason; returns the check's refusal instead when the person may not ask now. */
export async function requestRole(repos: Repositories, person: Person, reason: string, at: Date, waitDays: number, id: string): Promise<RequestCheck> {
  const check = await checkRoleRequest(repos, person, at, waitDays);
  if (check.kind !== 'may') return check;
  await repos.roleRequests.create({ id, personId: person.id, role: check.role, reason, createdAt: at });
  await repos.audit.append({ actorId: person.id, action: 'role.requested', subjectType: 'person', subjectId: person.id, details: { role: check.role, requestId: id } });
  await itemWaits(repos, person.regionId, `role-request:${id}`);
  return check;
}

export type DecisionOutcome =
  | { kind: 'decided'; request: RoleRequest }
  | { kind: 'already-decided'; status: RoleRequest['status'] }
  | { kind: 'own' }
  | { kind: 'not-found' }
  | { kind: 'not-allowed' };

/**
 * A moderator approves or declines a request, with a reason the person is told
 * in their language. Only a pending request can be decided: of two moderators
 * deciding at once, one wins and the other learns that it was decided.
 */
export async function decideRoleRequest(
  repos: Repositories,
  moderator: Person,
  requestId: string,
  approve: boolean,
  reason: string,
  at: Date,
  newId: () => string,
): Promise<DecisionOutcome> {
  const request = await repos.roleRequests.findById(requestId);
  if (!request) return { kind: 'not-found' };
  const person = await repos.people.findById(request.personId);
  if (!person) return { kind: 'not-found' };
  if (!authorize(await actorOf(repos, moderator), 'role.decide', { regionId: person.regionId })) return { kind: 'not-allowed' };
  if (request.personId === moderator.id) return { kind: 'own' };
  const status = approve ? 'approved' : 'declined';
  if (!(await repos.roleRequests.decide(requestId, status, moderator.id, reason, at))) {
    return { kind: 'already-decided', status: (await repos.roleRequests.findById(requestId))?.status ?? 'withdrawn' };
  }
  await repos.audit.append({ actorId: moderator.id, action: `role.request.${status}`, subjectType: 'person', subjectId: person.id, details: { role: request.role, requestId } });
  if (approve) {
    const grantId = newId();
    await repos.roles.grant({ id: grantId, personId: person.id, role: request.role, regionId: person.regionId, organisationId: null, grantedById: moderator.id, reason });
    await repos.audit.append({ actorId: moderator.id, action: 'role.granted', subjectType: 'person', subjectId: person.id, details: { role: request.role, grantId, requestId, via: 'request' } });
  }
  await notifyPerson(repos, person.id, msg(`moderation:request.${status}`, { role: msg(`moderation:role.${request.role}`), reason }), `role-request:${requestId}`);
  return { kind: 'decided', request: { ...request, status, decidedById: moderator.id, decisionReason: reason, decidedAt: at } };
}
