import type { Store } from './store.js';
import { withModeration } from './moderation/engine-options.js';
import type { ConversationServices } from './conversation/flow.js';
import { ConversationEngine, type AnswerHandler } from './conversation/engine.js';
import { commands } from './menu/commands.js';
import { languageFlow } from './menu/language-flow.js';
import { menuFlow } from './menu/menu-flow.js';
import { deleteFlow } from './profile/delete-flow.js';
import { profileFlow } from './profile/profile-flow.js';
import { registrationFlow } from './registration/registration-flow.js';
import { postCallFlow } from './calls/post-call-flow.js';
import type { CallPosting } from './calls/post-call.js';
import { commitmentsFlow, manageCallsFlow } from './calls/manage-flows.js';
import { informationFlows } from './information/index.js';
import { boardFlows } from './board/index.js';
import { QaPublicationAnswers } from './information/qa-publication.js';

/** The conversation every channel offers, with all of today's flows and commands. */
export function createConversationEngine(store: Store, services: ConversationServices, answerHandlers: AnswerHandler[] = [], posting?: CallPosting): ConversationEngine {
  return new ConversationEngine(withModeration(store, {
    store,
    services,
    flows: [registrationFlow, menuFlow(() => commands), languageFlow, profileFlow, deleteFlow, postCallFlow(() => posting), commitmentsFlow, manageCallsFlow, ...informationFlows, ...boardFlows],
    answerHandlers: [...answerHandlers, new QaPublicationAnswers(store, services.now, services.newId, () => services.moderation?.wordLists ?? {})],
    commands,
    initialState: (registered) => (registered ? { flow: 'menu', step: 'main' } : { flow: 'registration', step: 'language' }),
  }));
}
