import type { AnswerHandler } from '../conversation/engine.js';
import type { IncomingEvent, TurnResult } from '../conversation/types.js';
import { msg, type Msg } from '../messages.js';
import { personSender, type OutboxDeps } from '../messaging/outbox.js';
import { itemWaits } from '../moderation/moderator-notices.js';
import { notifyPerson } from '../moderation/notify.js';
import { precheck } from '../moderation/precheck.js';
import type { WordLists } from '../moderation/settings.js';
import type { Person } from '../people/person.js';
import type { Repositories, Store } from '../store.js';

/** Buttons of the asker's consent carry this token prefix and the question's id. */
export const QA_TOKEN_PREFIX = 'qa:';
/** Asks the asker, in their language and with buttons, whether the Q&A may be published. */
export const QA_ASK_JOB = 'qa.ask';
const TITLE_MAX = 120;

export type ProposeOutcome = 'proposed' | 'already' | 'gone';

/**
 * An answerer proposes to publish an answered question as a Q&A item under a
 * topic. Nothing is published yet: the asker is asked first (a job, so it
 * commits with the proposal and survives a crash).
 */
export async function proposePublication(repos: Repositories, answerer: Person, questionId: string, topic: string): Promise<ProposeOutcome> {
  const question = await repos.information.findQuestion(questionId);
  if (!question || !question.answeredAt || question.regionId !== answerer.regionId) return 'gone';
  if (!(await repos.information.setPublication(questionId, null, 'proposed', { proposedById: answerer.id, qaTopic: topic }))) return 'already';
  await repos.jobs.enqueue({ name: QA_ASK_JOB, key: `qa.ask:${questionId}`, payload: { questionId, topic } });
  await repos.audit.append({ actorId: answerer.id, action: 'information.qa.proposed', subjectType: 'question', subjectId: questionId, details: { topic } });
  return 'proposed';
}

/** The asker's yes or no, on the buttons of the consent message (outside any conversation). */
export class QaPublicationAnswers implements AnswerHandler {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly newId: () => string,
    private readonly wordLists: () => WordLists,
  ) {}

  handles(event: IncomingEvent): boolean {
    const input = event.input;
    return (input.type === 'choice' || input.type === 'text') && (input.token?.startsWith(QA_TOKEN_PREFIX) ?? false);
  }

  async answer(event: IncomingEvent): Promise<{ messages: Msg[] }> {
    const input = event.input;
    if (input.type !== 'choice' && input.type !== 'text') return { messages: [msg('information:qa.answerWith')] };
    const questionId = (input.token ?? '').slice(QA_TOKEN_PREFIX.length);
    const choice = input.type === 'choice' ? input.values[0] : undefined;
    if (choice !== 'yes' && choice !== 'no') return { messages: [msg('information:qa.answerWith')] };
    return this.store.transaction(async (repos) => {
      if (!(await repos.events.record(event.channel, event.eventId))) return { messages: [msg('conversation:duplicate')] };
      const person = await repos.people.findByIdentity(event.channel, event.address);
      const question = await repos.information.findQuestion(questionId);
      // Only the asker decides; anyone else (or a question deleted meanwhile) learns nothing about it.
      if (!person || !question || question.personId !== person.id) return { messages: [msg('information:qa.gone')] };
      if (choice === 'no') {
        if (!(await repos.information.setPublication(questionId, 'proposed', 'declined'))) return { messages: [msg('information:qa.already')] };
        await repos.audit.append({ actorId: null, action: 'information.qa.declined', subjectType: 'question', subjectId: questionId });
        if (question.proposedById) await notifyPerson(repos, question.proposedById, msg('information:qa.declinedForProposer', { question: question.text }), `qa.declined:${questionId}`);
        return { messages: [msg('information:qa.keptPrivate')] };
      }
      const submissionId = this.newId();
      if (!(await repos.information.setPublication(questionId, 'proposed', 'accepted', { qaSubmissionId: submissionId }))) return { messages: [msg('information:qa.already')] };
      const at = this.now();
      const title = question.text.length > TITLE_MAX ? `${question.text.slice(0, TITLE_MAX - 1)}…` : question.text;
      const body = question.answer ?? '';
      // The pre-check flags every phone number and address in it, the asker's own too: nothing of theirs may be shown.
      // No author: nothing links the published item to the asker, and nobody is told its decisions by name.
      await repos.submissions.create(
        { id: submissionId, regionId: question.regionId, authorId: null, kind: 'question', topic: question.qaTopic ?? 'everyday', callId: null, organisationId: null, parentId: null, placeName: null },
        { title, body, language: person.locale, flags: precheck(`${title}\n${body}`, this.wordLists(), { email: null, phone: null }) },
        at,
      );
      await repos.audit.append({ actorId: null, action: 'information.qa.accepted', subjectType: 'question', subjectId: questionId, details: { submissionId } });
      await itemWaits(repos, question.regionId, `submission:${submissionId}:1`);
      return { messages: [msg('information:qa.thanks')] };
    });
  }
}

type Handler = (payload: Record<string, unknown>) => Promise<void>;

/** Sends the consent question with Yes / No buttons to the asker, in their language, through the outgoing queue. */
export function qaPublicationJobHandlers(deps: OutboxDeps): Record<string, Handler> {
  const sendTo = personSender(deps);
  return {
    [QA_ASK_JOB]: async (payload) => {
      const question = await deps.store.information.findQuestion(String(payload.questionId));
      if (!question || question.publication !== 'proposed') return;
      const person = await deps.store.people.findById(question.personId);
      if (!person) return;
      const turn: TurnResult = {
        locale: person.locale,
        messages: [],
        prompt: {
          token: `${QA_TOKEN_PREFIX}${question.id}`,
          text: msg('information:qa.ask', { question: question.text, answer: question.answer ?? '' }),
          choices: [
            { value: 'yes', label: msg('information:qa.yes') },
            { value: 'no', label: msg('information:qa.no') },
          ],
        },
      };
      await sendTo(person, turn, `qa.ask:${question.id}`);
    },
  };
}
