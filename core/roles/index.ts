export { ACTIONS, PERMISSIONS, authorize, rolesIn, type Action, type Actor, type Scope } from './authorization.js';
export { refuse, actorOf, deniedMessage } from './access.js';
export { checkRoleRequest, requestRole, decideRoleRequest, type RequestCheck, type DecisionOutcome } from './role-requests.js';
export type { RoleRequest, RoleRequestRepository, RoleRequestStatus } from './role-request.js';
