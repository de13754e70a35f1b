/**
 * The stories' index in a fleet: two processes (each with its own storage connection, StoryStore
 * and Redis lock client) store stories of the same hour at once. With the fleet's lock the index
 * lists every one of them; without it, concurrent rewrites of the hour's index head drop entries.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { openStorage, type Storage } from "../../src/store/open.js";
import { StoryStore } from "../../src/store/stories.js";
import { RedisLock } from "../../src/work/redis-lock.js";
import { serviceAvailable } from "../helpers/services.js";
import { NOW, story } from "./fixtures.js";

const REDIS = "redis://127.0.0.1:6379";
const redisUp = await serviceAvailable("Redis", 6379);

describe.skipIf(!redisUp)("the stories' index shared by a fleet", () => {
  const namespace = `fdtest-index-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stores: Storage[] = [];
  const clients: Redis[] = [];
  afterAll(async () => {
    const redis = clients[0];
    if (redis) {
      const keys = await redis.keys(`${namespace}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await Promise.all(stores.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.quit()));
  });

  it("lists every story stored by processes writing the same hour at the same time", async () => {
    const processes: StoryStore[] = [];
    for (let i = 0; i < 2; i++) {
      const storage = await openStorage(REDIS, { namespace });
      const redis = new Redis(REDIS, { maxRetriesPerRequest: null });
      stores.push(storage);
      clients.push(redis);
      processes.push(
        new StoryStore(storage.kv, 86_400_000, () => NOW, {
          lock: new RedisLock(redis, `${namespace}-q`),
        }),
      );
    }
    const [a, b] = processes as [StoryStore, StoryStore];
    const at = new Date(NOW - 60_000).toISOString();
    await Promise.all(
      Array.from({ length: 30 }, (_, n) => [
        a.put([story(`a${n}`, { publishedAt: at })]),
        b.put([story(`b${n}`, { publishedAt: at })]),
      ]).flat(),
    );
    const ids = await a.idsPublished(NOW - 3_600_000, NOW + 1);
    expect(new Set(ids).size).toBe(60);
  }, 30_000);
});
