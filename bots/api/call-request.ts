import { z } from 'zod';
import { msg, type CallInput, type Problem } from '../../core/index.js';

/** ISO 8601 date-time with seconds and an offset (`Z` or `+02:00`): a time without a zone is ambiguous. */
const dateTime = z.iso.datetime({ offset: true });

/**
 * The shape of a call as an organisation's system sends it. Only types and
 * formats are checked here; the rules (a future start, 1 to 200 helpers, a
 * known place, …) are the core's, which names every broken one in the
 * reader's language.
 */
export const callRequestSchema = z.strictObject({
  activity: z.string().max(64),
  title: z.string().max(1000),
  description: z.string().max(10_000),
  descriptionLang: z.string().max(35).optional(),
  place: z.union([
    z.string().max(300),
    z.strictObject({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), name: z.string().min(1).max(200) }),
  ]),
  startsAt: dateTime,
  endsAt: dateTime,
  answerBy: dateTime.optional(),
  helpersNeeded: z.number(),
  languages: z.array(z.string().max(35)).max(30).optional(),
  minAge: z.number().optional(),
  skills: z.string().max(1000).optional(),
  // The core checks the range; the column holds whole kilometres.
  radiusKm: z.number().int().optional(),
});

export type CallRequest = z.infer<typeof callRequestSchema>;

/** The request as the core's input, or one problem per field whose type or format is wrong. */
export function parseCallRequest(body: unknown): { input: CallInput } | { problems: Problem[] } {
  const parsed = callRequestSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => (path ? `${path}.${key}` : key));
      return [path || 'body'];
    });
    return { problems: [...new Set(fields)].map((field) => ({ field, message: msg('errors:INVALID_INPUT') })) };
  }
  const { startsAt, endsAt, answerBy, ...rest } = parsed.data;
  const input: CallInput = { ...rest, startsAt: new Date(startsAt), endsAt: new Date(endsAt) };
  if (answerBy !== undefined) input.answerBy = new Date(answerBy);
  return { input };
}
