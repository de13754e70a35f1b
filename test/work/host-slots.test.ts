/**
 * FETCH_PER_HOST across a fleet: two "processes" (each with its own Redis connection and its own
 * FleetHostSlots) never run more fetches on one host at once than the limit, a slow holder keeps
 * its slot past its lease, and a dead holder's slot comes back when its lease ends.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetHostSlots, HostBusyError } from "../../src/work/host-slots.js";
import { deleteKeys } from "../helpers/redis-keys.js";
import { serviceAvailable } from "../helpers/services.js";

const REDIS = "redis://127.0.0.1:6379";
const redisUp = await serviceAvailable("Redis", 6379);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!redisUp)("a fleet's per-host fetch slots", () => {
  const prefix = `fdtest-hosts-${process.pid}-${randomUUID().slice(0, 8)}-q`;
  const clients: Redis[] = [];
  const slots = (perHost: number, leaseMs = 3000, waitMs = 10_000) =>
    clients.map((c) => new FleetHostSlots(c, prefix, { perHost, leaseMs, waitMs }));

  beforeAll(() => {
    for (let i = 0; i < 2; i++) clients.push(new Redis(REDIS, { maxRetriesPerRequest: null }));
  });
  afterAll(async () => {
    const redis = clients[0] as Redis;
    await deleteKeys(redis, [`${prefix}:*`]);
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("holds one host to the limit across processes, and other hosts are not held up", async () => {
    const [a, b] = slots(2);
    let running = 0;
    let most = 0;
    const fetch = async () => {
      running++;
      most = Math.max(most, running);
      await sleep(30);
      running--;
    };
    const other: number[] = [];
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 12 }, (_, i) =>
        ((i % 2 ? a : b) as FleetHostSlots).run("one.example", fetch),
      ),
      (a as FleetHostSlots).run("two.example", async () => {
        other.push(Date.now() - started);
      }),
    ]);
    expect(most).toBe(2);
    // Twelve 30 ms fetches two at a time take ≥ 180 ms; the other host's went at once.
    expect(other[0]).toBeLessThan(150);
    expect(await (clients[0] as Redis).zcard(`${prefix}:host:one.example`)).toBe(0);
  });

  it("keeps a slow fetch's slot past its lease, renewing it", async () => {
    const [a, b] = slots(1, 300);
    let slowDone = false;
    const slow = (a as FleetHostSlots).run("slow.example", async () => {
      await sleep(1200);
      slowDone = true;
    });
    await sleep(50);
    let next: boolean | undefined;
    await (b as FleetHostSlots).run("slow.example", async () => {
      next = slowDone;
    });
    await slow;
    expect(next).toBe(true);
  });

  it("gives a dead holder's slot back when its lease ends", async () => {
    const redis = clients[0] as Redis;
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    // A process that took the only slot and died: its lease ends 800 ms from now.
    await redis.zadd(`${prefix}:host:dead.example`, now + 800, "dead-holder");
    const [a] = slots(1);
    const t0 = Date.now();
    await (a as FleetHostSlots).run("dead.example", async () => {});
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
  });

  it("gives up with HostBusyError when the slots stay taken, and the caller's job is retried", async () => {
    const [a, b] = slots(1, 3000, 300);
    const holding = (a as FleetHostSlots).run("busy.example", () => sleep(1000));
    await sleep(50);
    await expect((b as FleetHostSlots).run("busy.example", async () => {})).rejects.toBeInstanceOf(
      HostBusyError,
    );
    await holding;
  });
});
