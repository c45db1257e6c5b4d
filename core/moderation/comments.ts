import { msg } from '../messages.js';
import type { Person } from '../people/person.js';
import { actorOf } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import type { Repositories } from '../store.js';
import { notifyPerson } from './notify.js';
import { precheck } from './precheck.js';
import type { ModerationSettings } from './settings.js';
import { nextStatus } from './state-machine.js';
import { itemRef } from './submissions.js';
import { itemWaits } from './moderator-notices.js';

export type CommentOutcome = { kind: 'published' | 'pending'; id: string } | { kind: 'not-allowed' } | { kind: 'not-found' };

/**
 * A commenter comments on a published item. With pre-moderation the comment
 * waits in the review queue like any submission; with post-moderation it is
 * shown at once and anyone can report it.
 */
export async function commentOn(repos: Repositories, author: Person, parentId: string, text: string, settings: ModerationSettings, at: Date, id: string): Promise<CommentOutcome> {
  const parent = await repos.submissions.findById(parentId);
  if (!parent || parent.status !== 'published' || parent.parentId) return { kind: 'not-found' };
  if (!authorize(await actorOf(repos, author), 'item.comment', { regionId: parent.regionId })) return { kind: 'not-allowed' };
  const title = (await repos.submissions.versions(parentId)).find((v) => v.version === parent.version)?.title ?? '';
  const flags = precheck(text, settings.wordLists, author);
  await repos.submissions.create(
    { id, regionId: parent.regionId, authorId: author.id, kind: 'comment', topic: parent.topic, callId: null, organisationId: null, parentId, placeName: null },
    { title: `Re: ${title}`.slice(0, 120), body: text, language: author.locale, flags },
    at,
  );
  const post = settings.commentModeration === 'post';
  if (post) await repos.submissions.transition(id, ['pending'], 1, 'published', at);
  else await itemWaits(repos, parent.regionId, `submission:${id}:1`);
  await repos.audit.append({ actorId: author.id, action: 'submission.commented', subjectType: 'submission', subjectId: id, details: { parentId, moderation: settings.commentModeration, flags: flags.length } });
  return { kind: post ? 'published' : 'pending', id };
}

export type ReportOutcome = { kind: 'reported' } | { kind: 'already' } | { kind: 'not-found' } | { kind: 'not-allowed' };

/** "Report this": anyone registered can ask a moderator to look at a published item again. */
export async function reportItem(repos: Repositories, reporter: Person, submissionId: string, reason: string, at: Date, id: string): Promise<ReportOutcome> {
  const item = await repos.submissions.findById(submissionId);
  if (!item || item.status !== 'published') return { kind: 'not-found' };
  if (!authorize(await actorOf(repos, reporter), 'item.report', { regionId: item.regionId })) return { kind: 'not-allowed' };
  if (await repos.abuseReports.hasOpen(submissionId, reporter.id)) return { kind: 'already' };
  await repos.abuseReports.create({ id, submissionId, reporterId: reporter.id, reason }, at);
  await repos.audit.append({ actorId: reporter.id, action: 'submission.reported', subjectType: 'submission', subjectId: submissionId, details: { reportId: id } });
  await itemWaits(repos, item.regionId, `abuse:${id}`);
  return { kind: 'reported' };
}

export type ResolveOutcome = { kind: 'kept' | 'removed' } | { kind: 'already-resolved' } | { kind: 'own' } | { kind: 'not-allowed' } | { kind: 'not-found' };

/**
 * A moderator answers the reports on an item: keep it, or take it down with a
 * reason the author is told. Two moderators at once: one wins.
 */
export async function resolveReports(repos: Repositories, moderator: Person, submissionId: string, remove: boolean, reason: string, at: Date, newId: () => string): Promise<ResolveOutcome> {
  const item = await repos.submissions.findById(submissionId);
  if (!item) return { kind: 'not-found' };
  if (!authorize(await actorOf(repos, moderator), 'item.review', { regionId: item.regionId })) return { kind: 'not-allowed' };
  if (item.authorId === moderator.id) return { kind: 'own' };
  if ((await repos.abuseReports.resolve(submissionId, moderator.id, remove ? 'removed' : 'kept', at)) === 0) return { kind: 'already-resolved' };
  if (remove) {
    const to = nextStatus(item.status, 'takedown');
    if (!to || !(await repos.submissions.transition(submissionId, [item.status], item.version, to, at))) return { kind: 'already-resolved' };
    await repos.submissions.recordDecision({ id: newId(), submissionId, version: item.version, reviewerId: moderator.id, verdict: 'red', reason }, at);
    const title = (await repos.submissions.versions(submissionId)).find((v) => v.version === item.version)?.title ?? '';
    if (item.authorId) await notifyPerson(repos, item.authorId, msg('moderation:item.removed', { title, ref: itemRef(submissionId), reason }), `takedown:${submissionId}`);
  }
  await repos.audit.append({ actorId: moderator.id, action: remove ? 'submission.removed' : 'submission.kept', subjectType: 'submission', subjectId: submissionId, details: { version: item.version } });
  return { kind: remove ? 'removed' : 'kept' };
}
