import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HtmlParseError, parseHtml, type Entity } from './telegram-html.js';

/**
 * A Telegram Bot API server for tests, speaking the real wire format over
 * HTTP (`/bot<token>/<method>`, JSON, form and multipart bodies,
 * `{ok, result}` / `{ok:false, error_code, description, parameters}`), so the
 * real grammy bot runs against it unchanged: long polling with `offset` and
 * `timeout`, a webhook with the secret header and redelivery, 429 with
 * `retry_after`, 403 for a person who blocked the bot. It enforces
 * Telegram's sending limits (answering 429 like Telegram) and records every
 * call, so tests can measure what the bot did.
 */

export interface TgUser {
  id: number;
  is_bot: false;
  first_name: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup';
  first_name?: string;
  title?: string;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
}

export interface BotMessage {
  message_id: number;
  chat: TgChat;
  date: number;
  text?: string;
  entities?: Entity[];
  document?: { file_id: string; file_name: string; mime_type?: string; file_size: number };
  /** What the document held (not part of the Bot API's message; for assertions). */
  documentContent?: string;
  photo?: PhotoSize[];
  caption?: string;
  caption_entities?: Entity[];
  /** The bytes of a sent photo (not part of the Bot API's message; for assertions). */
  photoBytes?: Buffer;
  reply_markup?: Record<string, unknown>;
  /** Every earlier version of the text, oldest first (for assertions). */
  edits: string[];
}

export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

/** A file the server holds: what a person sent, or what the bot uploaded. */
interface StoredFile {
  id: string;
  uniqueId: string;
  path: string;
  bytes: Buffer;
}

/** Bots may download files up to this size with getFile (the Bot API's documented limit). */
const MAX_DOWNLOAD = 20 * 1024 * 1024;
/** The Bot API's limit for a photo's caption, after entities are parsed. */
const MAX_CAPTION = 1024;

export interface Call {
  method: string;
  chatId?: number;
  at: number;
  ok: boolean;
  errorCode?: number;
  /** The call changed what a chat shows: a new message or an edit. */
  kind?: 'message' | 'edit';
  /** getUpdates: the offset asked for (everything below it is confirmed). */
  offset?: number;
  /** A 429 of the server's own: the limit the call went over, and when the calls it counted arrived. */
  over?: { limit: 'bot' | 'chat' | 'group'; counted: number[] };
}

type Update = { update_id: number } & Record<string, unknown>;

interface Injected {
  method: string;
  chatId?: number;
  error_code: number;
  description: string;
  retry_after?: number;
  times: number;
}

interface Waiter {
  offset: number;
  limit: number;
  done(updates: Update[] | 'conflict'): void;
}

export const LIMITS = { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 };

const MESSAGE_METHODS = new Set(['sendMessage', 'sendDocument', 'sendPhoto']);
const EDIT_METHODS = new Set(['editMessageText', 'editMessageReplyMarkup']);

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export class FakeTelegram {
  readonly token: string;
  readonly bot = { id: 7000001, is_bot: true, first_name: 'Helferruf', username: 'HelferrufTestBot' };
  readonly calls: Call[] = [];
  readonly messages = new Map<number, BotMessage>();
  /** `setMyCommands` per language code ('' for the default). */
  readonly commands = new Map<string, { command: string; description: string }[]>();
  readonly answeredQueries = new Map<string, { text?: string }>();
  /** The 429s the server answered because the bot went too fast (not the injected ones). */
  readonly throttled: Call[] = [];
  webhook: { url: string; secret?: string; allowed?: string[] } | null = null;
  /** How long a failed webhook delivery waits before Telegram tries again. */
  webhookRetryMs = 200;

  private server: Server;
  private nextUpdateId = 100_000;
  private nextMessageId = 1;
  private nextQueryId = 1;
  private queue: Update[] = [];
  private replays: Update[] = [];
  private servedReplays: Update[] = [];
  private readonly sentUpdates = new Map<number, Update>();
  private readonly queryOfUpdate = new Map<number, string>();
  private confirmedBelow = 0;
  private waiter: Waiter | null = null;
  private readonly handledWaits = new Map<number, (() => void)[]>();
  private readonly handledIds = new Set<number>();
  private readonly delivering = new Set<number>();
  private readonly blocked = new Set<number>();
  private readonly chats = new Map<number, TgChat>();
  private readonly injected: Injected[] = [];
  private readonly accepted: Call[] = [];
  private readonly files = new Map<string, StoredFile>();
  private nextFile = 1;
  /** Downloads of files (`/file/bot<token>/<path>`), by path: for assertions. */
  readonly downloads: string[] = [];
  /** When the call being handled arrived. */
  private now = 0;
  url = '';

  constructor(token = '7000001:AAHtestTOKENtestTOKENtestTOKEN_abc') {
    this.token = token;
    this.server = createServer((req, res) => void this.route(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.waiter?.done([]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what people do ---------------------------------------------------------------------------

  user(id: number, languageCode?: string, firstName = `User${id}`): TgUser {
    this.chats.set(id, { id, type: 'private', first_name: firstName });
    return { id, is_bot: false, first_name: firstName, ...(languageCode ? { language_code: languageCode } : {}) };
  }

  group(id: number, title = 'Helfende Hände'): TgChat {
    const chat: TgChat = { id, type: 'group', title };
    this.chats.set(id, chat);
    return chat;
  }

  /** A message from a person in their private chat (or a group); returns the update id. */
  sendText(from: TgUser, text: string, chat: TgChat = this.chats.get(from.id)!): number {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
    return this.push({ message: this.incoming(from, chat, { text, ...(entities ? { entities } : {}) }) });
  }

  sendLocation(from: TgUser, latitude: number, longitude: number): number {
    return this.push({ message: this.incoming(from, this.chats.get(from.id)!, { location: { latitude, longitude } }) });
  }

  sendContact(from: TgUser, phone: string, userId = from.id): number {
    return this.push({ message: this.incoming(from, this.chats.get(from.id)!, { contact: { phone_number: phone, first_name: from.first_name, user_id: userId } }) });
  }

  sendSticker(from: TgUser): number {
    return this.push({ message: this.incoming(from, this.chats.get(from.id)!, { sticker: { file_id: 'sticker1', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }) });
  }

  /**
   * A photo from a person, as Telegram delivers it: several sizes of the same picture, smallest first, each a
   * file the bot can fetch with getFile. `announce` overrides a size's `file_size` (Telegram may omit it).
   */
  sendPhoto(from: TgUser, sizes: Buffer[], caption?: string, announce?: (number | undefined)[]): number {
    const photo = sizes.map((bytes, i): PhotoSize => {
      const file = this.keepFile(bytes, 'photos', 'jpg');
      const size = announce ? announce[i] : bytes.length;
      return { file_id: file.id, file_unique_id: file.uniqueId, width: 90 * (i + 1), height: 60 * (i + 1), ...(size !== undefined ? { file_size: size } : {}) };
    });
    return this.push({ message: this.incoming(from, this.chats.get(from.id)!, { photo, ...(caption ? { caption } : {}) }) });
  }

  /** A file sent as a document (uncompressed), with the name and type the person's app gave it. */
  sendFile(from: TgUser, bytes: Buffer, fileName: string, mimeType: string): number {
    const file = this.keepFile(bytes, 'documents', fileName.split('.').pop() ?? 'bin');
    return this.push({ message: this.incoming(from, this.chats.get(from.id)!, { document: { file_id: file.id, file_unique_id: file.uniqueId, file_name: fileName, mime_type: mimeType, file_size: bytes.length } }) });
  }

  /** Presses a button of a message the bot sent: the callback query carries the message as the person sees it now. */
  press(from: TgUser, message: BotMessage, data: string): number {
    const current = this.messages.get(message.message_id)!;
    const query = {
      id: String(this.nextQueryId++),
      from,
      chat_instance: `ci${current.chat.id}`,
      data,
      message: this.asTelegram(current),
    };
    const updateId = this.push({ callback_query: query });
    this.queryOfUpdate.set(updateId, query.id);
    return updateId;
  }

  /** How the bot answered the callback query of this update (undefined: not at all). */
  answerTo(updateId: number): { text?: string } | undefined {
    return this.answeredQueries.get(this.queryOfUpdate.get(updateId) ?? '');
  }

  /** The person blocks the bot: later sends fail with 403, and Telegram tells the bot (my_chat_member). */
  block(user: TgUser, notify = true): number | undefined {
    this.blocked.add(user.id);
    if (!notify) return undefined;
    const chat = this.chats.get(user.id)!;
    return this.push({
      my_chat_member: {
        chat,
        from: user,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { status: 'member', user: this.bot },
        new_chat_member: { status: 'kicked', user: this.bot, until_date: 0 },
      },
    });
  }

  unblock(user: TgUser): number {
    this.blocked.delete(user.id);
    return this.push({
      my_chat_member: {
        chat: this.chats.get(user.id)!,
        from: user,
        date: Math.floor(Date.now() / 1000),
        old_chat_member: { status: 'kicked', user: this.bot, until_date: 0 },
        new_chat_member: { status: 'member', user: this.bot },
      },
    });
  }

  /** Delivers an update again, as Telegram does after a webhook timeout or when a poller restarts unconfirmed. */
  redeliver(updateId: number): void {
    const update = this.sentUpdates.get(updateId);
    if (!update) throw new Error(`no update ${updateId}`);
    this.handledIds.delete(updateId);
    if (this.webhook) {
      void this.deliver(update, true);
      return;
    }
    // A poller gets it once more in front of the next batch, below its offset: as after a restart that never confirmed it.
    this.replays.push(update);
    this.kick(update);
  }

  /** The next `times` calls of `method` (to one chat, if given) fail as Telegram would say. */
  inject(method: string, error: { error_code: number; description: string; retry_after?: number }, times = 1, chatId?: number): void {
    this.injected.push({ method, ...error, times, ...(chatId !== undefined ? { chatId } : {}) });
  }

  // ---- what tests look at -----------------------------------------------------------------------

  /** Resolves once the bot has handled this update: its offset was confirmed, or the webhook answered 2xx. */
  handled(updateId: number, timeoutMs = 20_000): Promise<void> {
    if (this.handledIds.has(updateId)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`update ${updateId} was not handled within ${timeoutMs} ms`)), timeoutMs);
      const list = this.handledWaits.get(updateId) ?? [];
      list.push(() => {
        clearTimeout(timer);
        resolve();
      });
      this.handledWaits.set(updateId, list);
    });
  }

  /** The bot's messages in a chat, in order, as they look now. */
  chat(chatId: number): BotMessage[] {
    return [...this.messages.values()].filter((m) => m.chat.id === chatId);
  }

  last(chatId: number): BotMessage {
    const all = this.chat(chatId);
    if (!all.length) throw new Error(`the bot has not written to chat ${chatId}`);
    return all.at(-1)!;
  }

  /** The callback data of the button with this label (or whose data ends with `|value`). */
  button(message: BotMessage, labelOrValue: string): string {
    const rows = (message.reply_markup?.inline_keyboard ?? []) as InlineButton[][];
    const button = rows.flat().find((b) => b.text === labelOrValue || b.text === `✓ ${labelOrValue}` || b.callback_data?.endsWith(`|${labelOrValue}`));
    if (!button?.callback_data) throw new Error(`no button "${labelOrValue}" on: ${message.text}\n${JSON.stringify(rows)}`);
    return button.callback_data;
  }

  /** The most calls that changed what chats show within any `windowMs`, overall or in one chat. */
  busiest(windowMs: number, filter: (c: Call) => boolean): number {
    const times = this.accepted.filter(filter).map((c) => c.at).sort((a, b) => a - b);
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= windowMs) start++;
      best = Math.max(best, end - start + 1);
    }
    return best;
  }

  acceptedCalls(): Call[] {
    return [...this.accepted];
  }

  // ---- the server -------------------------------------------------------------------------------

  private keepFile(bytes: Buffer, folder: string, extension: string): StoredFile {
    const n = this.nextFile++;
    const file = { id: `AgACAgIAAxk${n}${'x'.repeat(20)}`, uniqueId: `AQAD${n}`, path: `${folder}/file_${n}.${extension}`, bytes };
    this.files.set(file.id, file);
    return file;
  }

  private incoming(from: TgUser, chat: TgChat, content: Record<string, unknown>) {
    return { message_id: this.nextMessageId++, from, chat, date: Math.floor(Date.now() / 1000), ...content };
  }

  private push(content: Record<string, unknown>): number {
    const update = { update_id: this.nextUpdateId++, ...content } as Update;
    this.sentUpdates.set(update.update_id, update);
    this.queue.push(update);
    this.kick(update);
    return update.update_id;
  }

  /** New update: hand it to a waiting poller, or post it to the webhook. */
  private kick(update: Update): void {
    if (this.webhook) {
      void this.deliver(update);
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      const ready = this.pending(waiter.offset, waiter.limit);
      if (ready.length) {
        this.waiter = null;
        waiter.done(ready);
      }
    }
  }

  private pending(offset: number, limit: number): Update[] {
    const replays = this.replays.splice(0);
    this.servedReplays.push(...replays);
    return [...replays, ...this.queue.filter((u) => u.update_id >= offset)].slice(0, limit);
  }

  private markHandled(updateId: number): void {
    this.handledIds.add(updateId);
    for (const resolve of this.handledWaits.get(updateId) ?? []) resolve();
    this.handledWaits.delete(updateId);
  }

  private confirm(offset: number): void {
    if (offset <= this.confirmedBelow) return;
    for (const u of this.queue.filter((u) => u.update_id < offset)) this.markHandled(u.update_id);
    this.queue = this.queue.filter((u) => u.update_id >= offset);
    this.confirmedBelow = offset;
  }

  private async deliver(update: Update, again = false): Promise<void> {
    const hook = this.webhook;
    if (!hook || (!again && this.delivering.has(update.update_id))) return;
    this.delivering.add(update.update_id);
    try {
      for (;;) {
        if (!this.webhook) return;
        let ok = false;
        try {
          const response = await fetch(hook.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}) },
            body: JSON.stringify(update),
          });
          await response.arrayBuffer();
          ok = response.ok;
        } catch {
          ok = false;
        }
        if (ok) {
          this.queue = this.queue.filter((u) => u !== update);
          this.markHandled(update.update_id);
          return;
        }
        await new Promise((r) => setTimeout(r, this.webhookRetryMs));
      }
    } finally {
      if (!again) this.delivering.delete(update.update_id);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec((req.url ?? '').split('?')[0]!);
    if (download) {
      // Files are fetched outside the method API, by the path getFile gave; the token is checked the same way.
      const file = [...this.files.values()].find((f) => f.path === download[2]);
      if (download[1] !== this.token) return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
      if (!file || req.method !== 'GET') return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      this.downloads.push(file.path);
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes.length) }).end(file.bytes);
    }
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0]!);
    const reply = (status: number, body: object) => {
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!match) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return reply(401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = match[2]!;
    // Counted when it arrives, before the body is read: as close as this server gets to Telegram's clock.
    const arrived = Date.now();
    let params: Record<string, unknown>;
    try {
      params = await this.readParams(req);
    } catch {
      return reply(400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const chatId = params.chat_id !== undefined ? Number(params.chat_id) : undefined;
    const call: Call = { method, ...(chatId !== undefined ? { chatId } : {}), ...(method === 'getUpdates' ? { offset: Number(params.offset ?? 0) } : {}), at: arrived, ok: false };
    this.calls.push(call);
    try {
      const result = await this.handle(method, params, chatId, req, res, call, arrived);
      call.ok = true;
      reply(200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      call.errorCode = error.code;
      reply(error.code, { ok: false, error_code: error.code, description: error.description, ...(error.retryAfter !== undefined ? { parameters: { retry_after: error.retryAfter } } : {}) });
    }
  }

  private async readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    const query = Object.fromEntries(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
    if (body.length === 0) return query;
    if (type.startsWith('application/json')) return { ...query, ...(JSON.parse(body.toString('utf8')) as Record<string, unknown>) };
    if (type.startsWith('application/x-www-form-urlencoded')) return { ...query, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
    if (type.startsWith('multipart/form-data')) {
      const out: Record<string, unknown> = { ...query };
      for (const part of multipartParts(body, type)) {
        if (part.filename === undefined) {
          const value = part.data.toString('utf8');
          // Objects travel JSON-encoded in form fields, as the Bot API expects.
          out[part.name] = /^[[{]/.test(value) ? JSON.parse(value) : value;
        } else {
          out[part.name] = { name: part.filename, content: part.data.toString('utf8'), data: part.data };
        }
      }
      // A file travels in its own part, named by "attach://<part>" in the field that takes it.
      for (const [key, value] of Object.entries(out)) {
        if (typeof value === 'string' && value.startsWith('attach://')) out[key] = out[value.slice('attach://'.length)];
      }
      return out;
    }
    throw new Error('unsupported body');
  }

  private check(method: string, chatId: number | undefined, kind: 'message' | 'edit' | undefined): void {
    const injected = this.injected.find((i) => i.method === method && i.times > 0 && (i.chatId === undefined || i.chatId === chatId));
    if (injected) {
      injected.times--;
      throw new ApiError(injected.error_code, injected.description, injected.retry_after);
    }
    if (chatId !== undefined && !this.chats.has(chatId)) throw new ApiError(400, 'Bad Request: chat not found');
    if (chatId !== undefined && kind && this.blocked.has(chatId)) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (!kind) return;
    const now = this.now;
    const recent = (windowMs: number, f: (c: Call) => boolean) => this.accepted.filter((c) => c.at > now - windowMs && f(c));
    const tooMany = (list: Call[], limit: number, windowMs: number, over: 'bot' | 'chat' | 'group') => {
      if (list.length < limit) return;
      const retry = Math.max(1, Math.ceil((list[list.length - limit]!.at + windowMs - now) / 1000));
      const counted = list.map((c) => c.at);
      const call: Call = { method, ...(chatId !== undefined ? { chatId } : {}), at: now, ok: false, errorCode: 429, over: { limit: over, counted } };
      this.throttled.push(call);
      throw new ApiError(429, `Too Many Requests: retry after ${retry}`, retry);
    };
    tooMany(recent(1000, () => true), LIMITS.perSecond, 1000, 'bot');
    if (kind === 'message' && chatId !== undefined) {
      const group = chatId < 0;
      const windowMs = group ? 60_000 : 1000;
      tooMany(recent(windowMs, (c) => c.kind === 'message' && c.chatId === chatId), group ? LIMITS.perGroupPerMinute : LIMITS.perChatPerSecond, windowMs, group ? 'group' : 'chat');
    }
  }

  private count(method: string, chatId: number | undefined, kind: 'message' | 'edit'): void {
    this.accepted.push({ method, ...(chatId !== undefined ? { chatId } : {}), at: this.now, ok: true, kind });
  }

  private async handle(method: string, p: Record<string, unknown>, chatId: number | undefined, req: IncomingMessage, res: ServerResponse, call: Call, arrived: number): Promise<unknown> {
    const kind = MESSAGE_METHODS.has(method) ? 'message' : EDIT_METHODS.has(method) ? 'edit' : undefined;
    if (kind) call.kind = kind;
    this.now = arrived;
    this.check(method, chatId, kind);
    switch (method) {
      case 'getMe':
        return { ...this.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'getUpdates':
        return this.getUpdates(p, req, res);
      case 'setWebhook': {
        const url = String(p.url ?? '');
        if (url === '') {
          this.webhook = null;
          return true;
        }
        const secret = p.secret_token === undefined ? undefined : String(p.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new ApiError(400, 'Bad Request: secret token contains unallowed characters');
        this.webhook = { url, ...(secret ? { secret } : {}), ...(Array.isArray(p.allowed_updates) ? { allowed: p.allowed_updates as string[] } : {}) };
        // A poller waiting now is cut off, as Telegram does.
        this.waiter?.done('conflict');
        this.waiter = null;
        for (const u of [...this.queue]) void this.deliver(u);
        return true;
      }
      case 'deleteWebhook':
        this.webhook = null;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') this.queue = [];
        return true;
      case 'getWebhookInfo':
        return { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length };
      case 'setMyCommands': {
        const commands = p.commands as { command: string; description: string }[];
        if (!Array.isArray(commands) || commands.length > 100) throw new ApiError(400, 'Bad Request: commands must be an array of at most 100');
        for (const c of commands) {
          if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw new ApiError(400, 'Bad Request: BOT_COMMAND_INVALID');
          if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) throw new ApiError(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
        }
        const language = p.language_code === undefined ? '' : String(p.language_code);
        if (language !== '' && !/^[a-z]{2}$/.test(language)) throw new ApiError(400, 'Bad Request: invalid language code specified');
        this.commands.set(language, commands);
        return true;
      }
      case 'sendMessage': {
        const { text, entities } = this.parseText(p);
        const message = this.store(chatId!, { text, ...(entities.length ? { entities } : {}) }, p.reply_markup);
        this.count(method, chatId, 'message');
        return this.asTelegram(message);
      }
      case 'sendDocument': {
        const file = p.document as { name: string; content: string } | undefined;
        if (!file || typeof file !== 'object') throw new ApiError(400, 'Bad Request: there is no document in the request');
        const message = this.store(chatId!, { document: { file_id: `doc${this.nextMessageId}`, file_name: file.name, file_size: Buffer.byteLength(file.content) }, documentContent: file.content }, p.reply_markup);
        this.count(method, chatId, 'message');
        return this.asTelegram(message);
      }
      case 'getFile': {
        const file = this.files.get(String(p.file_id ?? ''));
        if (!file) throw new ApiError(400, 'Bad Request: invalid file_id');
        if (file.bytes.length > MAX_DOWNLOAD) throw new ApiError(400, 'Bad Request: file is too big');
        return { file_id: file.id, file_unique_id: file.uniqueId, file_size: file.bytes.length, file_path: file.path };
      }
      case 'sendPhoto': {
        const upload = p.photo as { name: string; data: Buffer } | string | undefined;
        let bytes: Buffer;
        if (typeof upload === 'string') {
          const known = this.files.get(upload);
          if (!known) throw new ApiError(400, 'Bad Request: wrong file identifier/HTTP URL specified');
          bytes = known.bytes;
        } else if (upload && typeof upload === 'object') {
          bytes = upload.data;
        } else {
          throw new ApiError(400, 'Bad Request: there is no photo in the request');
        }
        if (bytes.length > 10 * 1024 * 1024) throw new ApiError(400, 'Bad Request: PHOTO_INVALID_DIMENSIONS');
        if (!isPicture(bytes)) throw new ApiError(400, 'Bad Request: IMAGE_PROCESS_FAILED');
        const caption = typeof p.caption === 'string' && p.caption.length ? this.parseCaption(p) : undefined;
        const file = this.keepFile(bytes, 'photos', 'jpg');
        const photo: PhotoSize[] = [{ file_id: file.id, file_unique_id: file.uniqueId, width: 320, height: 240, file_size: bytes.length }];
        const message = this.store(chatId!, { photo, photoBytes: bytes, ...(caption ? { caption: caption.text, ...(caption.entities.length ? { caption_entities: caption.entities } : {}) } : {}) }, p.reply_markup);
        this.count(method, chatId, 'message');
        return this.asTelegram(message);
      }
      case 'editMessageText': {
        const message = this.editable(chatId, p.message_id);
        const { text, entities } = this.parseText(p);
        const markup = p.reply_markup as Record<string, unknown> | undefined;
        if (text === message.text && JSON.stringify(markup ?? null) === JSON.stringify(message.reply_markup ?? null))
          throw new ApiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        this.validateMarkup(markup);
        message.edits.push(message.text ?? '');
        message.text = text;
        if (entities.length) message.entities = entities;
        else delete message.entities;
        if (markup && (markup.inline_keyboard as unknown[] | undefined)?.length) message.reply_markup = markup;
        else delete message.reply_markup;
        this.count(method, chatId, 'edit');
        return this.asTelegram(message);
      }
      case 'editMessageReplyMarkup': {
        const message = this.editable(chatId, p.message_id);
        const markup = p.reply_markup as Record<string, unknown> | undefined;
        this.validateMarkup(markup);
        const empty = !markup || !(markup.inline_keyboard as unknown[] | undefined)?.length;
        if (JSON.stringify(empty ? null : markup) === JSON.stringify(message.reply_markup ?? null))
          throw new ApiError(400, 'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
        if (empty) delete message.reply_markup;
        else message.reply_markup = markup;
        this.count(method, chatId, 'edit');
        return this.asTelegram(message);
      }
      case 'answerCallbackQuery': {
        const id = String(p.callback_query_id ?? '');
        if (!id || Number(id) >= this.nextQueryId) throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        if (this.answeredQueries.has(id)) throw new ApiError(400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
        if (typeof p.text === 'string' && p.text.length > 200) throw new ApiError(400, 'Bad Request: MESSAGE_TOO_LONG');
        this.answeredQueries.set(id, typeof p.text === 'string' ? { text: p.text } : {});
        return true;
      }
      default:
        throw new ApiError(404, 'Not Found: method not found');
    }
  }

  private getUpdates(p: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<Update[]> {
    if (this.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    const timeout = Math.max(0, Number(p.timeout ?? 0));
    if (offset > 0) this.confirm(offset);
    // Asking again means the batch before was handled, replays included.
    for (const u of this.servedReplays.splice(0)) this.markHandled(u.update_id);
    const effective = offset > 0 ? offset : this.confirmedBelow;
    // Telegram allows one getUpdates at a time: the older request is ended with a conflict.
    if (this.waiter) {
      this.waiter.done('conflict');
      this.waiter = null;
    }
    const ready = this.pending(effective, limit);
    if (ready.length || timeout === 0) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish([]), timeout * 1000);
      const waiter: Waiter = {
        offset: effective,
        limit,
        done: (updates) => finish(updates),
      };
      const finish = (updates: Update[] | 'conflict') => {
        clearTimeout(timer);
        if (this.waiter === waiter) this.waiter = null;
        if (updates === 'conflict') reject(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
        else resolve(updates);
      };
      this.waiter = waiter;
      // The client gave up (grammy aborts its request on stop): forget the waiter.
      res.on('close', () => {
        if (!res.writableEnded) finish([]);
      });
      void req;
    });
  }

  private parseText(p: Record<string, unknown>): { text: string; entities: Entity[] } {
    const raw = typeof p.text === 'string' ? p.text : '';
    let parsed: { text: string; entities: Entity[] };
    if (p.parse_mode === 'HTML') {
      try {
        parsed = parseHtml(raw);
      } catch (error) {
        if (error instanceof HtmlParseError) throw new ApiError(400, `Bad Request: ${error.message}`);
        throw error;
      }
    } else {
      parsed = { text: raw, entities: [] };
    }
    if (parsed.text.trim().length === 0) throw new ApiError(400, 'Bad Request: message text is empty');
    if (parsed.text.length > 4096) throw new ApiError(400, 'Bad Request: message is too long');
    this.validateMarkup(p.reply_markup as Record<string, unknown> | undefined);
    return parsed;
  }

  private parseCaption(p: Record<string, unknown>): { text: string; entities: Entity[] } {
    const raw = String(p.caption);
    let parsed: { text: string; entities: Entity[] };
    try {
      parsed = p.parse_mode === 'HTML' ? parseHtml(raw) : { text: raw, entities: [] };
    } catch (error) {
      if (error instanceof HtmlParseError) throw new ApiError(400, `Bad Request: can't parse entities: ${error.message}`);
      throw error;
    }
    if (parsed.text.length > MAX_CAPTION) throw new ApiError(400, 'Bad Request: message caption is too long');
    return parsed;
  }

  private validateMarkup(markup: Record<string, unknown> | undefined): void {
    if (!markup) return;
    const rows = (markup.inline_keyboard ?? markup.keyboard) as { text?: string; callback_data?: string; url?: string }[][] | undefined;
    if (!rows) {
      if (markup.remove_keyboard === true || markup.force_reply === true) return;
      throw new ApiError(400, 'Bad Request: unsupported reply_markup');
    }
    for (const b of rows.flat()) {
      if (!b.text) throw new ApiError(400, 'Bad Request: BUTTON_TEXT_INVALID');
      if ('inline_keyboard' in markup) {
        if (b.callback_data === undefined && b.url === undefined) throw new ApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        if (b.callback_data !== undefined && (Buffer.byteLength(b.callback_data) < 1 || Buffer.byteLength(b.callback_data) > 64)) throw new ApiError(400, 'Bad Request: BUTTON_DATA_INVALID');
      }
    }
  }

  private editable(chatId: number | undefined, messageId: unknown): BotMessage {
    const message = this.messages.get(Number(messageId));
    if (!message || message.chat.id !== chatId) throw new ApiError(400, 'Bad Request: message to edit not found');
    if (message.document || message.photo) throw new ApiError(400, 'Bad Request: there is no text in the message to edit');
    return message;
  }

  private store(chatId: number, content: Partial<BotMessage>, markup: unknown): BotMessage {
    const chat = this.chats.get(chatId)!;
    const message: BotMessage = { message_id: this.nextMessageId++, chat, date: Math.floor(Date.now() / 1000), edits: [], ...content };
    if (markup) message.reply_markup = markup as Record<string, unknown>;
    this.messages.set(message.message_id, message);
    return message;
  }

  /** A message as the Bot API returns it: inline keyboards are part of it, reply keyboards are not. */
  private asTelegram(message: BotMessage): Record<string, unknown> {
    const { edits: _edits, documentContent: _content, photoBytes: _bytes, reply_markup, ...rest } = message;
    return { ...rest, from: this.bot, ...(reply_markup && 'inline_keyboard' in reply_markup ? { reply_markup } : {}) };
  }
}

/** Telegram turns JPEG, PNG and WebP uploads into photos; anything else fails to process. */
function isPicture(bytes: Buffer): boolean {
  const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  const png = bytes.subarray(0, 4).toString('latin1') === '\x89PNG';
  const webp = bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP';
  return jpeg || png || webp;
}

/**
 * Reads a multipart/form-data body as leniently as the Bot API does: grammy writes
 * `content-disposition:form-data;name="x";filename=y` without spaces or quotes.
 */
function multipartParts(body: Buffer, contentType: string): { name: string; filename?: string; data: Buffer }[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw new Error('multipart body without boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts: { name: string; filename?: string; data: Buffer }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, from);
    if (next < 0) break;
    const part = body.subarray(from + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const disposition = /content-disposition:\s*form-data\s*;\s*name="?([^";\r\n]+)"?(?:\s*;\s*filename="?([^";\r\n]+)"?)?/i.exec(headers);
    if (!disposition) throw new Error('multipart part without a name');
    parts.push({ name: disposition[1]!, ...(disposition[2] !== undefined ? { filename: disposition[2] } : {}), data: part.subarray(split + 4) });
    start = next;
  }
  return parts;
}
