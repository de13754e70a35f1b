/**
 * Choosing how work runs: as BullMQ jobs when a Redis is named for it (QUEUE_URL, or STORAGE_URL
 * when that is Redis), in-process otherwise. Both bot roles build their work here.
 */
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { App } from "../app.js";
import type { EnvConfig } from "../config/env.js";
import type { Outbox } from "../deliver/outbox.js";
import type { DeliverySender } from "../deliver/sender.js";
import type { HostGate } from "../feeds/limiter.js";
import type { FeedSource } from "../feeds/types.js";
import { redisReconnectDelay } from "../store/open.js";
import { maskStorageUrl } from "../store/url-secrets.js";
import { QueueHealth } from "./queue-health.js";
import type { RedisLock } from "./redis-lock.js";
import { InProcessWork, type WorkScheduler } from "./scheduler.js";

/** The Redis work runs on, if any. */
export function queueUrlOf(
  config: Pick<EnvConfig, "QUEUE_URL" | "STORAGE_URL">,
): string | undefined {
  if (config.QUEUE_URL) return config.QUEUE_URL;
  return /^rediss?:\/\//i.test(config.STORAGE_URL) ? config.STORAGE_URL : undefined;
}

/**
 * The fleet's shared Redis: a connection for the queues, one for locks and the tick's election,
 * the keys' prefix, and whether that Redis answers.
 */
export interface Fleet {
  redis: Redis;
  /** Commands that must fail at once while Redis is away (locks, the tick's election). */
  locks: Redis;
  prefix: string;
  lock: RedisLock;
  /** FETCH_PER_HOST counted over the whole fleet. */
  hostSlots: HostGate;
  health: QueueHealth;
  close(): Promise<void>;
}

export async function openFleet(
  config: Pick<
    EnvConfig,
    | "QUEUE_URL"
    | "STORAGE_URL"
    | "STORAGE_NAMESPACE"
    | "STORAGE_TIMEOUT_MS"
    | "FETCH_PER_HOST"
    | "FETCH_TIMEOUT_MS"
  >,
  log: Logger,
): Promise<Fleet | undefined> {
  const url = queueUrlOf(config);
  if (!url) return undefined;
  // Loaded only for a fleet: a single process does not pay for the queue's modules at start.
  const { Redis } = await import("ioredis");
  const { RedisLock } = await import("./redis-lock.js");
  const { FleetHostSlots } = await import("./host-slots.js");
  const label = maskStorageUrl(url);
  const health = new QueueHealth(log, label);
  let closing = false;
  // BullMQ's workers block on Redis and must not give up a command while it reconnects.
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    retryStrategy: (times) => redisReconnectDelay(times),
  });
  // A lock or an election waiting for Redis to come back would hold a slash command past
  // Discord's 3 s and run a stale tick late: on their own connection, commands fail at once
  // while Redis is away (no offline queue) and after STORAGE_TIMEOUT_MS on a silent one, and the
  // caller answers "storage unavailable" or skips the tick.
  const locks = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: config.STORAGE_TIMEOUT_MS,
    retryStrategy: (times) => redisReconnectDelay(times),
  });
  for (const connection of [redis, locks]) health.watch(connection, () => closing);
  await Promise.all([redis.connect(), locks.connect()]);
  const prefix = `${config.STORAGE_NAMESPACE}-q`;
  log.info({ queue: label, prefix }, "work runs as jobs on the queue");
  return {
    redis,
    locks,
    prefix,
    lock: new RedisLock(locks, prefix),
    // On the locks' connection: a fetch waiting for a slot fails at once while Redis is away.
    hostSlots: new FleetHostSlots(locks, prefix, {
      perHost: config.FETCH_PER_HOST,
      leaseMs: 15_000,
      // A host whose slots stay taken for several fetch timeouts is stuck: its job is retried.
      waitMs: config.FETCH_TIMEOUT_MS * 4,
    }),
    health,
    async close() {
      closing = true;
      await Promise.all([redis, locks].map((c) => c.quit().then(undefined, () => c.disconnect())));
    },
  };
}

export interface WorkParts {
  config: EnvConfig;
  log: Logger;
  fleet: Fleet | undefined;
  app: App;
  outbox: Outbox;
  sender: DeliverySender;
  /** Every feed to poll now. */
  feeds: () => FeedSource[];
  /** Re-reads what other processes change (subscriptions, servers' feeds). */
  refresh: () => Promise<void>;
  drainMs: number;
}

export async function createWork(parts: WorkParts): Promise<WorkScheduler> {
  const { config, log, fleet, app } = parts;
  if (!fleet) {
    return new InProcessWork({
      schedule: config.POLL_SCHEDULE,
      cycle: async () => {
        await app.cycle(parts.feeds());
      },
      sender: parts.sender,
      log,
      drainMs: parts.drainMs,
      overlapDetail: () => ({ inFlight: app.poller.inFlight() }),
    });
  }
  const { QueueWork } = await import("./queue-work.js");
  const work = new QueueWork(
    {
      redis: fleet.redis,
      locks: fleet.locks,
      queueHealth: fleet.health,
      storageHealth: app.storage.health,
      feeds: async () => {
        await parts.refresh();
        return parts.feeds();
      },
      states: app.states,
      poller: app.poller,
      outbox: parts.outbox,
      sender: parts.sender,
      refresh: parts.refresh,
      log,
    },
    {
      prefix: fleet.prefix,
      schedule: config.POLL_SCHEDULE,
      lockMs: config.QUEUE_LOCK_SEC * 1000,
      fetchConcurrency: config.FETCH_CONCURRENCY,
      deliverConcurrency: 8,
      globalRate: config.DISCORD_GLOBAL_RATE,
      drainMs: parts.drainMs,
    },
  );
  app.metrics.watchJobs(() => work.jobCounts());
  return work;
}

/**
 * What the sink tells about new alerts, before the work exists (the sink is built with the
 * app, the work from the app): forwarded once `to` is set.
 */
export class NotifyRelay {
  to: Pick<WorkScheduler, "notify"> | undefined;

  notify(channelId?: string): void {
    this.to?.notify(channelId);
  }
}
