/**
 * FETCH_PER_HOST across a fleet. Each process already bounds its own fetches per host; with N
 * processes that would let a site see N times the limit, so a fleet also counts, per host, the
 * fetches under way anywhere, in a sorted set on the shared Redis: a member per fetch, scored by
 * when its lease ends. A process that dies mid-fetch frees its slot when the lease runs out; a
 * live one renews it, so a slow fetch keeps its slot.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { HostGate } from "../feeds/limiter.js";

/** Drops ended leases, then takes a slot if fewer than the limit are held. Redis's clock only. */
const TAKE = `
local now = redis.call("TIME")
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ms)
if redis.call("ZCARD", KEYS[1]) < tonumber(ARGV[1]) then
  redis.call("ZADD", KEYS[1], ms + tonumber(ARGV[2]), ARGV[3])
  redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[2]) * 2)
  return 1
end
return 0`;

/** Extends a held lease; a lease already dropped as ended is not taken back. */
const RENEW = `
local now = redis.call("TIME")
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if redis.call("ZSCORE", KEYS[1], ARGV[2]) then
  redis.call("ZADD", KEYS[1], "XX", ms + tonumber(ARGV[1]), ARGV[2])
  redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[1]) * 2)
  return 1
end
return 0`;

export class HostBusyError extends Error {
  override name = "HostBusyError";
}

export interface HostSlotOptions {
  /** Fetches under way at once per host, fleet-wide (FETCH_PER_HOST). */
  perHost: number;
  /** What a dead holder costs the others; renewed every third of it while the holder lives. */
  leaseMs: number;
  /** Longest a fetch waits for a slot; then it fails and its job is retried later. */
  waitMs: number;
}

export class FleetHostSlots implements HostGate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: HostSlotOptions,
  ) {}

  async run<T>(host: string, task: () => Promise<T>): Promise<T> {
    const key = `${this.prefix}:host:${host}`;
    const token = randomUUID();
    const { perHost, leaseMs, waitMs } = this.options;
    const giveUpAt = Date.now() + waitMs;
    // Short pauses: a slot freed elsewhere is noticed within ~100 ms, so a busy host's fetches
    // follow each other closely; the cost is a few small scripts per waiter per second.
    let pause = 10;
    while ((await this.redis.eval(TAKE, 1, key, perHost, leaseMs, token)) !== 1) {
      if (Date.now() > giveUpAt)
        throw new HostBusyError(`${host}: all ${perHost} fetch slots stayed taken in the fleet`);
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 100);
    }
    const renew = setInterval(() => {
      this.redis.eval(RENEW, 1, key, leaseMs, token).catch(() => {});
    }, leaseMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(renew);
      await this.redis.zrem(key, token).catch(() => {});
    }
  }
}
