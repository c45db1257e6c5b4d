import type { CommandTable } from '../conversation/commands.js';
import { infoFlow, startInfo } from './info-flow.js';
import { questionsFlow, startQuestions } from './questions-flow.js';
import { markUrgent, startTranslate, translateFlow } from './translate-flow.js';

export { withInformationFanOut, type FanOutDeps } from './fan-out.js';
export { qaPublicationJobHandlers, proposePublication, QA_TOKEN_PREFIX, QA_ASK_JOB } from './qa-publication.js';
export { readingOrder, pickVersion, readingsFor, PAGE_SIZE } from './reading.js';
export { answersQuestions } from './questions-flow.js';
export { startInfo } from './info-flow.js';
export type * from './ports.js';

/** The conversation flows of information for refugees. */
export const informationFlows = [infoFlow, questionsFlow, translateFlow];

/** `/info` (no account needed), `/questions` (answerers), `/translate` (writers), `/urgent` (moderators). */
export const informationCommands: CommandTable = {
  info: startInfo,
  questions: startQuestions,
  translate: startTranslate,
  urgent: markUrgent,
};
