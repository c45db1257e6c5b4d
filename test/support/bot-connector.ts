import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An activity the bot sent to the connector, and how. */
export interface Received {
  /** `send`: POST /v3/conversations/{id}/activities; `reply`: POST …/activities/{replyToId}; `update`: PUT …/activities/{id}. */
  route: 'send' | 'reply' | 'update';
  conversationId: string;
  /** The id the connector gave the activity (for an update: the id updated). */
  activityId: string;
  replyToId?: string;
  authorization?: string;
  activity: Activity;
}

export interface Activity {
  type: string;
  id?: string;
  text?: string;
  locale?: string;
  replyToId?: string;
  attachments?: { contentType: string; content: Card }[];
  [key: string]: unknown;
}

export interface Card {
  type: 'AdaptiveCard';
  version: string;
  rtl?: boolean;
  body: CardElement[];
  actions?: CardAction[];
}
export interface CardElement {
  type: string;
  id?: string;
  text?: string;
  color?: string;
  value?: string;
  choices?: { title: string; value: string }[];
  [key: string]: unknown;
}
export interface CardAction {
  type: 'Action.Submit' | 'Action.Execute';
  title: string;
  verb?: string;
  /** `none`: the action sends its data alone, without (and without checking) the card's inputs. */
  associatedInputs?: 'auto' | 'none';
  data: Record<string, unknown>;
}

/**
 * A local Bot Framework connector (the service Teams' serviceUrl points at),
 * speaking the real REST protocol: the bot POSTs new activities to
 * /v3/conversations/{conversationId}/activities, replies to
 * …/activities/{activityId} and PUTs updates there; each gets a
 * ResourceResponse `{ id }`. It also plays the Teams client: activities go to
 * the bot's /api/messages with `serviceUrl` pointing here.
 */
export class LocalBotConnector {
  readonly received: Received[] = [];
  /** The current content of every message the bot has in a conversation, by `${conversationId}/${activityId}`. */
  readonly messages = new Map<string, Activity>();
  private failures: { status: number; headers: Record<string, string> }[] = [];
  private counter = Date.now();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LocalBotConnector> {
    let connector: LocalBotConnector | undefined;
    const server = createServer((req, res) => void connector!.handle(req, res));
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    connector = new LocalBotConnector(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return connector;
  }

  /** The next requests from the bot fail with this status (e.g. 429 with Retry-After, 403, 404). */
  failNext(status: number, headers: Record<string, string> = {}, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, headers });
  }

  clearFailures(): void {
    this.failures = [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** Everything received in a conversation, in order. */
  in(conversationId: string): Received[] {
    return this.received.filter((r) => r.conversationId === conversationId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?\/?$/.exec(new URL(req.url ?? '/', this.url).pathname);
    if (!match) return reply(404, { error: { code: 'BadSyntax', message: `No route ${req.method} ${req.url}` } });
    const failure = this.failures.shift();
    if (failure) return reply(failure.status, { error: { code: failure.status === 429 ? 'Throttled' : 'ConversationNotFound', message: 'injected failure' } }, failure.headers);
    const conversationId = decodeURIComponent(match[1]!);
    const pathId = match[2] ? decodeURIComponent(match[2]) : undefined;
    let activity: Activity;
    try {
      activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Activity;
    } catch {
      return reply(400, { error: { code: 'BadArgument', message: 'not JSON' } });
    }
    if (activity.conversation && (activity.conversation as { id?: string }).id !== conversationId) {
      return reply(400, { error: { code: 'BadArgument', message: 'conversation id of the path and the body differ' } });
    }
    const authorization = req.headers.authorization;
    if (req.method === 'PUT' && pathId) {
      const key = `${conversationId}/${pathId}`;
      if (!this.messages.has(key)) return reply(404, { error: { code: 'ActivityNotFound', message: 'Unknown activity' } });
      this.messages.set(key, activity);
      this.received.push({ route: 'update', conversationId, activityId: pathId, activity, ...(authorization ? { authorization } : {}) });
      return reply(200, { id: pathId });
    }
    if (req.method !== 'POST') return reply(405, { error: { code: 'BadSyntax', message: 'method not allowed' } });
    const id = String(++this.counter);
    this.messages.set(`${conversationId}/${id}`, activity);
    this.received.push({ route: pathId ? 'reply' : 'send', conversationId, activityId: id, ...(pathId ? { replyToId: pathId } : {}), activity, ...(authorization ? { authorization } : {}) });
    return reply(201, { id });
  }
}

export interface TeamsUserOptions {
  userId: string;
  conversationId: string;
  conversationType?: 'personal' | 'channel' | 'groupChat';
  locale?: string;
  tenantId?: string;
  name?: string;
}

/**
 * A person in Teams, as the Teams client and service present them to a bot:
 * typed messages, Adaptive Card submits (a message with `value` and
 * `replyToId`), and `adaptiveCard/action` invokes for Action.Execute.
 */
export class TeamsUser {
  lastStatus = 0;

  constructor(
    private readonly connector: LocalBotConnector,
    public botUrl: string,
    readonly options: TeamsUserOptions,
    private readonly authorization?: string,
  ) {}

  get conversationId(): string {
    return this.options.conversationId;
  }

  activity(fields: Partial<Activity>): Activity {
    const { userId, conversationId, conversationType = 'personal', locale = 'de-DE', tenantId = 'tenant-1', name = 'Test User' } = this.options;
    return {
      type: 'message',
      id: `in-${randomUUID()}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      from: { id: userId, name, aadObjectId: randomUUID() },
      recipient: { id: '28:helferruf-bot', name: 'Helferruf' },
      conversation: { id: conversationId, conversationType, tenantId, ...(conversationType === 'personal' ? {} : { isGroup: true }) },
      channelData: { tenant: { id: tenantId } },
      locale,
      ...fields,
    };
  }

  /** Posts an activity to the bot; returns what the bot sent while handling it, and the HTTP answer. */
  async post(activity: Activity): Promise<{ status: number; body: unknown; sent: Received[] }> {
    const before = this.connector.received.length;
    const response = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.authorization ? { authorization: this.authorization } : {}) },
      body: JSON.stringify(activity),
    });
    this.lastStatus = response.status;
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: response.status, body, sent: this.connector.received.slice(before) };
  }

  async say(text: string): Promise<Received[]> {
    return (await this.post(this.activity({ text }))).sent;
  }

  /** The newest message of this conversation that holds an Adaptive Card (as it is now, after updates). */
  latestCard(): { activityId: string; card: Card } {
    const withCard = this.connector.in(this.conversationId).filter((r) => r.route !== 'update' && r.activity.attachments?.length);
    const last = withCard.at(-1);
    if (!last) throw new Error('No card in this conversation');
    const now = this.connector.messages.get(`${this.conversationId}/${last.activityId}`)!;
    return { activityId: last.activityId, card: now.attachments![0]!.content };
  }

  /**
   * Presses a button of a card: Action.Submit as a message with `value`, Action.Execute as an invoke.
   * Like the Teams client, it first checks the card's required inputs (unless the action takes no
   * inputs); when one is empty nothing is sent and `invalid` holds the card's error messages.
   */
  async press(match: (action: CardAction) => boolean, inputs: Record<string, string> = {}, card = this.latestCard()): Promise<{ status: number; body: unknown; sent: Received[]; invalid?: string[] }> {
    const action = card.card.actions?.find(match);
    if (!action) throw new Error(`No such button; the card has: ${card.card.actions?.map((a) => a.title).join(', ')}`);
    const withInputs = action.associatedInputs !== 'none';
    if (withInputs) {
      const empty = card.card.body.filter((e) => e.id && e.isRequired === true && !(inputs[e.id] ?? e.value ?? '').trim());
      if (empty.length) return { status: 0, body: undefined, sent: [], invalid: empty.map((e) => String(e.errorMessage ?? e.id)) };
    }
    const data = { ...action.data, ...(withInputs ? inputs : {}) };
    if (action.type === 'Action.Submit') return this.post(this.activity({ value: data, replyToId: card.activityId }));
    const answered = await this.post(this.activity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: action.verb, data }, trigger: 'manual' }, replyToId: card.activityId }));
    // Teams shows a card returned by the invoke in place of the card that was pressed.
    const body = answered.body as { type?: string; value?: Card } | undefined;
    if (body?.type === 'application/vnd.microsoft.card.adaptive' && body.value) {
      const key = `${this.conversationId}/${card.activityId}`;
      this.connector.messages.set(key, { ...this.connector.messages.get(key)!, attachments: [{ contentType: body.type, content: body.value }] });
    }
    return answered;
  }

  /** The newest card whose buttons manage a call (Action.Execute), as it is now. */
  statusCard(): { activityId: string; card: Card } {
    const cards = this.connector
      .in(this.conversationId)
      .filter((r) => r.route !== 'update')
      .map((r) => ({ activityId: r.activityId, now: this.connector.messages.get(`${this.conversationId}/${r.activityId}`)! }))
      .filter((m) => m.now.attachments?.[0]?.content.actions?.some((a) => a.type === 'Action.Execute'));
    const last = cards.at(-1);
    if (!last) throw new Error('No status card in this conversation');
    return { activityId: last.activityId, card: last.now.attachments![0]!.content };
  }

  /** Presses the choice button with this value on the newest card. */
  tap(value: string) {
    return this.press((a) => a.data.value === value);
  }

  /** Types into the newest card's answer field and presses Send. */
  answer(text: string) {
    return this.press((a) => a.data.hr === 'answer', { hrText: text });
  }

  /** Ticks these values of the newest card's multi-select and presses Done. */
  pick(values: string[]) {
    return this.press((a) => a.data.hr === 'answer', { hrValues: values.join(',') });
  }
}

/** All text of a card, line by line. */
export function cardText(card: Card): string {
  return card.body
    .filter((e) => e.type === 'TextBlock')
    .map((e) => e.text)
    .join('\n');
}

/** The text of what the bot sent: a plain message's text, or a card's text. */
export function sentText(received: Received[]): string {
  return received.map((r) => (r.activity.attachments?.length ? cardText(r.activity.attachments[0]!.content) : (r.activity.text ?? ''))).join('\n');
}
