import { z } from 'zod';
import { commandFromText, type Input } from '../../core/index.js';

/** What a person's room event says, before the question it answers is known. */
export type ParsedEvent =
  /** Text, a command or a location; `replyTo` when it replies to an earlier message. */
  | { kind: 'input'; input: Input; replyTo?: string }
  /** A reaction (emoji annotation) to one of the bot's messages. */
  | { kind: 'reaction'; target: string; key: string }
  /** An encrypted event: the bot cannot read it. */
  | { kind: 'encrypted' }
  /** An image or a file in the homeserver's media repository (`mxc://`), with what its sender's client says of it. */
  | { kind: 'file'; url: string; size?: number; mediaType?: string }
  /** A message type the bot cannot read (a voice message, a video). */
  | { kind: 'unsupported' }
  /** Not something a person said (state, receipts, redactions, edits of reactions). */
  | { kind: 'none' };

const relatesTo = z
  .object({
    rel_type: z.string().optional(),
    event_id: z.string().optional(),
    key: z.string().optional(),
    'm.in_reply_to': z.object({ event_id: z.string() }).optional(),
  })
  .optional();

const messageContent = z.object({
  msgtype: z.string(),
  body: z.string().max(20_000),
  geo_uri: z.string().max(200).optional(),
  url: z.string().max(500).optional(),
  info: z.object({ size: z.number().int().nonnegative().optional(), mimetype: z.string().max(200).optional() }).optional(),
  'm.relates_to': relatesTo,
  'm.new_content': z.object({ msgtype: z.string(), body: z.string().max(20_000), geo_uri: z.string().max(200).optional() }).optional(),
});

const reactionContent = z.object({
  'm.relates_to': z.object({ rel_type: z.literal('m.annotation'), event_id: z.string(), key: z.string().max(64) }),
});

/** `geo:52.52,13.40;u=35` (RFC 5870) to coordinates; NaN when it cannot be read, so the core says so. */
export function parseGeoUri(uri: string | undefined): { lat: number; lon: number } {
  const match = /^geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:,-?\d+(?:\.\d+)?)?(?:;.*)?$/i.exec(uri?.trim() ?? '');
  return match ? { lat: Number(match[1]), lon: Number(match[2]) } : { lat: Number.NaN, lon: Number.NaN };
}

/**
 * Older clients put the message replied to in front of a reply ("> <@a:b> text"
 * lines, then an empty line); only what the person wrote is the answer.
 */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('>')) i++;
  if (i === 0) return body;
  if (lines[i] === '') i++;
  return lines.slice(i).join('\n');
}

/** Maps a room event from a person to what the core understands; validates the content first. */
export function parseRoomEvent(event: { type?: unknown; content?: unknown }): ParsedEvent {
  if (event.type === 'm.room.encrypted') return { kind: 'encrypted' };
  if (event.type === 'm.reaction') {
    const parsed = reactionContent.safeParse(event.content);
    if (!parsed.success) return { kind: 'none' };
    const rel = parsed.data['m.relates_to'];
    return { kind: 'reaction', target: rel.event_id, key: rel.key };
  }
  if (event.type !== 'm.room.message') return { kind: 'none' };
  const parsed = messageContent.safeParse(event.content);
  if (!parsed.success) return { kind: 'unsupported' };
  const content = parsed.data;
  const relation = content['m.relates_to'];
  // An edit of an earlier message: its new text is a new answer.
  const current = relation?.rel_type === 'm.replace' && content['m.new_content'] ? content['m.new_content'] : content;
  const replyTo = relation?.['m.in_reply_to']?.event_id;
  const withReply = (input: Input): ParsedEvent => (replyTo ? { kind: 'input', input, replyTo } : { kind: 'input', input });
  switch (current.msgtype) {
    case 'm.location':
      return withReply({ type: 'location', ...parseGeoUri(current.geo_uri) });
    case 'm.image':
    case 'm.file': {
      // An encrypted file (`file` instead of `url`) cannot be read; neither can a link that is not the media repository's.
      if (!content.url?.startsWith('mxc://')) return { kind: 'unsupported' };
      const size = content.info?.size;
      const mediaType = content.info?.mimetype;
      return { kind: 'file', url: content.url, ...(size !== undefined ? { size } : {}), ...(mediaType ? { mediaType } : {}) };
    }
    case 'm.text':
    case 'm.notice':
    case 'm.emote': {
      const text = replyTo ? stripReplyFallback(current.body) : current.body;
      // "!profile"; "/profile" too, for clients that send unknown slash commands as text.
      const command = commandFromText(text, '!') ?? commandFromText(text, '/');
      if (command) return withReply({ type: 'command', ...command });
      return withReply({ type: 'text', text });
    }
    default:
      return { kind: 'unsupported' };
  }
}
