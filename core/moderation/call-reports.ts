import type { Person } from '../people/person.js';
import { actorOf } from '../roles/access.js';
import { authorize } from '../roles/authorization.js';
import type { Repositories } from '../store.js';
import type { CallOutcome } from './ports.js';
import { precheck } from './precheck.js';
import type { WordLists } from './settings.js';
import { itemWaits } from './moderator-notices.js';

export interface CallReportInput {
  callId: string;
  outcome: CallOutcome;
  hours: number;
  issues: string | null;
  /** Also to be published: goes through the same review as any experience report. */
  publish?: { title: string; body: string; topic: string; language: string };
}

export type CallReportOutcome = { kind: 'filed'; submissionId: string | null } | { kind: 'not-reportable' } | { kind: 'already' } | { kind: 'not-allowed' };

/**
 * A volunteer who was accepted for a call reports after its end: how it went,
 * hours, issues. The report stays with the call's organisation; a version for
 * the public waits for a moderator like every submission.
 */
export async function fileCallReport(repos: Repositories, person: Person, input: CallReportInput, wordLists: WordLists, at: Date, newId: () => string): Promise<CallReportOutcome> {
  if (!authorize(await actorOf(repos, person), 'call.report', { regionId: person.regionId })) return { kind: 'not-allowed' };
  const call = (await repos.callReports.reportable(person.id, at, 100)).find((c) => c.callId === input.callId);
  if (!call) return { kind: 'not-reportable' };
  const submissionId = input.publish ? newId() : null;
  const id = newId();
  // The report first: a second report on the same call (a double tap on another channel) creates nothing.
  if (!(await repos.callReports.create({ id, callId: call.callId, personId: person.id, organisationId: call.organisationId, outcome: input.outcome, hours: input.hours, issues: input.issues, submissionId }, at))) {
    return { kind: 'already' };
  }
  if (input.publish && submissionId) {
    const flags = precheck(`${input.publish.title}\n${input.publish.body}`, wordLists, person);
    await repos.submissions.create(
      { id: submissionId, regionId: person.regionId, authorId: person.id, kind: 'report', topic: input.publish.topic, callId: call.callId, organisationId: call.organisationId, parentId: null, placeName: null },
      { title: input.publish.title, body: input.publish.body, language: input.publish.language, flags },
      at,
    );
    await itemWaits(repos, person.regionId, `submission:${submissionId}:1`);
  }
  await repos.audit.append({ actorId: person.id, action: 'call.reported', subjectType: 'call', subjectId: call.callId, details: { reportId: id, submissionId } });
  return { kind: 'filed', submissionId };
}
