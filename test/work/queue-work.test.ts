/**
 * QueueWork's delivery queue on a real Redis, with a sender that scripts each channel's turns:
 * a channel's drain comes back through the queue while it has more (paced by the fleet-wide
 * limiter), and a global 429 pauses the queue for everyone until its retry_after.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Turn } from "../../src/deliver/sender.js";
import { QueueWork } from "../../src/work/queue-work.js";
import { until } from "../helpers/bot-process.js";
import { deleteKeys } from "../helpers/redis-keys.js";
import { serviceAvailable } from "../helpers/services.js";

const REDIS = "redis://127.0.0.1:6379";
const redisUp = await serviceAvailable("Redis", 6379);
const CHANNEL = "223456789012345678";

describe.skipIf(!redisUp)("work as jobs: the delivery queue", () => {
  const prefix = `fdtest-qw-${process.pid}-${randomUUID().slice(0, 8)}`;
  const redis = redisUp ? new Redis(REDIS, { maxRetriesPerRequest: null }) : undefined;
  let work: QueueWork | undefined;

  afterEach(async () => {
    await work?.stop();
    work = undefined;
  });

  afterAll(async () => {
    if (!redis) return;
    await deleteKeys(redis, [`${prefix}*`]);
    await redis.quit();
  });

  /** A QueueWork whose sender plays `script` (then idles), recording when each turn ran. */
  function workWith(
    script: Turn[],
    globalRate: number,
    name: string,
    /** Runs inside each turn, before it answers (the turn's job is active meanwhile). */
    during?: (turn: number) => Promise<void>,
  ) {
    const turns: number[] = [];
    let flushes = 0;
    work = new QueueWork(
      {
        redis: redis as Redis,
        feeds: async () => [],
        states: { getMany: async () => new Map() },
        poller: { pollDue: async () => undefined },
        outbox: {
          channels: () => [],
          changedChannels: () => [],
          flush: async () => {
            flushes++;
          },
        },
        sender: {
          turn: async () => {
            turns.push(Date.now());
            const turn = script.shift() ?? { type: "idle" };
            await during?.(turns.length);
            return turn;
          },
        },
        log: pino({ level: "silent" }),
      },
      {
        prefix: `${prefix}-${name}`,
        // A tick that never comes during the test (the start-up tick queues nothing: no feeds).
        schedule: "0 0 1 1 *",
        lockMs: 5000,
        fetchConcurrency: 1,
        deliverConcurrency: 4,
        globalRate,
        drainMs: 2000,
      },
    );
    return { work, turns, flushes: () => flushes };
  }

  it("runs a channel's batches one job run each, paced by the queue's rate limit", async () => {
    const sent: Turn = { type: "sent" };
    const { work, turns, flushes } = workWith([sent, sent, sent, sent], 2, "pace");
    await work.start();
    work.notify(CHANNEL);
    await until("five turns (four batches, then idle)", () => turns.length === 5, 10_000);
    // Two runs a second across the fleet: five runs cannot fit in less than two seconds.
    expect((turns.at(-1) as number) - (turns[0] as number)).toBeGreaterThanOrEqual(1500);
    // Each run wrote its cursor moves before the channel could move to another process.
    expect(flushes()).toBe(5);
  }, 20_000);

  it("pauses the whole queue for a global 429's retry_after", async () => {
    const { work, turns } = workWith(
      [{ type: "wait", until: Date.now() + 1500, why: "backoff", globalLimit: true }],
      50,
      "global",
    );
    await work.start();
    work.notify(CHANNEL);
    await until("the first turn", () => turns.length === 1, 10_000);
    const ttl = await work.queues.deliver.getRateLimitTtl();
    expect(ttl).toBeGreaterThan(500);
    // Another channel waits too: the limit is the bot's, not the channel's.
    work.notify("323456789012345678");
    await until("both channels to run again", () => turns.length >= 3, 10_000);
    // turns[1] is the earlier of the two runs after the pause.
    expect((turns[1] as number) - (turns[0] as number)).toBeGreaterThanOrEqual(1200);
  }, 20_000);

  it("drops a held channel's job instead of cycling it (a wake-up queues it again)", async () => {
    const { work, turns } = workWith(
      [{ type: "wait", until: Date.now() + 60_000, why: "hold" }],
      50,
      "hold",
    );
    await work.start();
    work.notify(CHANNEL);
    await until("the turn", () => turns.length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await work.queues.deliver.getJobCounts("delayed", "waiting", "active")).toEqual({
      delayed: 0,
      waiting: 0,
      active: 0,
    });
    work.notify(CHANNEL);
    await until("the turn after the wake-up", () => turns.length === 2, 10_000);
  }, 20_000);

  it("runs a channel again when alerts were queued while its run read an empty queue", async () => {
    // The run reads the channel's queue (empty), then an alert arrives and wakes the channel
    // while the run is still active, so its job id is taken; the run then ends as idle.
    const { work, turns } = workWith([], 50, "race", async (turn) => {
      if (turn > 1) return;
      work.notify(CHANNEL);
      await new Promise((r) => setTimeout(r, 200));
    });
    await work.start();
    work.notify(CHANNEL);
    // Without the wake mark the second run would wait for the next tick (never, here).
    await until("a second run of the channel", () => turns.length >= 2, 5_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(turns).toHaveLength(2);
  }, 20_000);

  it("counts the fleet's jobs by queue and state (the queue-jobs metric)", async () => {
    const { work, turns } = workWith(
      [{ type: "wait", until: Date.now() + 60_000, why: "backoff" }],
      50,
      "counts",
    );
    await work.start();
    work.notify(CHANNEL);
    await until("the turn", () => turns.length === 1, 10_000);
    await expect.poll(async () => (await work.jobCounts()).deliver?.delayed).toBe(1);
    const counts = await work.jobCounts();
    expect(counts.deliver).toMatchObject({ waiting: 0, active: 0, delayed: 1 });
    expect(counts.fetch).toMatchObject({ waiting: 0, active: 0 });
  }, 20_000);
});
