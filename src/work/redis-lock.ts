/**
 * Mutual exclusion across the processes of a fleet, on the Redis they share: `SET key token NX
 * PX ttl` to take, compare-and-delete to release, so a holder that died frees the key when its
 * ttl ends and a slow holder never releases someone else's lock.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { RunCoordinator } from "node-cron";
import { KeyedMutex } from "../store/mutex.js";
import { StorageUnavailableError } from "../store/unavailable.js";

const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;

export class LockTimeoutError extends Error {
  override name = "LockTimeoutError";
}

export interface RedisLockOptions {
  /**
   * The lease: renewed every third of it while the holder lives, so it is what a dead holder
   * costs the others, not a bound on how long a holder may take.
   */
  ttlMs: number;
  /** Longest a caller waits for it before giving up (the caller's work is retried). */
  waitMs: number;
}

export class RedisLock {
  // Callers in this process queue here first, so one process makes one contender.
  readonly #local = new KeyedMutex();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RedisLockOptions = { ttlMs: 5_000, waitMs: 30_000 },
  ) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.#local.run(key, () => this.#held(key, task));
  }

  async #held<T>(key: string, task: () => Promise<T>): Promise<T> {
    const name = `${this.prefix}:lock:${key}`;
    const token = randomUUID();
    const giveUpAt = Date.now() + this.options.waitMs;
    let pause = 5;
    // Redis away is storage away for the caller: a slash command answers "storage unavailable"
    // and a delivery or a poll waits out the outage, instead of treating it as a bug.
    const take = () =>
      this.redis.set(name, token, "PX", this.options.ttlMs, "NX").catch((err: unknown) => {
        throw new StorageUnavailableError("lock", err);
      });
    while ((await take()) !== "OK") {
      if (Date.now() > giveUpAt) throw new LockTimeoutError(`lock ${key} still held elsewhere`);
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 100);
    }
    const { ttlMs } = this.options;
    const renew = setInterval(() => {
      this.redis.eval(EXTEND, 1, name, token, String(ttlMs)).catch(() => {});
    }, ttlMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(renew);
      await this.redis.eval(RELEASE, 1, name, token).catch(() => {});
    }
  }
}

/**
 * node-cron's coordinator for `distributed: true`: the first process to claim a tick's key runs
 * it. The key is left to expire rather than deleted on completion, so a process whose clock is
 * behind cannot claim the same tick after the winner finished.
 *
 * A claim that fails (Redis away) skips the tick in this process, and is handed to `unavailable`
 * rather than thrown: node-cron would log a thrown error on every tick of an outage. Every
 * process fails the same way, so the tick is skipped by the fleet, and the next one after
 * recovery polls what fell due meanwhile.
 */
export function redisRunCoordinator(
  redis: Redis,
  prefix: string,
  unavailable: (err: unknown) => void = (err) => {
    throw err;
  },
): RunCoordinator {
  const me = `${hostname()}:${process.pid}`;
  return {
    async shouldRun(key: string, ttlMs: number): Promise<boolean> {
      try {
        return (await redis.set(`${prefix}:cron:${key}`, me, "PX", ttlMs, "NX")) === "OK";
      } catch (err) {
        unavailable(err);
        return false;
      }
    },
  };
}
