/** One item's outcome in a batch. */
export type Settled<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * Coalesces work on one key (e.g. one helper call) into batches: an item that finds nothing in
 * flight for its key runs at once, alone; items that arrive while a batch runs wait for it and then
 * go together as the next batch, in arrival order. Hundreds of requests that would all queue on
 * the same row lock anyway become a few statements.
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
  /** Per key: the items waiting for the batch in flight to finish. A key is present while a batch for it runs. */
  const queues = new Map<string, Waiting[]>();

  async function drain(key: string, batch: Waiting[]): Promise<void> {
    for (;;) {
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
      const queue = queues.get(key)!;
      if (queue.length === 0) {
        queues.delete(key);
        return;
      }
      batch = queue.splice(0, maxBatch);
    }
  }

  return (key, item) =>
    new Promise<Result>((resolve, reject) => {
      const waiting: Waiting = { item, resolve, reject };
      const queue = queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      queues.set(key, []);
      void drain(key, [waiting]);
    });
}
