/**
 * The bot's Prometheus metrics: one `Metrics` per app, on its own registry (never prom-client's
 * global one), so tests can run several side by side and each counts only its own work.
 *
 * The pipeline reports through small typed calls below rather than touching prom-client, so a
 * module that counts needs only `metrics?.something(...)`. Labels are a closed set of short words;
 * never a guild, channel, feed or story id, so the series count stays fixed however many servers
 * the bot serves.
 */
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  Registry,
  type RegistryContentType,
} from "prom-client";
import type { FeedProblem } from "../feeds/errors.js";

const PREFIX = "foreigndesk_";

/** A poll's status as the poller reports it (src/ingest/poll.ts PollStatus). */
export type PolledStatus = "new" | "unchanged" | "not-modified" | "failed" | "error";

/** How a feed's turn in a cycle ended, as counted. */
export type PollCounted = "ok" | "not-modified" | "failed" | "error" | "skipped";

/** Delivery's queues, as the sender and outbox know them in memory (no storage round trip). */
export interface QueueDepth {
  /** Channels that may have alerts to post, waiting for a free sender slot. */
  ready: number;
  /** Channels held back: hourly cap, back-off after a failure, or paused for a permission. */
  waiting: number;
  /** Channels being posted to now. */
  active: number;
  /** Stories in batches written as in flight and not yet completed. */
  inFlight: number;
}

/** The fleet's job queues (shared by every process), by queue and state, as BullMQ counts them. */
export type JobCounts = Record<string, Record<string, number>>;

/** A scrape does not wait longer than this for the queue's Redis: a stale gauge beats no scrape. */
const JOB_COUNT_TIMEOUT_MS = 1000;

/** The part of discord.js's REST the metrics listen to (`client.rest` or a standalone `REST`). */
export interface RestEvents {
  on(event: "rateLimited", listener: (info: { global: boolean }) => void): unknown;
  on(
    event: "response",
    listener: (request: unknown, response: { status: number; headers: Headers }) => void,
  ): unknown;
}

export interface MetricsOptions {
  /** Process metrics (RSS, heap, CPU, GC, event-loop delay), prefixed; off in most tests. */
  defaults?: boolean;
}

// Feed fetches: from a fast 304 to a slow host near FETCH_TIMEOUT_MS.
const FETCH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60];
// Delivery lag: a poll interval is minutes; an hourly cap's roll-up comes within the hour.
const LAG_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600, 86_400];

export class Metrics {
  readonly registry = new Registry();
  readonly #feedPolls: Counter<"outcome" | "reason">;
  readonly #fetchSeconds: Histogram;
  readonly #storiesStored: Counter;
  readonly #alertsQueued: Counter;
  readonly #alertsSent: Counter<"kind">;
  readonly #alertsFailed: Counter<"kind">;
  readonly #lagSeconds: Histogram;
  readonly #discord429: Counter<"scope">;
  readonly #discordWaits: Counter<"global">;
  readonly #storageErrors: Counter<"operation">;
  #depth: (() => QueueDepth) | undefined;
  #jobs: (() => Promise<JobCounts>) | undefined;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.#feedPolls = new Counter({
      name: `${PREFIX}feed_polls_total`,
      help: "Feeds' turns in poll cycles, by outcome (ok, not-modified, failed, error, skipped) and reason code",
      labelNames: ["outcome", "reason"] as const,
      registers,
    });
    this.#fetchSeconds = new Histogram({
      name: `${PREFIX}feed_fetch_duration_seconds`,
      help: "Time to fetch one feed (request to full body, or failure)",
      buckets: FETCH_BUCKETS,
      registers,
    });
    this.#storiesStored = new Counter({
      name: `${PREFIX}stories_stored_total`,
      help: "New stories stored",
      registers,
    });
    this.#alertsQueued = new Counter({
      name: `${PREFIX}alerts_queued_total`,
      help: "Stories logged for delivery (each is read by every channel that wants it)",
      registers,
    });
    this.#alertsSent = new Counter({
      name: `${PREFIX}alerts_sent_total`,
      help: "Stories delivered to a channel, by batch kind (alerts, rollup, edit)",
      labelNames: ["kind"] as const,
      registers,
    });
    this.#alertsFailed = new Counter({
      name: `${PREFIX}alerts_failed_total`,
      help: "Failed delivery attempts (one per batch), by failure kind",
      labelNames: ["kind"] as const,
      registers,
    });
    this.#lagSeconds = new Histogram({
      name: `${PREFIX}delivery_lag_seconds`,
      help: "From a story's first sight by the poller to its alert posted in a channel",
      buckets: LAG_BUCKETS,
      registers,
    });
    this.#discord429 = new Counter({
      name: `${PREFIX}discord_rate_limited_total`,
      help: "429 responses from Discord, by the scope it named (user, global, shared)",
      labelNames: ["scope"] as const,
      registers,
    });
    this.#discordWaits = new Counter({
      name: `${PREFIX}discord_rate_limit_waits_total`,
      help: "Requests discord.js held back to stay within a known rate limit",
      labelNames: ["global"] as const,
      registers,
    });
    this.#storageErrors = new Counter({
      name: `${PREFIX}storage_errors_total`,
      help: "Storage operations that failed, by operation",
      labelNames: ["operation"] as const,
      registers,
    });
    const read = () => this.#depth?.();
    // Read at scrape time: the gauges cost nothing between scrapes.
    new Gauge({
      name: `${PREFIX}delivery_channels`,
      help: "Channels in delivery's queue, by state (ready, waiting, active)",
      labelNames: ["state"] as const,
      registers,
      collect() {
        const d = read();
        if (!d) return;
        this.set({ state: "ready" }, d.ready);
        this.set({ state: "waiting" }, d.waiting);
        this.set({ state: "active" }, d.active);
      },
    });
    new Gauge({
      name: `${PREFIX}outbox_in_flight_stories`,
      help: "Stories in batches being posted (written as in flight, not yet completed)",
      registers,
      collect() {
        const d = read();
        if (d) this.set(d.inFlight);
      },
    });
    const jobs = () => this.#jobs;
    new Gauge({
      name: `${PREFIX}queue_jobs`,
      help: "Jobs in the fleet's queues (fetch, deliver), by state; the same figures from every process",
      labelNames: ["queue", "state"] as const,
      registers,
      async collect() {
        const counts = await withinMs(jobs()?.(), JOB_COUNT_TIMEOUT_MS);
        if (!counts) return;
        for (const [queue, states] of Object.entries(counts)) {
          for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
        }
      },
    });
    if (options.defaults) collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** One feed's poll as it ended. */
  polled(status: PolledStatus, reason?: FeedProblem): void {
    const outcome: PollCounted =
      status === "new" || status === "unchanged" ? "ok" : (status satisfies PollCounted);
    this.#feedPolls.inc({ outcome, reason: reason ?? "" });
  }

  /** Feeds a cycle passed over (not due yet, or skipped while storage is down). */
  skipped(count: number, reason = "not-due"): void {
    if (count > 0) this.#feedPolls.inc({ outcome: "skipped", reason }, count);
  }

  /** Starts timing a fetch; call the result when it ends (later calls change nothing). */
  fetchTimer(): () => void {
    const end = this.#fetchSeconds.startTimer();
    let ended = false;
    return () => {
      if (!ended) end();
      ended = true;
    };
  }

  storiesStored(count: number): void {
    if (count > 0) this.#storiesStored.inc(count);
  }

  alertsQueued(count: number): void {
    if (count > 0) this.#alertsQueued.inc(count);
  }

  /**
   * A batch delivered: its stories counted, and for new alerts (not edits) the lag of each from
   * first sight (epoch ms) to `now`.
   */
  delivered(kind: string, count: number, seenAt: ReadonlyArray<number | undefined>, now: number) {
    this.#alertsSent.inc({ kind }, count);
    if (kind === "edit") return;
    for (const at of seenAt) {
      if (at !== undefined && Number.isFinite(at))
        this.#lagSeconds.observe(Math.max(0, now - at) / 1000);
    }
  }

  deliveryFailed(kind: string): void {
    this.#alertsFailed.inc({ kind });
  }

  storageError(operation: string): void {
    this.#storageErrors.inc({ operation });
  }

  /** Reads the fleet's job counts at each scrape (only a fleet has job queues). */
  watchJobs(counts: () => Promise<JobCounts>): void {
    this.#jobs = counts;
  }

  /** Reads delivery's queue depths at each scrape. */
  watchQueue(depth: () => QueueDepth): void {
    this.#depth = depth;
  }

  /**
   * Counts Discord's 429s and discord.js's own rate-limit waits. A 429 is seen on the raw
   * response: discord.js retries it without an error, so it never reaches the sender.
   */
  watchRest(rest: RestEvents): void {
    rest.on("rateLimited", (info) => this.#discordWaits.inc({ global: String(info.global) }));
    rest.on("response", (_request, response) => {
      if (response.status !== 429) return;
      const scope = response.headers.get("x-ratelimit-scope");
      const known = scope === "user" || scope === "global" || scope === "shared";
      this.#discord429.inc({ scope: known ? scope : "unknown" });
    });
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ body: string; contentType: RegistryContentType }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/** The promise's value, or undefined if it fails or takes longer than `ms`. */
async function withinMs<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  if (!promise) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  return Promise.race([promise.catch(() => undefined), late]).finally(() => clearTimeout(timer));
}
