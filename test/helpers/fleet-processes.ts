/**
 * Stand-ins for a fleet's processes inside one test: each has its own storage connection, its
 * own Redis client and its own Redis lock, as separate processes would, all in one namespace of
 * the shared Redis that `close()` removes.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { openStorage, type Storage } from "../../src/store/open.js";
import { RedisLock } from "../../src/work/redis-lock.js";
import { deleteKeys } from "./redis-keys.js";

export const SHARED_REDIS = "redis://127.0.0.1:6379";

export interface FleetProcess {
  storage: Storage;
  lock: RedisLock;
}

export function fleetProcesses(name: string): {
  open(): Promise<FleetProcess>;
  close(): Promise<void>;
} {
  const namespace = `fdtest-${name}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const stores: Storage[] = [];
  const clients: Redis[] = [];
  return {
    async open() {
      const storage = await openStorage(SHARED_REDIS, { namespace });
      const redis = new Redis(SHARED_REDIS, { maxRetriesPerRequest: null });
      stores.push(storage);
      clients.push(redis);
      return { storage, lock: new RedisLock(redis, `${namespace}-q`) };
    },
    async close() {
      const redis = clients[0];
      if (redis) await deleteKeys(redis, [`${namespace}*`]);
      await Promise.all(stores.map((s) => s.close()));
      await Promise.all(clients.map((c) => c.quit()));
    },
  };
}
