import { MemoryStorageProvider } from 'matrix-bot-sdk';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../core/index.js';
import { SyncingClient, type RawEvent, type SyncHandler } from './matrix-client.js';

const message = (id: string, sender = '@ana:localhost'): RawEvent => ({ event_id: id, type: 'm.room.message', sender, content: { msgtype: 'm.text', body: id } });

/** A sync response as the homeserver sends it: joined rooms with their timelines. */
function batch(rooms: Record<string, RawEvent[]>) {
  return { next_batch: 's2', rooms: { join: Object.fromEntries(Object.entries(rooms).map(([id, events]) => [id, { timeline: { events } }])) } };
}

function recorder(failOn: Set<string>) {
  const handled: string[] = [];
  const held: { eventId: string; cause: unknown }[] = [];
  const handler: SyncHandler = {
    invite: async () => undefined,
    leave: async () => undefined,
    roomEvent: async (_roomId, event) => {
      if (failOn.has(event.event_id)) throw new StoreUnavailableError(new Error('connection refused'));
      handled.push(event.event_id);
    },
    held: async (_roomId, event, cause) => void held.push({ eventId: event.event_id, cause }),
  };
  return { handler, handled, held };
}

function client(handler: SyncHandler): { process(raw: unknown): Promise<void> } {
  const c = new SyncingClient('http://127.0.0.1:9', 'token', new MemoryStorageProvider(), handler);
  // Known already, so the SDK asks the homeserver nothing while reading the batch.
  (c as unknown as { userId: string }).userId = '@bot:localhost';
  return { process: (raw) => (c as unknown as { processSync(raw: unknown): Promise<void> }).processSync(raw) };
}

describe('the Matrix sync, when an event of a batch fails', () => {
  it('holds the later events of that room (their order stays), tells their senders why, and fails the batch so it is fetched again', async () => {
    const { handler, handled, held } = recorder(new Set(['$1']));
    await expect(client(handler).process(batch({ '!a:localhost': [message('$1'), message('$2'), message('$3')], '!b:localhost': [message('$4')] }))).rejects.toBeInstanceOf(StoreUnavailableError);
    // The other room is not held up; nothing of the failed room was handled out of order.
    expect(handled).toEqual(['$4']);
    expect(held.map((h) => h.eventId)).toEqual(['$2', '$3']);
    expect(held.every((h) => h.cause instanceof StoreUnavailableError)).toBe(true);
  });

  it('handles a whole batch in order when nothing fails, and holds nothing', async () => {
    const { handler, handled, held } = recorder(new Set());
    await client(handler).process(batch({ '!a:localhost': [message('$1'), message('$2')] }));
    expect(handled).toEqual(['$1', '$2']);
    expect(held).toEqual([]);
  });
});
