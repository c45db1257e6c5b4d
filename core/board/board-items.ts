import { msg } from '../messages.js';
import { personSender, type OutboxDeps } from '../messaging/outbox.js';
import { notifyPerson } from '../moderation/notify.js';
import { precheck } from '../moderation/precheck.js';
import type { WordLists } from '../moderation/settings.js';
import { itemRef } from '../moderation/submissions.js';
import type { Person } from '../people/person.js';
import { actorOf } from '../roles/access.js';
import { authorize, type Action } from '../roles/authorization.js';
import type { Repositories } from '../store.js';
import { SIGN_UP_KINDS, type BoardEntry, type BoardFields, type BoardKind } from './ports.js';

export const REMINDER_JOB = 'board.reminder';

/** What "near me" means and when sign-ups are reminded, unless configured. */
export const DEFAULT_BOARD = { nearKm: 15, reminderHours: 24 };

export const postAction = (kind: BoardKind): Action => `board.${kind}.post`;

export interface BoardInput extends BoardFields {
  kind: BoardKind;
  title: string;
  body: string;
  topic: string;
  language: string;
}

/**
 * A board item is a moderation submission like any other: pending until a
 * moderator's green, with the pre-check's flags, versions and decisions. Its
 * kind's fields go into their own row. A coordinator posts for their
 * organisation.
 */
export async function postBoardItem(repos: Repositories, author: Person, input: BoardInput, wordLists: WordLists, at: Date, id: string): Promise<'submitted' | 'not-allowed'> {
  const actor = await actorOf(repos, author);
  if (!authorize(actor, postAction(input.kind), { regionId: author.regionId })) return 'not-allowed';
  const { kind, title, body, topic, language, ...fields } = input;
  const flags = precheck(`${title}\n${body}\n${fields.organiser ?? ''}`, wordLists, author);
  const organisationId = actor.grants.find((g) => g.role === 'coordinator' && g.organisationId)?.organisationId ?? null;
  await repos.submissions.create(
    { id, regionId: author.regionId, authorId: author.id, kind, topic, callId: null, organisationId, parentId: null, placeName: fields.placeName },
    { title, body, language, flags },
    at,
  );
  await repos.board.create(id, fields);
  await repos.audit.append({ actorId: author.id, action: 'submission.submitted', subjectType: 'submission', subjectId: id, details: { kind, flags: flags.length } });
  return 'submitted';
}

export type SignUpResult = 'signed-up' | 'already' | 'full' | 'gone' | 'not-allowed';

/** Whether people can still sign up: published, a kind with places, not started. */
export const takesSignUps = (entry: BoardEntry | null, now: Date): entry is BoardEntry =>
  !!entry && entry.status === 'published' && SIGN_UP_KINDS.includes(entry.kind) && entry.startsAt !== null && entry.startsAt > now;

/**
 * Signs a person up for an event or training, once, up to its capacity; a
 * reminder goes out `reminderHours` before the start (or at once when that is
 * past), through the durable queue.
 */
export async function signUp(repos: Repositories, person: Person, submissionId: string, at: Date, reminderHours: number): Promise<SignUpResult> {
  if (!authorize(await actorOf(repos, person), 'board.signup', { regionId: person.regionId })) return 'not-allowed';
  const entry = await repos.board.find(submissionId);
  if (!takesSignUps(entry, at)) return 'gone';
  const outcome = await repos.board.signUp(submissionId, person.id, at);
  if (outcome !== 'signed-up') return outcome;
  const remindAt = new Date(Math.max(at.getTime(), entry.startsAt!.getTime() - reminderHours * 3600_000));
  await repos.jobs.enqueue({ name: REMINDER_JOB, key: `board-reminder:${submissionId}:${person.id}`, runAt: remindAt, payload: { submissionId, personId: person.id } });
  await repos.audit.append({ actorId: person.id, action: 'board.signed-up', subjectType: 'submission', subjectId: submissionId });
  return 'signed-up';
}

/** Cancels a sign-up and frees the place; the reminder then finds no sign-up and says nothing. */
export async function cancelSignUp(repos: Repositories, person: Person, submissionId: string): Promise<boolean> {
  const cancelled = await repos.board.cancel(submissionId, person.id);
  if (cancelled) await repos.audit.append({ actorId: person.id, action: 'board.cancelled', subjectType: 'submission', subjectId: submissionId });
  return cancelled;
}

/** Who may mark a need met: its author, a coordinator of its organisation, a moderator of the region. */
export async function mayMarkMet(repos: Repositories, person: Person, entry: BoardEntry): Promise<boolean> {
  if (entry.kind !== 'need' || person.status !== 'active') return false;
  if (entry.authorId === person.id) return true;
  const actor = await actorOf(repos, person);
  if (authorize(actor, 'board.need.met', { regionId: entry.regionId })) return true;
  return entry.organisationId !== null && actor.grants.some((g) => g.role === 'coordinator' && g.organisationId === entry.organisationId);
}

export async function markNeedMet(repos: Repositories, person: Person, submissionId: string, at: Date): Promise<'met' | 'already' | 'gone' | 'not-allowed'> {
  const entry = await repos.board.find(submissionId);
  if (!entry || entry.kind !== 'need' || entry.status !== 'published') return 'gone';
  if (!(await mayMarkMet(repos, person, entry))) return 'not-allowed';
  if (!(await repos.board.markMet(submissionId, person.id, at))) return 'already';
  await repos.audit.append({ actorId: person.id, action: 'board.need-met', subjectType: 'submission', subjectId: submissionId });
  return 'met';
}

/**
 * Somebody writes to whoever posted an offer: the bot passes the message on,
 * and neither side sees the other's name, number or address unless they write it.
 */
export async function contactOffer(repos: Repositories, person: Person, submissionId: string, text: string, messageId: string): Promise<'sent' | 'gone' | 'not-allowed'> {
  if (!authorize(await actorOf(repos, person), 'board.contact', { regionId: person.regionId })) return 'not-allowed';
  const entry = await repos.board.find(submissionId);
  if (!entry || entry.kind !== 'offer' || entry.status !== 'published' || !entry.authorId) return 'gone';
  await notifyPerson(repos, entry.authorId, msg('board:contact.received', { title: entry.title, ref: itemRef(submissionId), text }), `board-contact:${messageId}`);
  await repos.audit.append({ actorId: person.id, action: 'board.contacted', subjectType: 'submission', subjectId: submissionId });
  return 'sent';
}

type Handler = (payload: Record<string, unknown>) => Promise<void>;

/** The reminder before an event or training, sent only if the person is still signed up and it still takes place. */
export function boardJobHandlers(deps: OutboxDeps): Record<string, Handler> {
  const sendTo = personSender(deps);
  return {
    [REMINDER_JOB]: async (payload) => {
      const { store } = deps;
      const submissionId = String(payload.submissionId);
      const person = await store.people.findById(String(payload.personId));
      const entry = await store.board.find(submissionId);
      if (!person || !takesSignUps(entry, deps.now()) || !(await store.board.isSignedUp(submissionId, person.id))) return;
      const timeZone = (await store.regions.findById(entry.regionId))?.timeZone ?? 'Europe/Berlin';
      const message = msg(`board:reminder.${entry.kind}`, { title: entry.title, when: { dateTime: entry.startsAt!, until: entry.endsAt!, timeZone }, place: entry.placeName ?? '–' });
      await sendTo(person, { locale: person.locale, messages: [message] }, `board-reminder:${submissionId}:${person.id}`);
    },
  };
}
