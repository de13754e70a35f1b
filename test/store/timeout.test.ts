/**
 * STORAGE_TIMEOUT_MS: a storage call that does not settle fails as "storage unavailable" after the
 * limit, against the real Redis behind a proxy that stalls (the server hangs, connections stay
 * open). The outage is logged once, and its end once, with its length; the client cuts the silent
 * connection and reconnects by itself.
 */
import type { KeyvStoreAdapter } from "keyv";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { StorageHealth } from "../../src/store/health.js";
import { openStorage, type Storage } from "../../src/store/open.js";
import {
  failingAsUnavailable,
  isStorageUnavailable,
  StorageTimeoutError,
  StorageUnavailableError,
} from "../../src/store/unavailable.js";
import { REDIS_PORT, RedisProxy } from "../helpers/redis-proxy.js";
import { serviceAvailable } from "../helpers/services.js";

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function recordingLog() {
  const lines: Line[] = [];
  const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  return Object.assign(log, { lines });
}

const namespace = () => `fdtimeout${process.pid}${Math.floor(Math.random() * 1e6)}`;

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a storage call that hangs", () => {
  it("rejects as unavailable after the timeout, naming the operation and the limit", async () => {
    const hanging = { get: () => new Promise(() => {}), on: () => {} };
    const log = recordingLog();
    const health = new StorageHealth(log);
    health.watch(async () => {});
    const store = failingAsUnavailable(hanging as unknown as KeyvStoreAdapter, {
      timeoutMs: 300,
      health,
    });
    const started = Date.now();
    const error = await (store.get("k") as Promise<unknown>).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(600);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as Error).cause).toBeInstanceOf(StorageTimeoutError);
    expect((error as Error).message).toBe("storage get did not answer within 300 ms");
    expect(health.available).toBe(false);
    // A second failure in the same outage is not logged again.
    await (store.get("k") as Promise<unknown>).catch(() => {});
    expect(log.lines.filter((l) => l.level >= 50)).toHaveLength(1);
    health.stop();
  });
});

describe("Redis that stops answering", async () => {
  const available = await serviceAvailable("Redis", REDIS_PORT);
  let proxy: RedisProxy | undefined;
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close().catch(() => {});
    await proxy?.close();
  });

  it.runIf(available)(
    "fails each call in ≈ STORAGE_TIMEOUT_MS, logs the outage once, and recovers by itself",
    async () => {
      proxy = await RedisProxy.open();
      const log = recordingLog();
      storage = await openStorage(proxy.url, { namespace: namespace(), log, timeoutMs: 2000 });
      await storage.kv.set("k", 1);

      proxy.stall();
      const timings: number[] = [];
      const started0 = Date.now();
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        const error = await storage.kv.get("k").catch((e: unknown) => e);
        timings.push(Date.now() - started);
        expect(isStorageUnavailable(error)).toBe(true);
      }
      // The first call hangs on the silent connection until the limit; by the second the client
      // may already have cut it (offline: fails at once). Neither waits past the limit.
      expect(timings[0]).toBeGreaterThanOrEqual(1950);
      for (const t of timings) expect(t).toBeLessThan(2600);
      const down = log.lines.filter((l) => l.msg.startsWith("storage unavailable"));
      expect(down).toHaveLength(1);
      expect(down[0]).toMatchObject({ operation: "get", level: 50 });
      expect(JSON.stringify(down[0]?.err)).toContain("did not answer within 2000 ms");
      expect(storage.health.available).toBe(false);

      const restoredAt = Date.now();
      await proxy.restore();
      // No traffic from the test: the health probe notices, the client has reconnected.
      await waitFor(() => storage?.health.available === true, 15_000);
      expect(await storage.kv.get("k")).toBe(1);
      const up = log.lines.filter((l) => l.msg === "storage available again");
      expect(up).toHaveLength(1);
      // From the first failure (the end of the first 2 s call) to the restore and beyond.
      expect(up[0]?.outageMs).toBeGreaterThanOrEqual(restoredAt - started0 - 2000);
      process.stderr.write(`storage timeout: calls failed after ${timings.join(", ")} ms\n`);
      expect(log.lines.filter((l) => l.msg.startsWith("storage unavailable"))).toHaveLength(1);
    },
    30_000,
  );
});
