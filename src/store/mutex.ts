/** Serialises updates per key: a `KeyedMutex` in one process, a Redis lock across a fleet. */
export interface KeyedLock {
  run<R>(key: string, task: () => Promise<R>): Promise<R>;
}

/** Serialises async read-modify-write cycles per key within this process. */
export class KeyedMutex implements KeyedLock {
  #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => {});
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
