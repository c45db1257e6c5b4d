export { moderationCommands } from './commands.js';
export { moderationJobHandlers, notifyPerson, NOTIFY_JOB, PUBLISHED_JOB } from './notify.js';
export { precheck } from './precheck.js';
export { nextStatus, type ModerationEvent } from './state-machine.js';
export { submitItem, decideItem, reviseItem, itemRef, type SubmissionInput, type DecideOutcome } from './submissions.js';
export { commentOn, reportItem, resolveReports } from './comments.js';
export { fileCallReport, type CallReportInput } from './call-reports.js';
export { warnPerson, banPerson, appealBan, settleAppeal, findTarget, operatorSanction, type OperatorSanction } from './sanctions.js';
export { DEFAULT_MODERATION, TOPICS, moderationMessageKeys, type ModerationSettings, type WordLists } from './settings.js';
export type * from './ports.js';
import { followFlow } from './follow-flow.js';
import { myItemsFlow } from './my-items-flow.js';
import { reviewFlow } from './review-flow.js';
import { appealFlow, appealsFlow, sanctionFlow } from './sanction-flow.js';
import { submitFlow } from './submit-flow.js';
import { callReportFlow } from './call-report-flow.js';
import { readFlow } from './read-flow.js';
import { reportedFlow } from './reported-flow.js';
import { noticesFlow } from './notices-flow.js';
import { roleDecisionsFlow } from '../roles/role-decisions-flow.js';
import { roleRequestFlow } from '../roles/role-request-flow.js';

/** Every conversation flow of roles and moderation. */
export const moderationFlows = [roleRequestFlow, roleDecisionsFlow, submitFlow, myItemsFlow, reviewFlow, sanctionFlow, appealFlow, appealsFlow, followFlow, callReportFlow, readFlow, reportedFlow, noticesFlow];
export { itemWaits, moderatorNoticeJobHandlers, ITEM_WAITS_JOB, NOTICE_JOB, type ModeratorNoticeRepository, type ModeratorNoticeSettings, type Waiting } from './moderator-notices.js';
