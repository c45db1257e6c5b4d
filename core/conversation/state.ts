/**
 * A conversation's state, stored as JSON. Flows keep their draft in `data`;
 * `token` names the question being waited on.
 */
export interface ConversationState {
  flow: string;
  step: string;
  token: string;
  regionId?: string;
  data?: Record<string, unknown>;
}
