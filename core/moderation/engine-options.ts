import type { AnswerHandler, ConversationEngineOptions } from '../conversation/engine.js';
import { msg } from '../messages.js';
import type { Store } from '../store.js';
import { moderationFlows } from './index.js';

/**
 * A banned person can no longer act, also not on buttons outside the
 * conversation (a helper call's Accept): their answer is refused with a clear
 * message and the attempt goes into the audit log.
 */
function refuseBanned(store: Store, handler: AnswerHandler): AnswerHandler {
  return {
    handles: (event) => handler.handles(event),
    async answer(event) {
      const person = await store.people.findByIdentity(event.channel, event.address);
      if (person?.status !== 'banned') return handler.answer(event);
      await store.audit.append({ actorId: person.id, action: 'access.denied', subjectType: 'action', subjectId: 'answer', details: { channel: event.channel, status: person.status } });
      return { messages: [msg('moderation:denied.banned')] };
    },
  };
}

/** Adds the flows of roles and moderation to the conversation, and keeps banned people from answering anything. */
export function withModeration(store: Store, options: ConversationEngineOptions): ConversationEngineOptions {
  return {
    ...options,
    flows: [...options.flows, ...moderationFlows],
    answerHandlers: (options.answerHandlers ?? []).map((handler) => refuseBanned(store, handler)),
  };
}
