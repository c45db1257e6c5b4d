import { msg } from '../messages.js';
import type { Person } from '../people/person.js';
import { actorOf } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import type { Repositories } from '../store.js';
import { notifyPerson, PUBLISHED_JOB } from './notify.js';
import type { ModerationDecision, Submission, SubmissionKind, SubmissionVersion, Verdict } from './ports.js';
import { precheck } from './precheck.js';
import type { WordLists } from './settings.js';
import { fromStatuses, nextStatus } from './state-machine.js';
import { itemWaits } from './moderator-notices.js';

export interface SubmissionInput {
  kind: SubmissionKind;
  title: string;
  body: string;
  topic: string;
  language: string;
  placeName: string | null;
}

/** How an item is named to people: the start of its id. */
export const itemRef = (id: string) => id.slice(0, 8);

export type SubmitOutcome = { kind: 'submitted'; submission: Submission; version: SubmissionVersion } | { kind: 'not-allowed' };

/** A writer submits an item: nothing is published before review; the pre-check's flags wait for the moderator. */
export async function submitItem(repos: Repositories, author: Person, input: SubmissionInput, wordLists: WordLists, at: Date, id: string): Promise<SubmitOutcome> {
  if (!authorize(await actorOf(repos, author), 'item.submit', { regionId: author.regionId })) return { kind: 'not-allowed' };
  const flags = precheck(`${input.title}\n${input.body}`, wordLists, author);
  const first = { title: input.title, body: input.body, language: input.language, flags };
  const submission = { id, regionId: author.regionId, authorId: author.id, kind: input.kind, topic: input.topic, callId: null, organisationId: null, parentId: null, placeName: input.placeName };
  await repos.submissions.create(submission, first, at);
  await repos.audit.append({ actorId: author.id, action: 'submission.submitted', subjectType: 'submission', subjectId: id, details: { kind: input.kind, flags: flags.length } });
  await itemWaits(repos, author.regionId, `submission:${id}:1`);
  return {
    kind: 'submitted',
    submission: { ...submission, status: 'pending', version: 1, createdAt: at, updatedAt: at },
    version: { ...first, submissionId: id, version: 1, createdAt: at },
  };
}

export type DecideOutcome =
  | { kind: 'decided'; verdict: Verdict }
  /** Somebody decided this version first. */
  | { kind: 'already-decided'; decision: ModerationDecision }
  /** The traffic light does not allow this from the item's state (e.g. publishing a rejected item). */
  | { kind: 'illegal'; status: Submission['status'] }
  | { kind: 'own' }
  | { kind: 'reason-required' }
  | { kind: 'not-found' }
  | { kind: 'not-allowed' };

/**
 * A moderator's decision on the version they saw. Green publishes and tells
 * the topic's followers, yellow returns the item with notes, red rejects it
 * with a reason; the author is told in their language. A decision on a
 * version that changed or was decided meanwhile is refused.
 */
export async function decideItem(repos: Repositories, reviewer: Person, submissionId: string, version: number, verdict: Verdict, reason: string | null, at: Date, newId: () => string): Promise<DecideOutcome> {
  const item = await repos.submissions.findById(submissionId);
  if (!item) return { kind: 'not-found' };
  if (!authorize(await actorOf(repos, reviewer), 'item.review', { regionId: item.regionId })) return { kind: 'not-allowed' };
  if (item.authorId === reviewer.id) return { kind: 'own' };
  if (verdict !== 'green' && !reason?.trim()) return { kind: 'reason-required' };
  const to = nextStatus(item.status, verdict);
  const moved = to !== null && item.version === version && (await repos.submissions.transition(submissionId, fromStatuses(verdict), version, to, at));
  if (!moved) {
    const decided = (await repos.submissions.decisions(submissionId)).filter((d) => d.version === version).at(-1);
    if (decided) return { kind: 'already-decided', decision: decided };
    return { kind: 'illegal', status: (await repos.submissions.findById(submissionId))?.status ?? item.status };
  }
  await repos.submissions.recordDecision({ id: newId(), submissionId, version, reviewerId: reviewer.id, verdict, reason: reason?.trim() || null }, at);
  await repos.audit.append({ actorId: reviewer.id, action: `submission.${verdict}`, subjectType: 'submission', subjectId: submissionId, details: { version } });
  const title = (await repos.submissions.versions(submissionId)).find((v) => v.version === version)?.title ?? '';
  if (item.authorId) {
    const key = { green: 'moderation:item.published', yellow: 'moderation:item.returned', red: 'moderation:item.rejected' }[verdict];
    await notifyPerson(repos, item.authorId, msg(key, { title, reason: reason?.trim() ?? '', ref: itemRef(submissionId) }), `submission:${submissionId}:${version}`);
  }
  if (verdict === 'green') await repos.jobs.enqueue({ name: PUBLISHED_JOB, key: `published:${submissionId}:${version}`, payload: { submissionId } });
  return { kind: 'decided', verdict };
}

export type ReviseOutcome = { kind: 'revised'; version: number } | { kind: 'illegal'; status: Submission['status'] } | { kind: 'not-found' } | { kind: 'not-allowed' };

/** The author revises a returned (yellow) item: a new version goes to review again; the old one and its notes are kept. */
export async function reviseItem(repos: Repositories, author: Person, submissionId: string, title: string, body: string, wordLists: WordLists, at: Date): Promise<ReviseOutcome> {
  const item = await repos.submissions.findById(submissionId);
  if (!item || item.authorId !== author.id) return { kind: 'not-found' };
  if (!authorize(await actorOf(repos, author), 'item.revise', { regionId: item.regionId })) return { kind: 'not-allowed' };
  const previous = (await repos.submissions.versions(submissionId)).find((v) => v.version === item.version);
  if (!previous || nextStatus(item.status, 'revise') === null) return { kind: 'illegal', status: item.status };
  const version = item.version + 1;
  if (!(await repos.submissions.transition(submissionId, ['returned'], item.version, 'pending', at, version))) return { kind: 'illegal', status: item.status };
  const flags = precheck(`${title}\n${body}`, wordLists, author);
  await repos.submissions.addVersion({ submissionId, version, title, body, language: previous.language, flags }, at);
  await repos.audit.append({ actorId: author.id, action: 'submission.revised', subjectType: 'submission', subjectId: submissionId, details: { version, flags: flags.length } });
  await itemWaits(repos, item.regionId, `submission:${submissionId}:${version}`);
  return { kind: 'revised', version };
}
