import type { CommandTable } from '../conversation/commands.js';
import { boardFlow, startListing } from './board-flow.js';
import { postFlow, startPost } from './post-flow.js';

export { boardJobHandlers, REMINDER_JOB, DEFAULT_BOARD, signUp, cancelSignUp, markNeedMet, postBoardItem, type BoardInput, type SignUpResult } from './board-items.js';
export { boardFeedIcs, signupCommitments, BOARD_FEED_PATH } from './board-feed.js';
export { BOARD_KINDS, SIGN_UP_KINDS, isBoardKind } from './ports.js';
export type * from './ports.js';

/** The conversation flows of the board: the listings and posting. */
export const boardFlows = [boardFlow, postFlow];

/** A listing command per kind (no account needed to read), and `/post` for those allowed to post. */
export const boardCommands: CommandTable = {
  events: startListing('event'),
  trainings: startListing('training'),
  needs: startListing('need'),
  offers: startListing('offer'),
  post: startPost,
};
