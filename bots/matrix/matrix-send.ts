import { createHash, randomUUID } from 'node:crypto';
import { MatrixError, type MatrixClient } from 'matrix-bot-sdk';
import { DeliveryError, type TurnResult } from '../../core/index.js';
import { offeredReactions, renderTurn, type NoticeContent, type Renderer } from './matrix-render.js';

export interface SendTurnOptions {
  /** The person's event this answers: the reply is threaded to it. */
  replyTo?: string;
  /** Makes the send idempotent: the homeserver keeps one event per transaction id and device. */
  idempotencyKey?: string;
  /** Adds ✅ and ❌ to a yes-or-no question, so answering is one tap. */
  offerReactions?: boolean;
}

/** A Matrix transaction id from a key of any length and alphabet. */
function txnId(key: string | undefined, part: string): string {
  return key ? `hr-${createHash('sha256').update(`${key}\u0000${part}`).digest('hex').slice(0, 40)}` : `hr-${randomUUID()}`;
}

/**
 * Puts turns into rooms: one `m.notice` per turn, a file for an attachment, the
 * bot's own reactions as answer buttons, and edits (`m.replace`).
 */
export class MatrixSender {
  constructor(
    private readonly client: MatrixClient,
    private readonly renderer: Renderer,
    private readonly photos?: { load(id: string): Promise<Uint8Array | null> },
  ) {}

  /** Sends a turn; returns the id of the event that carries its question (or its text), or null if the turn was empty. */
  async sendTurn(roomId: string, turn: TurnResult, options: SendTurnOptions = {}): Promise<string | null> {
    const key = options.idempotencyKey;
    let main: string | null = null;
    const image = turn.prompt?.image;
    const bytes = image && (await this.photos?.load(image.id));
    if (image && bytes) {
      // The question's photo first, uploaded to the media repository and sent as m.image; the question follows.
      const url = await this.client.uploadContent(Buffer.from(bytes), image.mediaType, 'photo');
      const caption = this.renderer.render(turn.locale, image.caption);
      await this.put(roomId, 'm.room.message', txnId(key, 'image'), { msgtype: 'm.image', body: caption, url, info: { mimetype: image.mediaType, size: bytes.length } });
    }
    if (turn.messages.length || turn.prompt) {
      const content: Record<string, unknown> = { ...renderTurn(this.renderer, turn) };
      if (options.replyTo) content['m.relates_to'] = { 'm.in_reply_to': { event_id: options.replyTo } };
      main = await this.put(roomId, 'm.room.message', txnId(key, 'notice'), content);
      if (options.offerReactions && turn.prompt) {
        for (const reaction of offeredReactions(turn.prompt)) {
          await this.put(roomId, 'm.reaction', txnId(key, `reaction:${reaction}`), { 'm.relates_to': { rel_type: 'm.annotation', event_id: main, key: reaction } });
        }
      }
    }
    if (turn.attachment) {
      const { filename, mediaType, content } = turn.attachment;
      const data = Buffer.from(content, 'utf8');
      try {
        const url = await this.client.uploadContent(data, mediaType, filename);
        await this.put(roomId, 'm.room.message', txnId(key, 'file'), { msgtype: 'm.file', body: filename, filename, url, info: { mimetype: mediaType, size: data.length } });
      } catch (error) {
        if (isRateLimit(error)) throw error;
        // The homeserver refused the upload (size limit, media repository off): say so instead of failing silently.
        await this.put(roomId, 'm.room.message', txnId(key, 'file-failed'), renderTurn(this.renderer, { locale: turn.locale, messages: [{ key: 'matrix:fileFailed' }] }));
      }
    }
    return main;
  }

  /** Replaces a sent message's text (`m.replace`); clients show the new one in its place. */
  async edit(roomId: string, eventId: string, turn: TurnResult): Promise<void> {
    const next: NoticeContent = renderTurn(this.renderer, turn);
    await this.put(roomId, 'm.room.message', txnId(undefined, 'edit'), {
      msgtype: 'm.notice',
      body: `* ${next.body}`,
      format: next.format,
      formatted_body: `* ${next.formatted_body}`,
      'm.new_content': next,
      'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
    });
  }

  private async put(roomId: string, type: string, txn: string, content: unknown): Promise<string> {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(type)}/${encodeURIComponent(txn)}`;
    const response = (await this.client.doRequest('PUT', path, null, content)) as { event_id?: unknown };
    if (typeof response?.event_id !== 'string') throw new Error('the homeserver returned no event id');
    return response.event_id;
  }
}

function isRateLimit(error: unknown): boolean {
  return error instanceof MatrixError && (error.errcode === 'M_LIMIT_EXCEEDED' || error.statusCode === 429);
}

/**
 * A homeserver's refusal as the core understands it: slow down (M_LIMIT_EXCEEDED,
 * with its retry_after_ms), cannot reach (the person left the room, the bot was
 * removed or banned, the room is gone), or try again later (anything else).
 */
export function deliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof MatrixError) {
    if (isRateLimit(error)) {
      const retry = error.retryAfterMs ?? (error.body as { retry_after_ms?: unknown })?.retry_after_ms;
      return new DeliveryError('rate-limited', `Matrix: ${error.errcode}`, typeof retry === 'number' && retry > 0 ? retry : 1000);
    }
    if (error.errcode === 'M_FORBIDDEN' || error.errcode === 'M_NOT_FOUND' || error.statusCode === 403) return new DeliveryError('unreachable', `Matrix: ${error.errcode}`);
    return new DeliveryError('transient', `Matrix: ${error.errcode ?? error.statusCode}`);
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  return new DeliveryError('transient', `Matrix: ${typeof status === 'number' ? `HTTP ${status}` : ((error as Error)?.message ?? 'request failed')}`);
}
