import { randomUUID } from 'node:crypto';

export interface MatrixEvent {
  event_id: string;
  type: string;
  sender: string;
  state_key?: string;
  content: Record<string, any>;
}

/**
 * A person in a Matrix client, driven over the client-server API with plain
 * fetch: creates rooms, invites, writes, replies, reacts and shares locations,
 * and reads what the bot answered.
 */
export class MatrixUser {
  constructor(
    readonly homeserver: string,
    readonly userId: string,
    private readonly token: string,
  ) {}

  async request(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${this.homeserver}/_matrix/client/v3${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json = await response.json();
    if (!response.ok) throw Object.assign(new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`), { status: response.status, body: json });
    return json;
  }

  /** A private room with the bot invited, as a client's "start chat" makes it; encrypted if asked. */
  async openChatWith(botId: string, options: { encrypted?: boolean } = {}): Promise<string> {
    const { room_id } = await this.request('POST', '/createRoom', {
      preset: 'private_chat',
      is_direct: true,
      invite: [botId],
      ...(options.encrypted ? { initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }] } : {}),
    });
    return room_id as string;
  }

  async send(roomId: string, type: string, content: unknown): Promise<string> {
    const { event_id } = await this.request('PUT', `/rooms/${encodeURIComponent(roomId)}/send/${type}/${randomUUID()}`, content);
    return event_id as string;
  }

  say(roomId: string, text: string, replyTo?: string): Promise<string> {
    return this.send(roomId, 'm.room.message', { msgtype: 'm.text', body: text, ...(replyTo ? { 'm.relates_to': { 'm.in_reply_to': { event_id: replyTo } } } : {}) });
  }

  react(roomId: string, eventId: string, key: string): Promise<string> {
    return this.send(roomId, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: eventId, key } });
  }

  /** Uploads to the homeserver's media repository, as a client does before sending an image; returns the mxc:// URI. */
  async upload(bytes: Uint8Array, mediaType: string): Promise<string> {
    const response = await fetch(`${this.homeserver}/_matrix/media/v3/upload?filename=photo`, { method: 'POST', headers: { authorization: `Bearer ${this.token}`, 'content-type': mediaType }, body: bytes });
    const json = (await response.json()) as { content_uri?: string };
    if (!response.ok || !json.content_uri) throw new Error(`upload: ${response.status} ${JSON.stringify(json)}`);
    return json.content_uri;
  }

  /** Fetches media by its mxc:// URI (authenticated media, as current clients do). */
  async download(mxc: string): Promise<Buffer> {
    const [server, id] = mxc.slice('mxc://'.length).split('/');
    const response = await fetch(`${this.homeserver}/_matrix/client/v1/media/download/${server}/${id}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new Error(`download: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Sends an image the way Element does: uploaded first, then an m.image event pointing at it. */
  async sendImage(roomId: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const url = await this.upload(bytes, mediaType);
    return this.send(roomId, 'm.room.message', { msgtype: 'm.image', body: 'photo', url, info: { mimetype: mediaType, size: bytes.length, w: 8, h: 8 } });
  }

  shareLocation(roomId: string, lat: number, lon: number): Promise<string> {
    return this.send(roomId, 'm.room.message', { msgtype: 'm.location', body: `Location ${lat},${lon}`, geo_uri: `geo:${lat},${lon};u=20` });
  }

  /** Every event of the room's timeline (or only the newest 100), oldest first. */
  async timeline(roomId: string, newestOnly = false): Promise<MatrixEvent[]> {
    const events: MatrixEvent[] = [];
    let from: string | undefined;
    for (;;) {
      const page = await this.request('GET', `/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=100${from ? `&from=${encodeURIComponent(from)}` : ''}`);
      events.push(...(page.chunk as MatrixEvent[]));
      if (newestOnly || !page.end || page.chunk.length === 0) break;
      from = page.end;
    }
    return events.reverse();
  }

  /** The bot's messages in the room (notices and files, not its reactions or edits), oldest first. */
  async botMessages(roomId: string, botId: string): Promise<MatrixEvent[]> {
    return (await this.timeline(roomId)).filter((e) => e.sender === botId && e.type === 'm.room.message' && e.content['m.relates_to']?.rel_type !== 'm.replace');
  }

  /** Waits until the room holds an event that matches (the bot works asynchronously, through its sync). */
  async waitFor(roomId: string, match: (e: MatrixEvent) => boolean, what: string, timeoutMs = 60_000): Promise<MatrixEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.timeline(roomId, true)).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} in ${roomId}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The bot's answer to one of this person's events (threaded to it). */
  replyTo(roomId: string, botId: string, eventId: string): Promise<MatrixEvent> {
    return this.waitFor(roomId, (e) => e.sender === botId && e.type === 'm.room.message' && e.content['m.relates_to']?.['m.in_reply_to']?.event_id === eventId, `the bot's reply to ${eventId}`);
  }

  /** Writes and waits for the answer. */
  async ask(roomId: string, botId: string, text: string, replyTo?: string): Promise<MatrixEvent> {
    return this.replyTo(roomId, botId, await this.say(roomId, text, replyTo));
  }

  async membership(roomId: string, userId: string): Promise<string | null> {
    try {
      return (await this.request('GET', `/rooms/${encodeURIComponent(roomId)}/state/m.room.member/${encodeURIComponent(userId)}`)).membership;
    } catch {
      return null;
    }
  }
}

/** The number of an option in a bot message's numbered list ("3. Deutsch" -> "3"). */
export function optionNumber(message: MatrixEvent, label: string): string {
  const line = String(message.content.body)
    .split('\n')
    .find((l) => new RegExp(`^\\d+\\. ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(.*\\))?( ✓)?$`).test(l));
  if (!line) throw new Error(`no option "${label}" in: ${message.content.body}`);
  return line.split('.')[0]!;
}
