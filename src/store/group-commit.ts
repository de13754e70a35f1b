/**
 * Group commit for a read-modify-write that runs under a lock: callers that arrive while one
 * commit is under way (or waiting for the lock) are merged into the next, so the lock is taken
 * once per batch rather than once per caller. In a fleet the lock is a Redis lock that every
 * process contends for; taking it once per feed's poll made storing a cycle's new stories crawl.
 */
export class GroupCommit<T, R> {
  #pending: Array<{ item: T; resolve: (r: R) => void; reject: (e: unknown) => void }> = [];
  #running = false;

  /** `commit` gets every waiting item at once and answers one result per item, in order. */
  constructor(private readonly commit: (items: T[]) => Promise<R[]>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0);
      try {
        const results = await this.commit(batch.map((b) => b.item));
        for (const [i, b] of batch.entries()) b.resolve(results[i] as R);
      } catch (err) {
        // The whole batch failed together: each caller retries its own work, as it would alone.
        for (const b of batch) b.reject(err);
      }
    }
    this.#running = false;
  }
}
