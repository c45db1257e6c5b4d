/** One item's outcome in a batch. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * Coalesces work on one key (e.g. one helper call) into batches: an item that finds nothing in
 * flight for its key starts a batch at once (with whatever arrives in the same synchronous turn);
 * items that arrive while a batch runs wait for it and then go together as the next batch, in
 * arrival order. Hundreds of requests that would all queue on the same row lock anyway become a
 * few statements.
 *
 * `run` gets the items of one batch and answers one outcome per item, in the same order: a result
 * or an error of that item alone. If `run` itself fails (or answers the wrong number of outcomes),
 * every item of that batch rejects with the error; the next batch still runs. No item is left waiting.
 */
export function keyedBatcher<Item, Result>(run: (key: string, items: Item[]) => Promise<Settled<Result>[]>, maxBatch = 500): (key: string, item: Item) => Promise<Result> {
  interface Waiting {
    item: Item;
    resolve(result: Result): void;
    reject(error: unknown): void;
  }
  /** Per key: the items not yet sent. A key is present from its first item until its last batch has settled. */
  const queues = new Map<string, Waiting[]>();

  async function drain(key: string): Promise<void> {
    const queue = queues.get(key)!;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const results = await run(key, batch.map((w) => w.item));
        if (results.length !== batch.length) throw new Error(`batch of ${batch.length} answered ${results.length} results`);
        batch.forEach((w, i) => {
          const settled = results[i]!;
          if (settled.ok) w.resolve(settled.value);
          else w.reject(settled.error);
        });
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    queues.delete(key);
  }

  return (key, item) =>
    new Promise<Result>((resolve, reject) => {
      const queue = queues.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      queues.set(key, [{ item, resolve, reject }]);
      // After the current task's synchronous work, not after a timer: items handed over in the same
      // turn (a burst read from one socket) start together, a lone one loses nothing.
      queueMicrotask(() => void drain(key));
    });
}
