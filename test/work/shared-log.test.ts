/**
 * Two processes of a fleet appending to one alert log in the same Redis: each story is logged
 * once, under one sequence number, with no number skipped or reused. Each "process" here has its
 * own connections, its own AlertLog and its own Redis lock, as separate processes would.
 */
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlertEntryInput, AlertLog } from "../../src/deliver/alert-log.js";
import { openStorage, type Storage } from "../../src/store/open.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { drainJobId, fetchJobId } from "../../src/work/job-ids.js";
import { RedisLock, redisRunCoordinator } from "../../src/work/redis-lock.js";
import { story, sub } from "../deliver/fixtures.js";
import { deleteKeys } from "../helpers/redis-keys.js";
import { serviceAvailable } from "../helpers/services.js";

const REDIS = "redis://127.0.0.1:6379";
const redisUp = await serviceAvailable("Redis", 6379);

function input(n: number): AlertEntryInput {
  const { text: _text, ...lite } = story(n);
  return { storyId: lite.id, story: lite, summaries: {}, keywordHits: [] };
}

describe.skipIf(!redisUp)("a fleet's shared alert log and locks", () => {
  const namespace = `fdtest-work-${process.pid}-${randomUUID().slice(0, 8)}`;
  const prefix = `${namespace}-q`;
  const stores: Storage[] = [];
  const clients: Redis[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      stores.push(await openStorage(REDIS, { namespace }));
      clients.push(new Redis(REDIS, { maxRetriesPerRequest: null }));
    }
  });

  afterAll(async () => {
    const redis = clients[0] as Redis;
    await deleteKeys(redis, [`${namespace}:*`, `${prefix}:*`]);
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("logs each story once with gapless numbers when two processes append at once", async () => {
    const logs = stores.map(
      (s, i) =>
        new AlertLog(s.kv, {
          ttlMs: 3_600_000,
          shared: { lock: new RedisLock(clients[i] as Redis, prefix) },
        }),
    );
    const [a, b] = logs as [AlertLog, AlertLog];
    // 60 stories each, 20 of them offered by both (two feeds carrying one story).
    const mine = (from: number) => Array.from({ length: 60 }, (_, i) => input(from + i));
    const appends: Promise<unknown>[] = [];
    for (let round = 0; round < 6; round++) {
      appends.push(a.append(mine(0).slice(round * 10, round * 10 + 10)));
      appends.push(b.append(mine(40).slice(round * 10, round * 10 + 10)));
    }
    await Promise.all(appends);
    const next = await b.next();
    expect(next).toBe(100);
    const entries = await a.read(0, next);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Set(entries.map((e) => e.storyId)).size).toBe(100);
    // What one process logged, the other reads.
    expect((await b.read(0, next)).map((e) => e.storyId)).toEqual(entries.map((e) => e.storyId));
  });

  it("lets one holder at a time through the lock, across connections", async () => {
    const locks = clients.map((c) => new RedisLock(c, prefix, { ttlMs: 5000, waitMs: 10_000 }));
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside++;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 5));
      inside--;
    };
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (locks[i % 2] as RedisLock).run("k", work)),
    );
    expect(most).toBe(1);
  });

  it("elects one process per cron tick", async () => {
    const coordinators = clients.map((c) => redisRunCoordinator(c, prefix));
    const answers = await Promise.all(
      coordinators.map((c) => c.shouldRun("poll:2026-12-03T10:00:00.000Z", 5000)),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await coordinators[0]?.shouldRun("poll:2026-12-03T10:00:05.000Z", 5000)).toBe(true);
  });

  it("queues a feed once per slot and a channel's drain once, with ids BullMQ accepts", async () => {
    const queue = new Queue("ids", { connection: clients[0] as Redis, prefix });
    const feedId = "https://news.example.org/feed.xml?x=1:2";
    for (let i = 0; i < 3; i++) {
      await queue.add("fetch", {}, { jobId: fetchJobId(feedId, 1_764_756_000_000) });
      await queue.add("drain", {}, { jobId: drainJobId("123456789012345678") });
    }
    await queue.add("fetch", {}, { jobId: fetchJobId(feedId, 1_764_756_060_000) });
    expect(await queue.getJobCountByTypes("waiting")).toBe(3);
    await queue.close();
  });
});

describe.skipIf(!redisUp)("a fleet's subscriptions", () => {
  const namespace = `fdtest-subs-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stores: Storage[] = [];
  const clients: Redis[] = [];

  afterAll(async () => {
    const redis = clients[0];
    if (redis) {
      const keys = [
        ...(await redis.keys(`${namespace}:*`)),
        ...(await redis.keys(`${namespace}-q:*`)),
      ];
      if (keys.length > 0) await redis.del(...keys);
    }
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("keeps every change when two processes change one server's subscriptions at once", async () => {
    const subs: SubscriptionStore[] = [];
    for (let i = 0; i < 2; i++) {
      const storage = await openStorage(REDIS, { namespace });
      const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
      stores.push(storage);
      clients.push(redis);
      subs.push(new SubscriptionStore(storage.kv, new RedisLock(redis, `${namespace}-q`)));
    }
    await Promise.all(subs.map((s) => s.load()));
    const [a, b] = subs as [SubscriptionStore, SubscriptionStore];
    const channel = (i: number) => `4${String(i).padStart(17, "0")}`;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? b : a).upsert(sub({ guildId: "400000000000000000", channelId: channel(i) })),
      ),
    );
    // What the other process wrote, each sees after a refresh.
    await Promise.all(subs.map((s) => s.load()));
    for (const s of subs) expect(s.forGuild("400000000000000000")).toHaveLength(20);
    await a.remove("400000000000000000", () => true);
    await b.load();
    expect(b.forGuild("400000000000000000")).toEqual([]);
    expect([...b.channels()]).toEqual([]);
  });
});

describe.skipIf(!redisUp)("the fleet's Redis lock lease", () => {
  const prefix = `fdtest-lease-${process.pid}-${randomUUID().slice(0, 8)}`;
  const redis = redisUp ? new Redis(REDIS, { maxRetriesPerRequest: null }) : undefined;

  afterAll(async () => {
    await redis?.del(`${prefix}:lock:k`);
    await redis?.quit();
  });

  it("is renewed while its holder works past the lease, and freed when a holder vanishes", async () => {
    const a = new RedisLock(redis as Redis, prefix, { ttlMs: 300, waitMs: 5000 });
    const b = new RedisLock(redis as Redis, prefix, { ttlMs: 300, waitMs: 5000 });
    const order: string[] = [];
    const slow = a.run("k", async () => {
      order.push("a in");
      await new Promise((r) => setTimeout(r, 1000));
      order.push("a out");
    });
    await new Promise((r) => setTimeout(r, 50));
    await b.run("k", async () => {
      order.push("b in");
    });
    await slow;
    expect(order).toEqual(["a in", "a out", "b in"]);
    // A holder that died: its key, not renewed, expires after the lease.
    await redis?.set(`${prefix}:lock:k`, "dead", "PX", 300);
    const started = Date.now();
    await b.run("k", async () => {});
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
