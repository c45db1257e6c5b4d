import { msg } from '../messages.js';
import type { Flow, FlowContext, PromptSpec, Transition } from '../conversation/flow.js';
import { stay } from '../conversation/flow.js';
import { notifyPerson } from '../moderation/notify.js';
import type { Person } from '../people/person.js';
import type { Repositories } from '../store.js';
import { choiceOf } from './onboarding.js';
import { TOPICS } from '../moderation/settings.js';
import { proposePublication } from './qa-publication.js';

export const QUESTIONS = 'questions';
const ANSWER_MAX = 2000;

/**
 * Who answers questions of a region: its moderators and administrators, and
 * coordinators of the region or of an organisation in it.
 */
export async function answersQuestions(repos: Repositories, person: Person, regionId: string): Promise<boolean> {
  if (person.status !== 'active' || person.regionId !== regionId) return false;
  const grants = await repos.roles.active(person.id);
  if (grants.some((g) => (g.role === 'moderator' || g.role === 'admin') && (g.regionId === null || g.regionId === regionId))) return true;
  const organisations = new Set((await repos.organisations.list(regionId)).map((o) => o.id));
  return grants.some((g) => g.role === 'coordinator' && (g.regionId === regionId || (g.organisationId !== null && organisations.has(g.organisationId))));
}

async function refused(ctx: FlowContext): Promise<Transition | null> {
  if (!ctx.person) return stay(ctx, msg('errors:NOT_REGISTERED'));
  if (await answersQuestions(ctx.repos, ctx.person, ctx.person.regionId)) return null;
  await ctx.repos.audit.append({ actorId: ctx.person.id, action: 'access.denied', subjectType: 'action', subjectId: 'information.answer', details: { channel: ctx.event.channel, status: ctx.person.status } });
  return stay(ctx, msg('information:questions.denied'));
}

/** `/questions`: the open questions of one's region, oldest first; pick one and answer it. */
export async function startQuestions(ctx: FlowContext): Promise<Transition> {
  return (await refused(ctx)) ?? { next: { flow: QUESTIONS, step: 'list' } };
}

const toMenu = (...messages: Transition['messages'] & object): Transition => ({ messages, next: { flow: 'menu', step: 'main' } });

export const questionsFlow: Flow = {
  id: QUESTIONS,
  forRegistered: true,
  async ask(ctx): Promise<PromptSpec> {
    const [step, id] = ctx.state.step.split('.');
    const back = { value: 'back', label: msg('information:back') };
    if (step === 'list') {
      const open = await ctx.repos.information.openQuestions(ctx.person!.regionId, 10);
      if (!open.length) return { text: msg('information:questions.none'), choices: [back] };
      return {
        text: msg('information:questions.header', { count: open.length }),
        choices: [...open.map((q) => ({ value: q.id, label: { text: q.text.length > 50 ? `${q.text.slice(0, 50)}…` : q.text } })), back],
      };
    }
    if (step === 'publish') {
      // Right after answering: offer it as a Q&A item, published only if the asker agrees, and reviewed like any item.
      return {
        text: msg('information:qa.propose'),
        choices: [...TOPICS.map((t) => ({ value: t, label: msg(`moderation:topic.${t}`) })), { value: 'private', label: msg('information:qa.private') }],
      };
    }
    const question = await ctx.repos.information.findQuestion(id!);
    if (!question || question.answeredAt) return { text: msg('information:questions.gone'), choices: [back] };
    const about = question.submissionId ? (await ctx.repos.information.group((await ctx.repos.information.groupOf(question.submissionId))?.groupId ?? question.submissionId))[0]?.title : undefined;
    return { text: msg('information:questions.show', { text: question.text, about: about ?? '–', asked: { dateTime: question.createdAt, timeZone: ctx.region.timeZone } }), input: 'long-text', choices: [back] };
  },
  async answer(ctx, answer): Promise<Transition> {
    const denied = await refused(ctx);
    if (denied) return { ...denied, next: { flow: 'menu', step: 'main' } };
    const [step, id] = ctx.state.step.split('.');
    const value = choiceOf(answer);
    if (step === 'list') {
      if (value === 'back') return toMenu();
      if (!value) return stay(ctx, msg('conversation:pickOne'));
      return { next: { flow: QUESTIONS, step: `show.${value}` } };
    }
    if (step === 'publish') {
      if (value === 'private') return { next: { flow: QUESTIONS, step: 'list' } };
      if (!value || !(TOPICS as readonly string[]).includes(value)) return stay(ctx, msg('conversation:pickOne'));
      const outcome = await proposePublication(ctx.repos, ctx.person!, id!, value);
      return { messages: [msg(`information:qa.${outcome}`)], next: { flow: QUESTIONS, step: 'list' } };
    }
    if (value === 'back') return { next: { flow: QUESTIONS, step: 'list' } };
    const text = answer.type === 'text' ? answer.text.trim() : '';
    if (text.length < 2 || text.length > ANSWER_MAX) return stay(ctx, msg('information:questions.invalid', { min: 2, max: ANSWER_MAX }));
    const question = await ctx.repos.information.findQuestion(id!);
    // Only questions of one's own region: a guessed id from elsewhere is not there.
    if (!question || question.regionId !== ctx.person!.regionId) return { messages: [msg('information:questions.gone')], next: { flow: QUESTIONS, step: 'list' } };
    const now = ctx.services.now();
    if (!(await ctx.repos.information.answer(question.id, text, ctx.person!.id, now))) return { messages: [msg('information:questions.already')], next: { flow: QUESTIONS, step: 'list' } };
    await notifyPerson(ctx.repos, question.personId, msg('information:answer', { question: question.text, answer: text }), `question:${question.id}`);
    await ctx.repos.audit.append({ actorId: ctx.person!.id, action: 'information.answered', subjectType: 'question', subjectId: question.id });
    return { messages: [msg('information:questions.sent')], next: { flow: QUESTIONS, step: `publish.${question.id}` } };
  },
};
