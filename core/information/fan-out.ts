import { afterQuietHours, type QuietHours } from '../calls/quiet-hours.js';
import { msg } from '../messages.js';
import type { OutboxDeps } from '../messaging/outbox.js';
import { NOTIFY_JOB, PUBLISHED_JOB } from '../moderation/notify.js';
import { pickVersion, readingOrder } from './reading.js';

type Handler = (payload: Record<string, unknown>) => Promise<void>;

export interface FanOutDeps extends OutboxDeps {
  quietHours: QuietHours;
}

/**
 * Adds the information fan-out to the moderation's publication job: when a
 * language version of an information item is published, each follower of
 * its topic in the region whose best language (their own, their second one,
 * German) is now this version gets it, through the durable queue; others get
 * nothing now (they read it in a language they chose, or will when it is
 * translated into one). Quiet hours hold a message back unless a moderator
 * marked the item urgent. Each person gets each version once (the job key).
 */
export function withInformationFanOut(handlers: Record<string, Handler>, deps: FanOutDeps): Record<string, Handler> {
  const moderation = handlers[PUBLISHED_JOB];
  return {
    ...handlers,
    [PUBLISHED_JOB]: async (payload) => {
      if (moderation) await moderation(payload);
      await fanOut(deps, String(payload.submissionId));
    },
  };
}

async function fanOut(deps: FanOutDeps, submissionId: string): Promise<void> {
  const { store } = deps;
  const submission = await store.submissions.findById(submissionId);
  if (!submission || (submission.kind !== 'information' && submission.kind !== 'question') || submission.status !== 'published' || !submission.topic || submission.parentId) return;
  const groupId = (await store.information.groupOf(submissionId))?.groupId ?? submissionId;
  const versions = await store.information.group(groupId);
  const published = versions.find((v) => v.submissionId === submissionId);
  if (!published) return;
  const region = await store.regions.findById(submission.regionId);
  const now = deps.now();
  const runAt = published.urgent || !region ? now : afterQuietHours(now, region.timeZone, deps.quietHours);
  const jobs = [];
  for (const follower of await store.information.followers(submission.regionId, submission.topic)) {
    if (follower.personId === submission.authorId) continue;
    const reading = pickVersion(versions, readingOrder(follower.locale, follower.secondLocale));
    if (reading?.version.submissionId !== submissionId) continue;
    const params = { topic: msg(`moderation:topic.${submission.topic}`), title: published.title, body: published.body, language: { language: published.language } };
    const key = `${published.urgent ? 'information:newUrgent' : 'information:new'}${reading.fallback ? 'Fallback' : ''}`;
    const jobKey = `info:${submissionId}:${submission.version}:${follower.personId}`;
    jobs.push({ name: NOTIFY_JOB, key: jobKey, runAt, payload: { personId: follower.personId, message: msg(key, params) as unknown as Record<string, unknown>, key: jobKey } });
  }
  if (jobs.length) await store.jobs.enqueueMany(jobs);
}
