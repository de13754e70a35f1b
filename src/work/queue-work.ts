/**
 * Work as jobs on BullMQ, for a fleet of processes sharing one Redis:
 * - the poll tick runs in one process per tick (node-cron `distributed`, claimed in Redis) and
 *   queues a `fetch` job per due feed, under an id made of the feed and the time it fell due;
 * - any process's fetch worker takes a feed; one silent for `lockMs` is presumed dead and its
 *   jobs go back to the queue (BullMQ's stalled-job check);
 * - a `drain` job per channel (id from the channel) sends one batch per run and comes back,
 *   through the queue, while the channel has more: whoever holds the job owns the cursor, and
 *   the queue's rate limiter paces every process's posts together (`DISCORD_GLOBAL_RATE`/s);
 * - a global 429 from Discord pauses the whole delivery queue for its `retry_after`.
 * A wake-up that comes while a channel's job is running cannot queue another (the id is taken),
 * so it also leaves a mark that the running job looks for before it ends (see #drain). Each tick
 * also queues a drain for every subscribed channel: channels that were held or backed off.
 */
import { hostname } from "node:os";
import { DelayedError, type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type ScheduledTask, schedule } from "node-cron";
import type { Logger } from "pino";
import { z } from "zod";
import type { Outbox } from "../deliver/outbox.js";
import type { DeliverySender, Turn } from "../deliver/sender.js";
import type { FeedSource } from "../feeds/types.js";
import type { Poller } from "../ingest/poll.js";
import type { FeedStateStore } from "../store/feed-state.js";
import type { StorageHealth } from "../store/health.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import { BurstLog } from "./burst-log.js";
import { drainJobId, fetchJobId } from "./job-ids.js";
import { isConnectionError, lapsedLockJob, type QueueHealth } from "./queue-health.js";
import { redisRunCoordinator } from "./redis-lock.js";
import type { WorkScheduler } from "./scheduler.js";

export const FETCH_QUEUE = "fetch";
export const DELIVER_QUEUE = "deliver";

const fetchJobData = z.object({
  feed: z.object({
    id: z.string().min(1),
    name: z.string(),
    url: z.string().min(1),
    language: z.string().optional(),
    category: z.string().optional(),
    origin: z.enum(["operator", "guild"]),
  }),
  dueAt: z.number().int().nonnegative(),
});
const drainJobData = z.object({ channelId: z.string().regex(/^\d{1,25}$/) });
/** A wake mark outlives any drain run; it only has to be seen by the run under way. */
const WAKE_MARK_MS = 10 * 60_000;

export interface QueueWorkOptions {
  /** Key prefix of the queues in Redis (one per fleet). */
  prefix: string;
  schedule: string;
  /** A worker silent this long loses its jobs to the others. */
  lockMs: number;
  fetchConcurrency: number;
  deliverConcurrency: number;
  /** Posts per second across the fleet. */
  globalRate: number;
  /** How long shutdown waits for jobs under way. */
  drainMs: number;
}

export interface QueueWorkDeps {
  /** A connection for queues and locks; each worker opens its own blocking connection from it. */
  redis: Redis;
  /** A connection without an offline queue, for the tick's election (default: `redis`). */
  locks?: Redis;
  /** Whether the queue's Redis answers: its outages are logged there, once each. */
  queueHealth?: Pick<QueueHealth, "failed" | "skippedTick">;
  /** Whether storage answers: a tick in a storage outage is skipped quietly (logged there). */
  storageHealth?: Pick<StorageHealth, "available" | "skippedPoll">;
  /** The feeds of this tick (the operator's and the servers'), read fresh. */
  feeds: () => Promise<FeedSource[]>;
  states: Pick<FeedStateStore, "getMany">;
  poller: Pick<Poller, "pollDue">;
  outbox: Pick<Outbox, "channels" | "changedChannels" | "flush">;
  sender: Pick<DeliverySender, "turn">;
  /** Re-reads what other processes may have changed (subscriptions, servers' feeds). */
  refresh?: () => Promise<void>;
  log: Logger;
  now?: () => number;
}

type FetchJob = z.infer<typeof fetchJobData>;
type DrainJob = z.infer<typeof drainJobData>;

export class QueueWork implements WorkScheduler {
  readonly #fetches: Queue<FetchJob>;
  readonly #drains: Queue<DrainJob>;
  #fetchWorker: Worker<FetchJob> | undefined;
  #drainWorker: Worker<DrainJob> | undefined;
  #tick: ScheduledTask | undefined;
  #refresh: ScheduledTask | undefined;
  readonly #bursts: BurstLog[] = [];
  readonly #now: () => number;

  constructor(
    private readonly deps: QueueWorkDeps,
    private readonly options: QueueWorkOptions,
  ) {
    this.#now = deps.now ?? Date.now;
    const connection = deps.redis;
    this.#fetches = new Queue<FetchJob>(FETCH_QUEUE, { connection, prefix: options.prefix });
    this.#drains = new Queue<DrainJob>(DELIVER_QUEUE, { connection, prefix: options.prefix });
    // Without a listener BullMQ prints each of a queue's errors to stderr, unstructured.
    this.#fetches.on("error", (err) => this.#queueError("fetch", err, "queue error"));
    this.#drains.on("error", (err) => this.#queueError("deliver", err, "queue error"));
  }

  /** An error from BullMQ: a lost connection is the queue health's to log (once); else logged. */
  #queueError(queue: string, err: unknown, msg: string): void {
    if (this.deps.queueHealth?.failed(err)) return;
    this.deps.log.error({ queue, err }, msg);
  }

  async start(): Promise<void> {
    const { options, deps } = this;
    const connection = deps.redis;
    const common = {
      connection,
      // Recorded on each job it runs (`processedBy`): which process did what.
      name: `${hostname()}:${process.pid}`,
      prefix: options.prefix,
      lockDuration: options.lockMs,
      stalledInterval: Math.max(1000, Math.round(options.lockMs / 2)),
      // A job whose worker died twice is still retried once more before it counts as failed.
      maxStalledCount: 2,
    };
    this.#fetchWorker = new Worker<FetchJob>(FETCH_QUEUE, (job) => this.#fetch(job), {
      ...common,
      concurrency: options.fetchConcurrency,
    });
    this.#drainWorker = new Worker<DrainJob>(
      DELIVER_QUEUE,
      (job, token) => this.#drain(job, token),
      {
        ...common,
        concurrency: options.deliverConcurrency,
        limiter: { max: options.globalRate, duration: 1000 },
      },
    );
    for (const [name, worker] of [
      ["fetch", this.#fetchWorker],
      ["deliver", this.#drainWorker],
    ] as const) {
      worker.on("failed", (job, err) => {
        // A job that failed for an outage is retried after it; the outage itself is logged once.
        const outage = isStorageUnavailable(err) || isConnectionError(err);
        deps.log[outage ? "debug" : "warn"](
          { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err },
          "job failed",
        );
      });
      // A dead worker's jobs, or all jobs under way when Redis went away, are found at once:
      // one line per burst, with the count.
      const stalled = new BurstLog(deps.log, "jobs stalled (their worker went silent); requeued", {
        queue: name,
      });
      const lapsed = new BurstLog(
        deps.log,
        "jobs whose lock lapsed (Redis away, or this process stalled) went back to the queue; their outcome here was dropped",
        { queue: name },
      );
      this.#bursts.push(stalled, lapsed);
      worker.on("stalled", (jobId) => stalled.add(jobId));
      worker.on("error", (err) => {
        // The job ran here while its lock lapsed; it is requeued and runs again elsewhere,
        // where a fetch finds its feed polled and a drain resumes its batch by nonce.
        const jobId = lapsedLockJob(err);
        if (jobId !== undefined) {
          lapsed.add(jobId);
          return;
        }
        // BullMQ reports each failed blocking call of an outage; the health logs it once.
        this.#queueError(name, err, "queue worker error");
      });
    }
    this.#tick = schedule(options.schedule, () => this.#runTick(), {
      name: "poll",
      noOverlap: true,
      distributed: true,
      runCoordinator: redisRunCoordinator(deps.locks ?? deps.redis, options.prefix, (err) => {
        this.#queueError("fetch", err, "poll tick: could not claim the tick");
        deps.queueHealth?.skippedTick();
      }),
    });
    // Every process, elected or not, re-reads what the others changed at each tick.
    this.#refresh = schedule(
      options.schedule,
      async () => {
        // In a storage outage there is nothing to re-read; the outage is logged once elsewhere.
        if (deps.storageHealth?.available === false) return;
        await deps.refresh?.().catch((err: unknown) => {
          if (!isStorageUnavailable(err)) deps.log.warn({ err }, "refresh failed");
        });
      },
      { name: "refresh", noOverlap: true },
    );
    // A fresh start does not sit idle until the next tick; its jobs' ids make a repeat harmless.
    void this.#runTick();
  }

  notify(channelId?: string): void {
    const channels = channelId ? [channelId] : this.deps.outbox.changedChannels();
    this.#queueDrains(channels).catch((err: unknown) => {
      // In an outage the next tick's sweep queues every subscribed channel again.
      if (this.deps.queueHealth?.failed(err)) return;
      this.deps.log.error({ err, channels: channels.length }, "could not queue deliveries");
    });
  }

  async stop(): Promise<void> {
    await this.#tick?.stop();
    await this.#tick?.destroy();
    await this.#refresh?.stop();
    await this.#refresh?.destroy();
    const workers = [this.#fetchWorker, this.#drainWorker].filter((w) => w !== undefined);
    // Jobs under way get the grace time; after it they are left to the stalled-job check.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), this.options.drainMs);
    });
    const finished = Promise.all(workers.map((w) => w.close())).then(() => false);
    const timedOut = await Promise.race([finished, late]).finally(() => clearTimeout(timer));
    if (timedOut) await Promise.all(workers.map((w) => w.close(true)));
    await this.deps.outbox.flush().catch(() => {});
    await Promise.all([this.#fetches.close(), this.#drains.close()]);
    for (const burst of this.#bursts) burst.flush();
    this.deps.log.info({ handedBack: timedOut }, "queue workers stopped");
  }

  /** Jobs in each queue by state, fleet-wide (the queue-jobs metric). */
  async jobCounts(): Promise<Record<string, Record<string, number>>> {
    const states = ["waiting", "active", "delayed", "prioritized", "failed"] as const;
    const [fetch, deliver] = await Promise.all([
      this.#fetches.getJobCounts(...states),
      this.#drains.getJobCounts(...states),
    ]);
    return { [FETCH_QUEUE]: fetch, [DELIVER_QUEUE]: deliver };
  }

  /** The queues (for tests and status). */
  get queues(): { fetch: Queue<FetchJob>; deliver: Queue<DrainJob> } {
    return { fetch: this.#fetches, deliver: this.#drains };
  }

  async #runTick(): Promise<void> {
    const { deps } = this;
    // Storage away: nothing can be read or recorded; the next tick after it polls what fell due.
    if (deps.storageHealth?.available === false) {
      deps.storageHealth.skippedPoll();
      return;
    }
    try {
      const feeds = await deps.feeds();
      const states = await deps.states.getMany(feeds.map((f) => f.id));
      const now = this.#now();
      const jobs = feeds.flatMap((feed) => {
        const dueAt = states.get(feed.id)?.nextDueAt ?? 0;
        if (dueAt > now) return [];
        return [
          {
            name: FETCH_QUEUE,
            data: { feed: { ...feed }, dueAt },
            opts: {
              jobId: fetchJobId(feed.id, dueAt),
              attempts: 3,
              backoff: { type: "exponential", delay: 2000 },
              // Kept a while so that a tick that read the state before the poll does not
              // queue it again; a failed one goes, so that the next tick can.
              removeOnComplete: { age: 3600, count: 50_000 },
              removeOnFail: true,
            },
          },
        ];
      });
      await this.#fetches.addBulk(jobs);
      await this.#queueDrains(deps.outbox.channels());
      deps.log.info({ feeds: feeds.length, due: jobs.length }, "poll tick: due feeds queued");
    } catch (err) {
      // An outage is logged once, by the storage's or the queue's health; not once per tick.
      if (deps.storageHealth && isStorageUnavailable(err)) {
        deps.storageHealth.skippedPoll();
        return;
      }
      if (deps.queueHealth?.failed(err)) {
        deps.queueHealth.skippedTick();
        return;
      }
      deps.log.error({ err }, "poll tick failed; the next tick tries again");
    }
  }

  #wakeKey(channelId: string): string {
    return `${this.options.prefix}:wake:${channelId}`;
  }

  async #queueDrains(channels: readonly string[]): Promise<void> {
    if (channels.length === 0) return;
    // Marked before queueing: a run under way that ends after this sees the mark.
    const marks = this.deps.redis.pipeline();
    for (const channelId of channels) marks.set(this.#wakeKey(channelId), "1", "PX", WAKE_MARK_MS);
    await marks.exec();
    await this.#drains.addBulk(
      channels.map((channelId) => ({
        name: DELIVER_QUEUE,
        data: { channelId },
        opts: {
          jobId: drainJobId(channelId),
          attempts: 5,
          backoff: { type: "exponential", delay: 2000 },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }

  async #fetch(job: Job<FetchJob>): Promise<string> {
    const { feed, dueAt } = fetchJobData.parse(job.data);
    const outcome = await this.deps.poller.pollDue(feed, dueAt);
    // The channels this feed's stories are for: queued before the job counts as done.
    await this.#queueDrains(this.deps.outbox.changedChannels());
    if (!outcome) return "already-polled";
    // Not the feed's fault (storage, a bug): nothing was recorded, so the job is retried.
    if (outcome.status === "error") throw new Error(outcome.error ?? "poll aborted");
    return outcome.status;
  }

  async #drain(job: Job<DrainJob>, token: string | undefined): Promise<string> {
    const { channelId } = drainJobData.parse(job.data);
    // Cleared before the turn reads the channel's queue: a wake-up after this point marks again.
    await this.deps.redis.del(this.#wakeKey(channelId));
    let turn: Turn;
    try {
      turn = await this.deps.sender.turn(channelId);
    } finally {
      // The next run of this channel may be in another process: nothing stays in memory only.
      await this.deps.outbox.flush();
    }
    if (turn.type === "idle") {
      // Alerts queued while this run read an empty queue: their wake-up found this job's id
      // taken, so this job runs again instead of ending.
      if ((await this.deps.redis.exists(this.#wakeKey(channelId))) === 0) return "idle";
      await job.moveToDelayed(this.#now(), token);
      throw new DelayedError();
    }
    // Paused until an admin acts: a wake-up or the next tick queues it again.
    if (turn.type === "wait" && turn.why === "hold") return "held";
    const until = turn.type === "sent" ? this.#now() : turn.until;
    if (turn.type === "wait" && turn.globalLimit) {
      // Discord said the whole bot must wait: no process posts until then.
      await this.#drains.rateLimit(Math.max(1, until - this.#now()));
      this.deps.log.warn(
        { channelId, waitMs: until - this.#now() },
        "global rate limit: deliveries paused",
      );
    }
    // Back through the queue (and its rate limiter) for the next batch, keeping the id.
    await job.moveToDelayed(until, token);
    throw new DelayedError();
  }
}
