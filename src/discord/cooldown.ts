/**
 * Per-user cooldowns for commands that cost real work (full-text search, digests, fetching a
 * feed): one member cannot keep the bot busy for a whole server. Entries expire by themselves.
 */
export class Cooldowns {
  readonly #until = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds left before `userId` may run `command` again; 0 means go, and starts the wait. */
  take(userId: string, command: string, cooldownMs: number): number {
    const key = `${userId}:${command}`;
    const now = this.now();
    const until = this.#until.get(key) ?? 0;
    if (until > now) return until - now;
    this.#until.set(key, now + cooldownMs);
    if (this.#until.size > 10_000) this.#prune(now);
    return 0;
  }

  #prune(now: number): void {
    for (const [key, until] of this.#until) if (until <= now) this.#until.delete(key);
  }
}
