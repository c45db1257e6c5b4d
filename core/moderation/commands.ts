import type { CommandTable } from '../conversation/commands.js';
import { startRoleDecisions } from '../roles/role-decisions-flow.js';
import { startRoleRequest } from '../roles/role-request-flow.js';
import { startFollow } from './follow-flow.js';
import { startMyItems } from './my-items-flow.js';
import { startReview } from './review-flow.js';
import { startAppeal, startAppeals, startSanction } from './sanction-flow.js';
import { startSubmit } from './submit-flow.js';
import { organisationReports, startCallReport } from './call-report-flow.js';
import { startRead } from './read-flow.js';
import { startReported } from './reported-flow.js';
import { startNotices } from './notices-flow.js';

/** The commands of roles and moderation; each checks the person's role on the server. */
export const moderationCommands: CommandTable = {
  request: startRoleRequest,
  requests: startRoleDecisions,
  submit: startSubmit,
  mine: startMyItems,
  review: startReview,
  warn: startSanction('warn'),
  ban: startSanction('ban'),
  appeal: startAppeal,
  appeals: startAppeals,
  follow: startFollow,
  report: startCallReport,
  reports: organisationReports,
  read: startRead,
  reported: startReported,
  notices: startNotices,
};
