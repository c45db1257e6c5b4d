/** Words to flag, per language code (lower case). Loaded from a data file per language at start-up. */
export type WordLists = Record<string, string[]>;

export interface ModerationSettings {
  /** How long a new person reads before they may ask for the commenter right. */
  roleRequestWaitDays: number;
  wordLists: WordLists;
  /** Comments wait for review (`pre`), or appear at once with "report this" for everyone (`post`). */
  commentModeration: 'pre' | 'post';
}

export const DEFAULT_MODERATION: ModerationSettings = { roleRequestWaitDays: 14, wordLists: {}, commentModeration: 'post' };

/** What a submission can be about; people follow topics to hear of new publications. */
export const TOPICS = ['housing', 'work', 'health', 'education', 'authorities', 'language', 'children', 'everyday'] as const;

/** Message keys the moderation builds from values (roles, topics, states), for the locale completeness test. */
export function moderationMessageKeys(): string[] {
  const roles = ['reader', 'commenter', 'writer', 'coordinator', 'moderator', 'admin'];
  const statuses = ['pending', 'published', 'returned', 'rejected', 'withdrawn'];
  const verdicts = ['green', 'yellow', 'red'];
  return [
    ...roles.map((r) => `moderation:role.${r}`),
    ...TOPICS.map((t) => `moderation:topic.${t}`),
    ...['report', 'information', 'comment', 'question', 'event', 'training', 'need', 'offer'].map((k) => `moderation:kind.${k}`),
    ...statuses.map((s) => `moderation:status.${s}`),
    ...verdicts.flatMap((v) => [`moderation:verdict.${v}`, `moderation:review.done.${v}`]),
    ...['word', 'link', 'phone', 'email'].map((f) => `moderation:flag.${f}`),
    ...['pending', 'approved', 'declined', 'withdrawn'].map((s) => `moderation:requests.status.${s}`),
    ...['approved', 'declined'].flatMap((s) => [`moderation:request.${s}`, `moderation:requests.done.${s}`]),
    ...['good', 'mixed', 'bad'].map((o) => `moderation:callReport.outcome.${o}`),
    'moderation:requests.ask.approve',
    'moderation:requests.ask.decline',
    'moderation:sanction.ask.warnReason',
    'moderation:sanction.ask.banReason',
  ];
}
