/**
 * The fleet's Redis stopped and restarted under one process's QueueWork (a private Redis the test
 * may stop: test/helpers/redis-server.ts; the shared one is never touched):
 * - a lock (what /subscribe and delivery take) fails at once as "storage unavailable" instead of
 *   waiting in the client's offline queue until Redis is back (a slash command would miss
 *   Discord's 3 s);
 * - the tick's election skips the tick quietly instead of hanging (node-cron then logged "task
 *   still running" at every tick) or throwing (node-cron logged "Run coordinator failed" at every
 *   tick);
 * - the outage is logged once with its cause and once at its end, not once per reconnection
 *   attempt or failed blocking call; ticks resume by themselves.
 */
import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { isStorageUnavailable } from "../../src/store/unavailable.js";
import { type Fleet, openFleet } from "../../src/work/fleet.js";
import { QueueWork } from "../../src/work/queue-work.js";
import { until } from "../helpers/bot-process.js";
import { PrivateRedis } from "../helpers/redis-server.js";

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const redis = await PrivateRedis.start();

describe.skipIf(!redis)("the fleet's Redis stopped and restarted", () => {
  const server = redis as PrivateRedis;
  let fleet: Fleet | undefined;
  let work: QueueWork | undefined;

  afterEach(async () => {
    vi.restoreAllMocks();
    await work?.stop().catch(() => {});
    await fleet?.close();
    work = undefined;
    fleet = undefined;
    if (!server.running) await server.restart();
  });
  afterAll(async () => {
    await server.close();
  });

  async function start(storageAvailable: () => boolean = () => true) {
    const lines: Line[] = [];
    const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const config = {
      STORAGE_URL: server.url,
      STORAGE_NAMESPACE: `fdtest-qo-${randomUUID().slice(0, 8)}`,
      STORAGE_TIMEOUT_MS: 1000,
      FETCH_PER_HOST: 2,
      FETCH_TIMEOUT_MS: 20_000,
    };
    fleet = await openFleet(config, log);
    const f = fleet as Fleet;
    const counts = { refreshes: 0, skippedPolls: 0, feedReads: 0 };
    work = new QueueWork(
      {
        redis: f.redis,
        locks: f.locks,
        queueHealth: f.health,
        storageHealth: {
          get available() {
            return storageAvailable();
          },
          skippedPoll: () => void counts.skippedPolls++,
        },
        feeds: async () => {
          counts.feedReads++;
          return [];
        },
        states: { getMany: async () => new Map() },
        poller: { pollDue: async () => undefined },
        outbox: { channels: () => [], changedChannels: () => [], flush: async () => {} },
        sender: { turn: async () => ({ type: "idle" }) },
        refresh: async () => void counts.refreshes++,
        log,
      },
      {
        prefix: `${config.STORAGE_NAMESPACE}-q`,
        schedule: "* * * * * *",
        lockMs: 2000,
        fetchConcurrency: 2,
        deliverConcurrency: 2,
        globalRate: 50,
        drainMs: 1000,
      },
    );
    await work.start();
    return { lines, fleet: f, counts };
  }

  it("fails locks at once, skips ticks quietly, logs the outage once each way, and resumes", async () => {
    // node-cron's own complaints go to the console, unstructured.
    const consoleLines: unknown[] = [];
    for (const method of ["error", "warn", "log"] as const)
      vi.spyOn(console, method).mockImplementation((...args) => void consoleLines.push(args));
    const { lines, fleet: f } = await start();
    await until("a first tick", () => lines.some((l) => l.msg.startsWith("poll tick")), 5000);

    await server.stop();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const locked = await f.lock.run("subs:1", async () => "ran").catch((err: unknown) => err);
    const lockMs = Date.now() - started;
    expect(isStorageUnavailable(locked), String(locked)).toBe(true);
    expect(lockMs).toBeLessThan(1000);

    // Several ticks and reconnection attempts into the outage.
    await new Promise((r) => setTimeout(r, 4000));
    const tickLines = () => lines.filter((l) => l.msg.startsWith("poll tick")).length;
    const ticksBefore = tickLines();
    await server.restart();
    await until(
      "the recovery line",
      () => lines.some((l) => l.msg === "queue Redis available again"),
      15_000,
    );
    await until("ticks to resume", () => tickLines() > ticksBefore, 5000);

    const loud = lines.filter((l) => l.level >= 40);
    expect(loud.map((l) => l.msg)).toEqual([
      "queue Redis unavailable; ticks, jobs and locks wait until it answers",
    ]);
    expect(String(loud[0]?.err)).toMatch(/ECONNREFUSED|ECONNRESET|closed/i);
    const up = lines.filter((l) => l.msg === "queue Redis available again");
    expect(up).toHaveLength(1);
    expect(up[0]?.skippedTicks).toBeGreaterThanOrEqual(3);
    expect(consoleLines).toEqual([]);
    // And the lock works again.
    expect(await f.lock.run("subs:1", async () => "ran")).toBe("ran");
  }, 40_000);

  it("skips a tick while storage is down without a line, and refreshes nothing", async () => {
    let storageUp = true;
    const { lines, counts } = await start(() => storageUp);
    await until("a first tick", () => counts.feedReads > 0, 5000);
    storageUp = false;
    const reads = counts.feedReads;
    const refreshes = counts.refreshes;
    await new Promise((r) => setTimeout(r, 3200));
    expect(counts.feedReads).toBe(reads);
    expect(counts.refreshes).toBe(refreshes);
    expect(counts.skippedPolls).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    storageUp = true;
    await until("ticks to resume", () => counts.feedReads > reads, 5000);
  }, 20_000);
});
