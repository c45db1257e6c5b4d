import { msg } from '../messages.js';
import type { Person } from '../people/person.js';
import { actorOf } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import type { Repositories } from '../store.js';
import { normalizeEmail } from '../validation/index.js';
import { notifyPerson } from './notify.js';
import { itemWaits } from './moderator-notices.js';

export type SanctionOutcome = { kind: 'done'; sanctionId: string } | { kind: 'own' } | { kind: 'already-banned' } | { kind: 'not-banned' } | { kind: 'not-allowed' } | { kind: 'not-found' };

/**
 * Who a moderator means: an e-mail address of a person in the region, or the
 * reference of one of their items (as shown in the review).
 */
export async function findTarget(repos: Repositories, regionId: string, text: string): Promise<Person | null> {
  const email = normalizeEmail(text.trim());
  if (email) return repos.people.findByEmail(regionId, email);
  const ref = text.trim().replace(/^#/, '');
  if (!/^[0-9a-f-]{6,36}$/i.test(ref)) return null;
  const item = await repos.submissions.findByRef(regionId, ref);
  return item?.authorId ? repos.people.findById(item.authorId) : null;
}

async function mayAct(repos: Repositories, moderator: Person, target: Person, action: 'person.warn' | 'person.ban' | 'ban.review'): Promise<SanctionOutcome | null> {
  if (!authorize(await actorOf(repos, moderator), action, { regionId: target.regionId })) return { kind: 'not-allowed' };
  if (target.id === moderator.id) return { kind: 'own' };
  return null;
}

/** Who imposes a sanction: a moderator (their person id), or an operator on the command line (named in the audit entry). */
interface ImposedBy {
  actorId: string | null;
  details?: Record<string, unknown>;
}

async function recordWarning(repos: Repositories, by: ImposedBy, target: Person, reason: string, at: Date, id: string): Promise<SanctionOutcome> {
  await repos.sanctions.create({ id, personId: target.id, kind: 'warning', reason, byId: by.actorId, createdAt: at });
  await repos.audit.append({ actorId: by.actorId, action: 'person.warned', subjectType: 'person', subjectId: target.id, details: { sanctionId: id, ...by.details } });
  await notifyPerson(repos, target.id, msg('moderation:sanction.warned', { reason }), `sanction:${id}`);
  return { kind: 'done', sanctionId: id };
}

async function recordBan(repos: Repositories, by: ImposedBy, target: Person, reason: string, at: Date, id: string): Promise<SanctionOutcome> {
  if (target.status === 'banned') return { kind: 'already-banned' };
  await repos.people.setStatus(target.id, 'banned');
  const withdrawn = await repos.submissions.withdrawOpen(target.id, at);
  const requests = await repos.roleRequests.withdrawPending(target.id, at);
  await repos.sanctions.create({ id, personId: target.id, kind: 'ban', reason, byId: by.actorId, createdAt: at });
  await repos.audit.append({ actorId: by.actorId, action: 'person.banned', subjectType: 'person', subjectId: target.id, details: { sanctionId: id, withdrawnItems: withdrawn.length, withdrawnRequests: requests, ...by.details } });
  await notifyPerson(repos, target.id, msg('moderation:sanction.banned', { reason }), `sanction:${id}`);
  return { kind: 'done', sanctionId: id };
}

/** A warning: recorded with its reason, and the person is told why. */
export async function warnPerson(repos: Repositories, moderator: Person, target: Person, reason: string, at: Date, id: string): Promise<SanctionOutcome> {
  const refused = await mayAct(repos, moderator, target, 'person.warn');
  if (refused) return refused;
  return recordWarning(repos, { actorId: moderator.id }, target, reason, at, id);
}

/**
 * A ban: the person can no longer act, their items under review or waiting
 * for revision and their open role requests are withdrawn, and they are told
 * why and how to ask for a review.
 */
export async function banPerson(repos: Repositories, moderator: Person, target: Person, reason: string, at: Date, id: string): Promise<SanctionOutcome> {
  const refused = await mayAct(repos, moderator, target, 'person.ban');
  if (refused) return refused;
  return recordBan(repos, { actorId: moderator.id }, target, reason, at, id);
}

/** A banned person asks for a review of their ban, once per ban. */
export async function appealBan(repos: Repositories, person: Person, text: string, at: Date): Promise<SanctionOutcome> {
  if (person.status !== 'banned') return { kind: 'not-banned' };
  const ban = (await repos.sanctions.forPerson(person.id)).find((s) => s.kind === 'ban');
  if (!ban || !(await repos.sanctions.appeal(ban.id, text, at))) return { kind: 'already-banned' };
  await repos.audit.append({ actorId: person.id, action: 'person.appealed', subjectType: 'person', subjectId: person.id, details: { sanctionId: ban.id } });
  await itemWaits(repos, person.regionId, `appeal:${ban.id}`);
  return { kind: 'done', sanctionId: ban.id };
}

/**
 * A moderator answers an appeal: lifting the ban lets the person act again;
 * keeping it says why. Either way the person is told; two moderators answering
 * at once: one wins.
 */
export async function settleAppeal(repos: Repositories, moderator: Person, sanctionId: string, lift: boolean, reason: string, at: Date, newId: () => string): Promise<SanctionOutcome | { kind: 'already-settled' }> {
  const ban = (await repos.sanctions.openAppeals(moderator.regionId, 1000)).find((s) => s.id === sanctionId);
  const target = ban ? await repos.people.findById(ban.personId) : null;
  if (!target) return { kind: 'already-settled' };
  const refused = await mayAct(repos, moderator, target, 'ban.review');
  if (refused) return refused;
  if (!(await repos.sanctions.settle(sanctionId, at))) return { kind: 'already-settled' };
  if (lift) {
    const id = newId();
    await repos.people.setStatus(target.id, 'active');
    await repos.sanctions.create({ id, personId: target.id, kind: 'lifted', reason, byId: moderator.id, createdAt: at });
    await repos.audit.append({ actorId: moderator.id, action: 'person.unbanned', subjectType: 'person', subjectId: target.id, details: { sanctionId: id, appealOf: sanctionId } });
  } else {
    await repos.audit.append({ actorId: moderator.id, action: 'person.ban.kept', subjectType: 'person', subjectId: target.id, details: { sanctionId } });
  }
  await notifyPerson(repos, target.id, msg(lift ? 'moderation:appeal.lifted' : 'moderation:appeal.kept', { reason }), `appeal:${sanctionId}`);
  return { kind: 'done', sanctionId };
}

export type OperatorSanction = 'warn' | 'ban' | 'unban';

/**
 * A sanction by an operator (`npm run admin -- warn|ban|unban`): the same
 * rules and records as a moderator's, a reason is required, the person is told
 * in their language through the outgoing queue, and the audit entry names the
 * operator. Lifting a ban also answers an open appeal on it.
 */
export async function operatorSanction(repos: Repositories, action: OperatorSanction, target: Person, reason: string, operator: string, at: Date, id: string): Promise<SanctionOutcome | { kind: 'reason-required' }> {
  const why = reason.trim();
  if (!why) return { kind: 'reason-required' };
  const by: ImposedBy = { actorId: null, details: { via: 'cli', operator } };
  if (action === 'warn') return recordWarning(repos, by, target, why, at, id);
  if (action === 'ban') return recordBan(repos, by, target, why, at, id);
  if (target.status !== 'banned') return { kind: 'not-banned' };
  const ban = (await repos.sanctions.forPerson(target.id)).find((s) => s.kind === 'ban');
  if (ban?.appealedAt && !ban.settledAt) await repos.sanctions.settle(ban.id, at);
  await repos.people.setStatus(target.id, 'active');
  await repos.sanctions.create({ id, personId: target.id, kind: 'lifted', reason: why, byId: null, createdAt: at });
  await repos.audit.append({ actorId: null, action: 'person.unbanned', subjectType: 'person', subjectId: target.id, details: { sanctionId: id, ...(ban ? { liftedBan: ban.id } : {}), ...by.details } });
  await notifyPerson(repos, target.id, msg('moderation:sanction.lifted', { reason: why }), `sanction:${id}`);
  return { kind: 'done', sanctionId: id };
}
