import { MatrixClient, type IFilterInfo, type IStorageProvider } from 'matrix-bot-sdk';
import type { MatrixStore } from './matrix-store.js';

/** A raw Matrix event as the sync returns it; its content is validated where it is read. */
export interface RawEvent {
  event_id: string;
  type: string;
  sender: string;
  state_key?: string;
  content?: Record<string, unknown>;
}

/** What the bot does with what the sync brings; each call finishes before the batch counts as done. */
export interface SyncHandler {
  invite(roomId: string, event: RawEvent): Promise<void>;
  roomEvent(roomId: string, event: RawEvent): Promise<void>;
  leave(roomId: string, event: RawEvent): Promise<void>;
  /**
   * An event not handled in this round because an earlier one of its room failed (the room's
   * order must hold, so it waits for the batch to be fetched again). The person may still be told.
   */
  held(roomId: string, event: RawEvent, cause: unknown): Promise<void>;
}

/** Only what the bot reads: room timelines and invites, no presence, typing or receipts. */
export const SYNC_FILTER = {
  presence: { types: [] as string[] },
  account_data: { types: [] as string[] },
  room: { ephemeral: { types: [] as string[] }, account_data: { types: [] as string[] } },
};

class Stopped extends Error {}

/** How long a sync waits for something new when nothing failed. */
const SYNC_TIMEOUT_MS = 20_000;

/**
 * matrix-bot-sdk's client with a sync that loses nothing: the sync token moves
 * on (and is stored in the database, shared by every instance) only after every
 * event of the batch was handled. Events of one room are handled in order, rooms
 * side by side. A batch that fails (the database is briefly gone) is fetched and
 * handled again; what was already applied is recognised by the core's event
 * dedupe. A first start with no stored token skips the history.
 *
 * The SDK's own loop cannot be used for this: it takes the next token before
 * handling a batch, so a batch that failed would be skipped until a restart.
 */
export class SyncingClient extends MatrixClient {
  private halted = false;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    homeserverUrl: string,
    accessToken: string,
    storage: IStorageProvider,
    private readonly handler: SyncHandler,
  ) {
    super(homeserverUrl, accessToken, storage);
    this.syncingTimeout = SYNC_TIMEOUT_MS;
  }

  /** Stops syncing and waits for the batch being handled; a batch that arrives later is left for the next start. */
  async shutdown(): Promise<void> {
    this.halted = true;
    this.stop();
    await this.inFlight.catch(() => undefined);
  }

  protected override async startSyncInternal(): Promise<void> {
    // The SDK's loop of an earlier start may still be waiting for its last sync; it must not run twice.
    if (this.halted) throw new Error('a stopped Matrix client does not start again; compose a new one');
    if (!(await this.storageProvider.getSyncToken())) await this.skipHistory();
    return this.startSync();
  }

  protected override async startSync(): Promise<void> {
    let token = await this.storageProvider.getSyncToken();
    const loop = async () => {
      let failures = 0;
      while (!this.halted) {
        try {
          // Synapse answers a sync request it has seen (same since, timeout and filter) from a
          // two-minute cache. A batch fetched again must also hold what was written since, so a
          // retry asks with a timeout of its own: a person who writes while the database is gone
          // hears why nothing happens, not two minutes later.
          this.syncingTimeout = failures === 0 ? SYNC_TIMEOUT_MS : failures;
          const response = await this.doSync(token ?? '');
          await this.processSync(response);
          token = String(response.next_batch);
          await this.storageProvider.setSyncToken(token);
          failures = 0;
        } catch (error) {
          if (this.halted) return;
          failures++;
          this.onSyncError?.(error, failures);
          // 1 s, 2 s, 4 s … up to 30 s, with jitter so that instances do not retry in step.
          const wait = Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5)) * (0.75 + Math.random() / 2);
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }
    };
    void loop();
  }

  /** Told of each failed sync (the homeserver or the database unreachable); the loop retries by itself. */
  onSyncError?: (error: unknown, failures: number) => void;

  /** The first sync of a new deployment: pending invites count, old conversations do not. */
  private async skipHistory(): Promise<void> {
    const filter = JSON.stringify({ ...SYNC_FILTER, room: { ...SYNC_FILTER.room, timeline: { limit: 0 } } });
    const raw = await this.doRequest('GET', '/_matrix/client/v3/sync', { timeout: 0, filter });
    await this.processSync({ rooms: { invite: raw?.rooms?.invite ?? {} } });
    await this.storageProvider.setSyncToken(raw.next_batch);
  }

  protected override processSync(raw: unknown): Promise<void> {
    const run = this.handleBatch(raw);
    this.inFlight = run;
    return run;
  }

  private async handleBatch(raw: unknown): Promise<void> {
    if (this.halted) throw new Stopped('stopped');
    const chains = new Map<string, Promise<void>>();
    const enqueue = (roomId: string, event: RawEvent, work: () => Promise<void>) => {
      const next = (chains.get(roomId) ?? Promise.resolve()).then(
        () => {
          if (this.halted) throw new Stopped('stopped');
          return work();
        },
        async (cause: unknown) => {
          // An earlier event of this room failed: this one is not handled before it, but its
          // sender may still hear why nothing happens (e.g. the database is briefly gone).
          if (!(cause instanceof Stopped)) await this.handler.held(roomId, event, cause).catch(() => undefined);
          throw cause;
        },
      );
      next.catch(() => undefined);
      chains.set(roomId, next);
    };
    await super.processSync(raw, async (type: string, roomId: unknown, event: unknown) => {
      if (typeof roomId !== 'string' || typeof event !== 'object' || event === null) return;
      const e = event as RawEvent;
      if (type === 'room.invite') enqueue(roomId, e, () => this.handler.invite(roomId, e));
      else if (type === 'room.event') enqueue(roomId, e, () => this.handler.roomEvent(roomId, e));
      else if (type === 'room.leave') enqueue(roomId, e, () => this.handler.leave(roomId, e));
    });
    const failed = (await Promise.allSettled(chains.values())).find((r) => r.status === 'rejected');
    // Rejecting keeps the old sync token: the SDK backs off and fetches the batch again.
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/**
 * matrix-bot-sdk's storage port on the database, so every instance continues from the same sync
 * token. Kept per bot account (its user id, known once the client asked the homeserver).
 */
export function storageProvider(store: MatrixStore, account: () => string): IStorageProvider {
  const key = (name: string) => {
    const id = account();
    if (!id) throw new Error('the Matrix account is not known yet');
    return `${id}:${name}`;
  };
  return {
    setSyncToken: (token) => (token ? store.storeValue(key('sync'), token) : store.storeValue(key('sync'), '')),
    getSyncToken: async () => (await store.readValue(key('sync'))) || null,
    setFilter: (filter) => store.storeValue(key('filter'), JSON.stringify(filter)),
    getFilter: async () => {
      const value = await store.readValue(key('filter'));
      return (value ? JSON.parse(value) : null) as IFilterInfo;
    },
    storeValue: (name, value) => store.storeValue(key(`kv:${name}`), value),
    readValue: (name) => store.readValue(key(`kv:${name}`)),
  };
}
