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

/** A warning: recorded with its reason, and the person is told why. */
export async function warnPerson(repos: Repositories, moderator: Person, target: Person, reason: string, at: Date, id: string): Promise<SanctionOutcome> {
  const refused = await mayAct(repos, moderator, target, 'person.warn');
  if (refused) return refused;
  await repos.sanctions.create({ id, personId: target.id, kind: 'warning', reason, byId: moderator.id, createdAt: at });
  await repos.audit.append({ actorId: moderator.id, action: 'person.warned', subjectType: 'person', subjectId: target.id, details: { sanctionId: id } });
  await notifyPerson(repos, target.id, msg('moderation:sanction.warned', { reason }), `sanction:${id}`);
  return { kind: 'done', sanctionId: id };
}

/**
 * A ban: the person can no longer act, their items under review or waiting
 * for revision and their open role requests are withdrawn, and they are told
 * why and how to ask for a review.
 */
export async function banPerson(repos: Repositories, moderator: Person, target: Person, reason: string, at: Date, id: string): Promise<SanctionOutcome> {
  const refused = await mayAct(repos, moderator, target, 'person.ban');
  if (refused) return refused;
  if (target.status === 'banned') return { kind: 'already-banned' };
  await repos.people.setStatus(target.id, 'banned');
  const withdrawn = await repos.submissions.withdrawOpen(target.id, at);
  const requests = await repos.roleRequests.withdrawPending(target.id, at);
  await repos.sanctions.create({ id, personId: target.id, kind: 'ban', reason, byId: moderator.id, createdAt: at });
  await repos.audit.append({ actorId: moderator.id, action: 'person.banned', subjectType: 'person', subjectId: target.id, details: { sanctionId: id, withdrawnItems: withdrawn.length, withdrawnRequests: requests } });
  await notifyPerson(repos, target.id, msg('moderation:sanction.banned', { reason }), `sanction:${id}`);
  return { kind: 'done', sanctionId: id };
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
