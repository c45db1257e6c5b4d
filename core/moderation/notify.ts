import type { Msg } from '../messages.js';
import { personSender, type OutboxDeps } from '../messaging/outbox.js';
import type { Repositories } from '../store.js';

export const NOTIFY_JOB = 'person.notify';
export const PUBLISHED_JOB = 'submission.published';

/**
 * Tells a person something outside their current conversation (a decision on
 * their item or request, a warning, a ban), through the durable queue: it
 * commits with the decision, survives a crash, and is rendered in the
 * language the person has when it is sent. The key makes it happen once.
 */
export async function notifyPerson(repos: Repositories, personId: string, message: Msg, key: string): Promise<void> {
  await repos.jobs.enqueue({ name: NOTIFY_JOB, key, payload: { personId, message: message as unknown as Record<string, unknown>, key } });
}

type Handler = (payload: Record<string, unknown>) => Promise<void>;

/** The moderation's jobs: one notification, and the fan-out of a publication to the topic's followers. */
export function moderationJobHandlers(deps: OutboxDeps): Record<string, Handler> {
  const { store } = deps;
  const sendTo = personSender(deps);
  return {
    [NOTIFY_JOB]: async (payload) => {
      const person = await store.people.findById(String(payload.personId));
      if (!person) return;
      await sendTo(person, { locale: person.locale, messages: [payload.message as unknown as Msg] }, payload.key ? String(payload.key) : undefined);
    },
    [PUBLISHED_JOB]: async (payload) => {
      const submission = await store.submissions.findById(String(payload.submissionId));
      // Comments are read with their item; followers hear of new items only.
      if (!submission || submission.status !== 'published' || !submission.topic || submission.parentId) return;
      const version = (await store.submissions.versions(submission.id)).find((v) => v.version === submission.version);
      if (!version) return;
      const followers = (await store.submissions.subscribers(submission.regionId, submission.topic, version.language)).filter((id) => id !== submission.authorId);
      const message = { key: 'moderation:published.followers', params: { title: version.title, topic: { key: `moderation:topic.${submission.topic}` }, body: version.body } };
      await store.jobs.enqueueMany(
        followers.map((personId) => {
          const key = `published:${submission.id}:${submission.version}:${personId}`;
          return { name: NOTIFY_JOB, key, payload: { personId, message, key } };
        }),
      );
    },
  };
}
