/** A bound on fetches per host that more than one process can share (see src/work/host-slots.ts). */
export interface HostGate {
  run<T>(host: string, task: () => Promise<T>): Promise<T>;
}

/**
 * Bounds concurrent work globally and per key (host): one slow or rate-limiting site must not
 * occupy every connection, and a thousand feeds on one host must not hammer it.
 */
export class KeyedLimiter {
  #active = 0;
  #perKey = new Map<string, number>();
  #waiting: Array<{ key: string; start: () => void }> = [];

  constructor(
    private readonly globalLimit: number,
    private readonly perKeyLimit: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    await this.#acquire(key);
    try {
      return await task();
    } finally {
      this.#release(key);
    }
  }

  #canStart(key: string): boolean {
    return this.#active < this.globalLimit && (this.#perKey.get(key) ?? 0) < this.perKeyLimit;
  }

  #take(key: string): void {
    this.#active++;
    this.#perKey.set(key, (this.#perKey.get(key) ?? 0) + 1);
  }

  #acquire(key: string): Promise<void> {
    if (this.#canStart(key)) {
      this.#take(key);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push({ key, start: resolve }));
  }

  #release(key: string): void {
    this.#active--;
    const left = (this.#perKey.get(key) ?? 1) - 1;
    if (left === 0) this.#perKey.delete(key);
    else this.#perKey.set(key, left);
    // First waiter whose host has room; FIFO otherwise, so no feed starves.
    const index = this.#waiting.findIndex((w) => this.#canStart(w.key));
    if (index >= 0) {
      const [next] = this.#waiting.splice(index, 1);
      if (next) {
        this.#take(next.key);
        next.start();
      }
    }
  }
}
