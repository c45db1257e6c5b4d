/**
 * Runs work one piece at a time, in the order it was handed over (a FIFO lock). For jobs that start
 * together and each read a little before they wait: run side by side, their reads would queue behind
 * each other at the database anyway, and the first would be ready only when all of them are; in turn,
 * the first is ready after its own reads and waits while the next one reads.
 */
export function inTurn(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}
