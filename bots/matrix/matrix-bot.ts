import { LogLevel, LogService, MatrixError } from 'matrix-bot-sdk';
import { z } from 'zod';
import { DomainError, StoreUnavailableError, type IncomingEvent, type Input, type Msg, type TurnResult } from '../../core/index.js';
import { SYNC_FILTER, SyncingClient, storageProvider, type RawEvent, type SyncHandler } from './matrix-client.js';
import { parseRoomEvent } from './matrix-input.js';
import { MATRIX_CHANNEL } from './matrix-messenger.js';
import { PROMPT_FIELD, type PromptMarker, type Renderer } from './matrix-render.js';
import { MatrixSender } from './matrix-send.js';
import type { MatrixRoom, MatrixStore } from './matrix-store.js';

export interface MatrixLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MatrixBotOptions {
  homeserverUrl: string;
  accessToken: string;
  /** Homeserver names whose users may invite the bot; null: any. */
  allowedServers: string[] | null;
  engine: { handle(event: IncomingEvent): Promise<TurnResult> };
  renderer: Renderer;
  store: MatrixStore;
  defaultLocale: string;
  /** The language of a person known by this Matrix id, if they registered. */
  localeOf(userId: string): Promise<string | null>;
  /** Whether an error means the database is unreachable right now. */
  isUnavailable(error: unknown): boolean;
  log: MatrixLog;
  /** Stored photos to send into rooms; without, photos are not shown. */
  photos?: { load(id: string): Promise<Uint8Array | null> };
}

const markerSchema = z.object({ token: z.string().min(1).max(200), reactions: z.record(z.string(), z.string()) });

/** Replies wait this long at most for a homeserver that asks to slow down. */
const MAX_REPLY_WAIT_MS = 30_000;

/**
 * The Matrix bot: joins direct chats it is invited to (from allowed homeservers),
 * turns what people write, react and share into the core's events, and answers
 * each in the room, threaded to what it answers. It cannot read end-to-end
 * encrypted rooms and says so there, every time it is written to.
 */
export class MatrixBot implements SyncHandler {
  readonly client: SyncingClient;
  readonly sender: MatrixSender;
  private me = '';
  /** Events whose "service unavailable" the person was already told, so a retried batch says it once. */
  private readonly toldUnavailable = new Set<string>();

  constructor(private readonly options: MatrixBotOptions) {
    this.client = new SyncingClient(options.homeserverUrl, options.accessToken, storageProvider(options.store, () => this.me), this);
    this.sender = new MatrixSender(this.client, options.renderer, options.photos);
    this.client.onSyncError = (error, failures) => {
      // The first failure is often a blip; a lasting one is worth a warning, once in a while.
      if (failures === 3 || failures % 20 === 0) options.log.warn({ failures, err: { message: String((error as Error)?.message ?? error).slice(0, 200) } }, 'Matrix sync keeps failing; retrying');
    };
  }

  async start(): Promise<void> {
    bridgeSdkLog(this.options.log);
    this.me = await this.client.getUserId();
    await this.client.start(SYNC_FILTER);
    this.options.log.info({ homeserver: new URL(this.options.homeserverUrl).host }, 'Matrix bot is syncing');
  }

  async stop(): Promise<void> {
    await this.client.shutdown();
  }

  get userId(): string {
    return this.me;
  }

  async invite(roomId: string, event: RawEvent): Promise<void> {
    const inviter = event.sender;
    const server = inviter.slice(inviter.indexOf(':') + 1).toLowerCase();
    const allowed = this.options.allowedServers;
    if (allowed && !allowed.includes(server)) {
      this.options.log.info({ server }, 'declined a Matrix invitation from a homeserver not in MATRIX_ALLOWED_SERVERS');
      await this.client.leaveRoom(roomId).catch(() => undefined);
      return;
    }
    try {
      await this.client.joinRoom(roomId);
    } catch (error) {
      // Withdrawn before we got to it, or the room is gone: nothing to greet.
      if (error instanceof MatrixError) return;
      throw error;
    }
    // Anything but an unreachable database is logged and not retried: a poisoned invitation must not stall the sync.
    await this.answer(roomId, inviter, event.event_id, async () => {
      const others = (await this.client.getRoomMembers(roomId, undefined, ['join', 'invite'])).filter((m) => m.membershipFor !== this.me && m.membershipFor !== inviter);
      if (others.length > 0) return this.leaveGroup(roomId, inviter);
      const encrypted = await this.isEncrypted(roomId);
      if (!(await this.options.store.joined(roomId, inviter, encrypted))) return;
      if (encrypted) return this.sayEncrypted(roomId, inviter);
      await this.answer(roomId, inviter, event.event_id, async () => {
        const result = await this.options.engine.handle({ channel: MATRIX_CHANNEL, address: inviter, eventId: `invite:${event.event_id}`, input: { type: 'open' } });
        await this.reply(roomId, result);
      });
    }, false);
  }

  /**
   * A conversation with the bot holds personal data (names, e-mail, phone): it happens only in a
   * room of two. In a room with others the bot says why it goes, and goes.
   */
  private async leaveGroup(roomId: string, userId: string, replyTo?: string): Promise<void> {
    const locale = await this.localeOf(userId);
    await this.reply(roomId, { locale, messages: [{ key: 'matrix:directOnly', params: { bot: this.me } }] }, replyTo, false).catch(() => undefined);
    await this.options.store.left(roomId, new Date());
    await this.client.leaveRoom(roomId).catch(() => undefined);
  }

  async leave(roomId: string): Promise<void> {
    await this.options.store.left(roomId, new Date());
  }

  async roomEvent(roomId: string, event: RawEvent): Promise<void> {
    if (event.sender === this.me) return;
    // Only what a person wrote gets an error notice; a failure on a state change is just retried.
    await this.answer(roomId, event.sender, event.event_id, () => this.handleRoomEvent(roomId, event), saidByPerson(event));
  }

  async held(roomId: string, event: RawEvent, cause: unknown): Promise<void> {
    if (event.sender === this.me || !saidByPerson(event) || !this.isUnavailable(cause)) return;
    await this.tellUnavailable(roomId, event.event_id);
  }

  private isUnavailable(error: unknown): boolean {
    return error instanceof StoreUnavailableError || this.options.isUnavailable(error);
  }

  /** "Briefly unavailable, nothing lost", once per event however often its batch is fetched again. */
  private async tellUnavailable(roomId: string, eventId: string): Promise<void> {
    if (this.toldUnavailable.has(eventId)) return;
    if (this.toldUnavailable.size > 1000) this.toldUnavailable.clear();
    this.toldUnavailable.add(eventId);
    // The person's language is in the database that is gone.
    await this.reply(roomId, { locale: this.options.defaultLocale, messages: [{ key: 'errors:SERVICE_UNAVAILABLE' }] }, eventId, false).catch(() => undefined);
  }

  private async handleRoomEvent(roomId: string, event: RawEvent): Promise<void> {
    if (event.type === 'm.room.member') return this.memberChanged(roomId, event);
    if (event.type === 'm.room.encryption') {
      const room = await this.room(roomId, event.sender);
      if (await this.options.store.markEncrypted(roomId)) await this.sayEncrypted(roomId, room.userId);
      return;
    }
    const parsed = parseRoomEvent(event);
    if (parsed.kind === 'none') return;
    const room = await this.room(roomId, event.sender);
    if (room.leftAt) return;
    if (parsed.kind === 'encrypted' || room.encrypted) {
      await this.options.store.markEncrypted(roomId);
      return this.sayEncrypted(roomId, room.userId, event.event_id);
    }
    if (event.sender !== room.userId) return this.leaveGroup(roomId, room.userId, event.event_id);
    let input: Input;
    if (parsed.kind === 'unsupported') return this.again(roomId, room.userId, event.event_id, { key: 'matrix:unsupported' });
    if (parsed.kind === 'reaction') {
      const marker = await this.promptOf(roomId, parsed.target);
      // A reaction to a message that asked nothing is not an answer (a 👍 to a notice).
      if (!marker) return;
      // Clients differ in sending emoji with or without the variation selector.
      const bare = (key: string) => key.replace(/\uFE0F/g, '');
      const value = Object.entries(marker.reactions).find(([key]) => bare(key) === bare(parsed.key))?.[1];
      if (value === undefined) return this.again(roomId, room.userId, event.event_id, { key: 'matrix:reactionUnknown' });
      input = { type: 'choice', token: marker.token, values: [value] };
    } else if (parsed.kind === 'file') {
      // Fetched from the media repository only when the core wants it (the size allows it).
      input = { type: 'file', file: { ...(parsed.size !== undefined ? { size: parsed.size } : {}), ...(parsed.mediaType ? { mediaType: parsed.mediaType } : {}), fetch: (max) => this.download(parsed.url, max) } };
    } else {
      input = parsed.input;
      if (parsed.replyTo && (input.type === 'text' || input.type === 'location')) {
        // A reply answers the question it replies to, even an older one (which the core then calls stale).
        const marker = await this.promptOf(roomId, parsed.replyTo);
        if (marker) input = { ...input, token: marker.token };
      }
    }
    const result = await this.options.engine.handle({ channel: MATRIX_CHANNEL, address: room.userId, eventId: event.event_id, input });
    // The same event again (a second instance, a batch fetched again after a failure): it was answered then.
    if (result.messages.length === 1 && result.messages[0]!.key === 'conversation:duplicate') return;
    await this.reply(roomId, result, event.event_id);
  }

  /** A person's file from the media repository (authenticated media), or null when it is larger than `max`. */
  private async download(url: string, max: number): Promise<Uint8Array | null> {
    const { data } = await this.client.downloadContent(url);
    return data.length > max ? null : new Uint8Array(data);
  }

  /** Tells the person what went wrong and shows the current question again. */
  private async again(roomId: string, userId: string, eventId: string, message: Msg): Promise<void> {
    const current = await this.options.engine.handle({ channel: MATRIX_CHANNEL, address: userId, eventId, input: { type: 'open' } });
    await this.reply(roomId, { ...current, messages: [message] }, eventId);
  }

  /**
   * The channel's one error boundary: a translated sentence for the person (`tell`), details for
   * the operator. Only an unreachable database fails the batch, which is then fetched again; any
   * other error is answered and logged here, so one bad event cannot stall the sync.
   */
  private async answer(roomId: string, userId: string, eventId: string, work: () => Promise<void>, tell = true): Promise<void> {
    try {
      await work();
    } catch (error) {
      const unavailable = this.isUnavailable(error);
      if (unavailable) this.options.log.warn({ err: { message: (error as Error).message } }, 'database unavailable during a Matrix turn; the sync will try again');
      else if (!(error instanceof DomainError)) this.options.log.error({ err: error }, 'unexpected error in a Matrix turn');
      if (tell && unavailable) await this.tellUnavailable(roomId, eventId);
      else if (tell) {
        const code = error instanceof DomainError ? error.code : 'UNEXPECTED';
        await this.reply(roomId, { locale: await this.localeOf(userId), messages: [{ key: `errors:${code}` }] }, eventId, false).catch(() => undefined);
      }
      // Nothing was applied: the batch is fetched and handled again once the database is back.
      if (unavailable) throw error;
    }
  }

  /**
   * Answers in the room, threaded to the person's event. The answer to an event is sent once
   * (keyed by that event), however often the event is handled; an error notice is not keyed,
   * so the real answer still goes out when a retry succeeds.
   */
  private async reply(roomId: string, result: TurnResult, replyTo?: string, once = true): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sender.sendTurn(roomId, result, replyTo ? { replyTo, ...(once ? { idempotencyKey: `reply:${replyTo}` } : {}) } : {});
        return;
      } catch (error) {
        // Asked to slow down: wait as long as the homeserver says, then send the same transaction again.
        const retry = error instanceof MatrixError && error.errcode === 'M_LIMIT_EXCEEDED' ? (error.retryAfterMs ?? 1000) : null;
        if (retry === null || attempt >= 5 || retry > MAX_REPLY_WAIT_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, retry));
      }
    }
  }

  private async sayEncrypted(roomId: string, userId: string, replyTo?: string): Promise<void> {
    const locale = await this.localeOf(userId);
    await this.reply(roomId, { locale, messages: [{ key: 'matrix:encrypted', params: { bot: this.me } }] }, replyTo);
  }

  private async memberChanged(roomId: string, event: RawEvent): Promise<void> {
    const membership = (event.content as { membership?: unknown } | undefined)?.membership;
    const room = await this.options.store.findRoom(roomId);
    if (!room || room.leftAt) return;
    // Someone else joins or is invited: the chat is no longer private.
    if ((membership === 'join' || membership === 'invite') && event.state_key !== room.userId && event.state_key !== this.me) return this.leaveGroup(roomId, room.userId);
    if ((membership !== 'leave' && membership !== 'ban') || event.state_key !== room.userId) return;
    // The person left their chat with the bot: the bot leaves too; a new invitation starts a new one.
    await this.options.store.left(roomId, new Date());
    await this.client.leaveRoom(roomId).catch(() => undefined);
  }

  /** The room as recorded; a room the bot was in before its records began is taken as a chat with this sender. */
  private async room(roomId: string, sender: string): Promise<MatrixRoom> {
    const known = await this.options.store.findRoom(roomId);
    if (known) return known;
    const encrypted = await this.isEncrypted(roomId);
    await this.options.store.joined(roomId, sender, encrypted);
    return { roomId, userId: sender, encrypted, leftAt: null };
  }

  private async isEncrypted(roomId: string): Promise<boolean> {
    try {
      const content = await this.client.getRoomStateEvent(roomId, 'm.room.encryption', '');
      return typeof content?.algorithm === 'string';
    } catch (error) {
      if (error instanceof MatrixError && error.errcode === 'M_NOT_FOUND') return false;
      throw error;
    }
  }

  /** The question one of the bot's own messages asked, or null if it asked none (or is not the bot's). */
  private async promptOf(roomId: string, eventId: string): Promise<PromptMarker | null> {
    let event: RawEvent;
    try {
      event = (await this.client.getEvent(roomId, eventId)) as RawEvent;
    } catch (error) {
      if (error instanceof MatrixError) return null;
      throw error;
    }
    if (event?.sender !== this.me) return null;
    const parsed = markerSchema.safeParse(event.content?.[PROMPT_FIELD]);
    return parsed.success ? parsed.data : null;
  }

  private async localeOf(userId: string): Promise<string> {
    return (await this.options.localeOf(userId).catch(() => null)) ?? this.options.defaultLocale;
  }
}

/** matrix-bot-sdk logs to the console by default, with request bodies at times: only its warnings, without payloads. */
function bridgeSdkLog(log: MatrixLog): void {
  const line = (level: 'debug' | 'warn') => (module: string, ...parts: unknown[]) => log[level]({ module }, typeof parts[0] === 'string' ? parts[0].slice(0, 120) : 'matrix-bot-sdk');
  LogService.setLogger({ trace: () => undefined, debug: () => undefined, info: line('debug'), warn: line('warn'), error: line('debug') });
  LogService.setLevel(LogLevel.INFO);
}

/** What a person wrote (a message, a reaction, something encrypted), as opposed to a change of the room. */
function saidByPerson(event: RawEvent): boolean {
  return event.type === 'm.room.message' || event.type === 'm.reaction' || event.type === 'm.room.encrypted';
}
