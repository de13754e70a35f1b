import type { Logger } from "pino";
import { type Classifier, loadClassifier, loadTaxonomy, type Taxonomy } from "./classify/index.js";
import { StoryClusterer } from "./cluster/clusterer.js";
import { loadClusterModel } from "./cluster/model.js";
import type { EnvConfig } from "./config/env.js";
import { createEnricher } from "./enrich/enricher.js";
import type { Enricher, TaggedStory } from "./enrich/types.js";
import { Fetcher } from "./feeds/fetch.js";
import type { HostGate } from "./feeds/limiter.js";
import type { FeedSource } from "./feeds/types.js";
import { type AlertSink, type CycleReport, Poller } from "./ingest/poll.js";
import { PooledProcessor } from "./ingest/processor.js";
import { storageHealth } from "./metrics/health.js";
import { Metrics } from "./metrics/registry.js";
import { type MetricsServer, startMetricsServer } from "./metrics/server.js";
import { cycleDeadlineMs } from "./schedule/cron.js";
import { DEFAULT_DUE_POLICY } from "./schedule/due.js";
import { FeedStateStore } from "./store/feed-state.js";
import type { KeyedLock } from "./store/mutex.js";
import { openStorage, type Storage } from "./store/open.js";
import { StoryStore } from "./store/stories.js";
import { isStorageUnavailable } from "./store/unavailable.js";
import { scrubStorageSecrets } from "./store/url-secrets.js";
import { summarize } from "./summarize/index.js";
import { DailyCounts } from "./trends/counts.js";
import { USER_AGENT } from "./version.js";

export { USER_AGENT } from "./version.js";
export const ALERT_SUMMARY_CHARS = 500;
const SWEEP_EVERY_MS = 3600_000;
/** Stories read back at start to rebuild the clusters of the window (a busy fleet's 36 h). */
const RESTORE_LIMIT = 50_000;

/** Everything the running bot is made of, built once from validated config and passed down. */
export interface App {
  config: EnvConfig;
  log: Logger;
  storage: Storage;
  stories: StoryStore;
  /** Stories per UTC day (for /trends), counted by the stories store as it stores. */
  trends: DailyCounts;
  states: FeedStateStore;
  fetcher: Fetcher;
  poller: Poller;
  enricher: Enricher;
  /** The classifier the enricher runs (commands such as /classify use the same one). */
  classifier: Classifier;
  /** Which event each story reports; rebuilt from storage at start (absent with CLUSTERING=off). */
  clusterer?: StoryClusterer;
  taxonomy: Taxonomy;
  /** This app's metrics; served on METRICS_PORT when it is set. */
  metrics: Metrics;
  /** The /metrics and /healthz endpoint, when METRICS_PORT is set. */
  metricsServer?: MetricsServer;
  /** One poll cycle over the feeds that are due; stories go to the sink. */
  cycle(feeds: FeedSource[]): Promise<CycleReport>;
  close(): Promise<void>;
}

/** What a sink may be built from: the opened store and the pipeline's parts. */
export interface SinkParts {
  storage: Storage;
  stories: StoryStore;
  taxonomy: Taxonomy;
  metrics: Metrics;
}

export interface AppOptions {
  config: EnvConfig;
  log: Logger;
  /** Built once storage is open, since a durable sink (Discord's outbox) lives in it. */
  makeSink: (parts: SinkParts) => AlertSink;
  onStored?: (stories: TaggedStory[]) => void;
  backlogAlerts?: number;
  /**
   * The logger for poll events (each cycle, each failed feed); `log` by default. Terminal mode
   * prints each of those events as one line itself and passes a quieter one.
   */
  pollLog?: Logger;
  now?: () => number;
  /** The storage key namespace (default "fd"); tests sharing one Redis use their own. */
  namespace?: string;
  /**
   * A fleet's shared lock and per-host fetch slots (src/work/fleet.ts): what this process
   * changes that others change too is locked in Redis, and FETCH_PER_HOST holds fleet-wide.
   */
  fleet?: { lock: KeyedLock; hostSlots: HostGate };
}

/**
 * One cycle that waits for its feeds at most `deadlineMs` and logs, as one line each, the feeds
 * it left running and those an earlier cycle is still polling. While storage is down the cycle
 * is skipped: the outage was logged once when it began, and its end is logged with the count.
 */
async function boundedCycle(
  poller: Poller,
  storage: Storage,
  feeds: FeedSource[],
  deadlineMs: number,
  log: Logger,
  now: () => number,
): Promise<CycleReport> {
  const skipped = (): CycleReport => {
    storage.health.skippedPoll();
    const at = now();
    return {
      feeds: feeds.length,
      due: 0,
      outcomes: [],
      startedAt: at,
      finishedAt: at,
      skipped: "storage-unavailable",
    };
  };
  if (!storage.health.available) {
    log.debug({ downSince: storage.health.downSince }, "poll cycle skipped: storage unavailable");
    return skipped();
  }
  let report: CycleReport;
  try {
    report = await poller.runCycle(feeds, { deadlineMs });
  } catch (error) {
    if (!isStorageUnavailable(error)) throw error;
    return skipped();
  }
  if (report.busy?.length) {
    log.warn(
      { feeds: report.busy, count: report.busy.length },
      "feeds from an earlier cycle still running; not fetched again",
    );
  }
  if (report.late?.length) {
    log.warn(
      { deadlineMs, feeds: report.late, count: report.late.length },
      "poll cycle deadline reached; slow feeds carry on in the background",
    );
  }
  return report;
}

export function createDefaultEnricher(
  taxonomy: Taxonomy = loadTaxonomy(),
  options: { classifier?: Classifier; clusterer?: StoryClusterer } = {},
): Enricher {
  const { clusterer } = options;
  return createEnricher({
    classifier: options.classifier ?? loadClassifier(taxonomy),
    summarize,
    summaryBudget: ALERT_SUMMARY_CHARS,
    ...(clusterer ? { cluster: (story, analysis) => clusterer.assign(story, analysis) } : {}),
  });
}

/** Puts the stories of the clustering window back into the clusterer, with their clusters. */
async function restoreClusters(
  clusterer: StoryClusterer,
  stories: StoryStore,
  classifier: Classifier,
  now: number,
): Promise<number> {
  const recent = await stories.latest({ since: now - clusterer.windowMs, limit: RESTORE_LIMIT });
  // The reading alone: the stored tags stand, so scoring them again would be wasted start-up.
  return clusterer.restore(recent, (s) =>
    classifier.analyze({ title: s.title, text: s.text, language: s.language }),
  );
}

export async function createApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const pollLog = options.pollLog ?? log;
  const now = options.now ?? Date.now;
  const taxonomy = loadTaxonomy();
  const classifier = loadClassifier(taxonomy);
  const clusterer =
    config.CLUSTERING === "on" ? new StoryClusterer(loadClusterModel(), now) : undefined;
  const enricher = createDefaultEnricher(taxonomy, {
    classifier,
    ...(clusterer ? { clusterer } : {}),
  });
  // Process metrics (RSS, heap, event-loop delay) only when someone can read them.
  const metrics = new Metrics({ defaults: config.METRICS_PORT !== undefined });
  const storage = await openStorage(config.STORAGE_URL, {
    log,
    timeoutMs: config.STORAGE_TIMEOUT_MS,
    onError: (operation) => metrics.storageError(operation),
    namespace: options.namespace ?? config.STORAGE_NAMESPACE,
  });
  const deadlineMs = cycleDeadlineMs(config.POLL_SCHEDULE, config.CYCLE_DEADLINE_SEC);
  const trends = new DailyCounts(storage.kv, now, options.fleet?.lock);
  const stories = new StoryStore(storage.kv, config.RETENTION_DAYS * 86_400_000, now, {
    counts: trends,
    metrics,
    ...(options.fleet ? { lock: options.fleet.lock } : {}),
  });
  if (clusterer) {
    const restored = await restoreClusters(clusterer, stories, classifier, now());
    if (restored > 0) log.info({ stories: restored }, "story clusters restored");
  }
  const states = new FeedStateStore(storage.kv);
  // WORKERS=0: the poller parses and tags on this thread, with `enricher`.
  const processor =
    config.WORKERS > 0
      ? new PooledProcessor({
          threads: config.WORKERS,
          summaryBudget: ALERT_SUMMARY_CHARS,
          signatures: clusterer !== undefined,
        })
      : undefined;
  await processor?.warmUp();
  const fetcher = new Fetcher({
    timeoutMs: config.FETCH_TIMEOUT_MS,
    connectTimeoutMs: config.FETCH_CONNECT_TIMEOUT_MS,
    maxBytes: config.FETCH_MAX_BYTES,
    maxRedirects: 5,
    userAgent: USER_AGENT,
    policy: { allow: config.ALLOW_PRIVATE_FEED_HOSTS, ports: config.ALLOW_FEED_PORTS },
  });
  const poller = new Poller(
    {
      fetcher,
      stories,
      states,
      enricher,
      ...(processor ? { processor } : {}),
      ...(clusterer ? { cluster: (s, signature) => clusterer.assignSignature(s, signature) } : {}),
      sink: options.makeSink({ storage, stories, taxonomy, metrics }),
      log: pollLog,
      now,
      onStored: options.onStored,
      metrics,
      ...(options.fleet ? { hostGate: options.fleet.hostSlots } : {}),
    },
    {
      backlogAlerts: options.backlogAlerts ?? config.BACKLOG_ALERTS,
      maxItems: config.MAX_ITEMS_PER_FEED,
      concurrency: config.FETCH_CONCURRENCY,
      perHost: config.FETCH_PER_HOST,
      due: { ...DEFAULT_DUE_POLICY, minIntervalMs: config.FEED_MIN_INTERVAL_SEC * 1000 },
    },
  );
  const metricsServer =
    config.METRICS_PORT === undefined
      ? undefined
      : await startMetricsServer({
          metrics,
          host: config.METRICS_HOST,
          port: config.METRICS_PORT,
          health: storageHealth(storage.kv, {
            scrub: (message) => scrubStorageSecrets(message, config.STORAGE_URL),
          }),
          log,
        });
  let lastSweep = 0;
  return {
    config,
    log,
    storage,
    stories,
    trends,
    states,
    fetcher,
    poller,
    enricher,
    classifier,
    ...(clusterer ? { clusterer } : {}),
    taxonomy,
    metrics,
    ...(metricsServer ? { metricsServer } : {}),
    async cycle(feeds) {
      const report = await boundedCycle(poller, storage, feeds, deadlineMs, pollLog, now);
      if (report.skipped) {
        metrics.skipped(report.feeds, report.skipped);
        return report;
      }
      const failed = report.outcomes.filter((o) => o.status === "failed").length;
      const errors = report.outcomes.filter((o) => o.status === "error").length;
      const stored = report.outcomes.reduce((n, o) => n + o.stored, 0);
      pollLog.info(
        {
          feeds: report.feeds,
          due: report.due,
          failed,
          errors,
          stored,
          ms: report.finishedAt - report.startedAt,
          ...(report.late?.length ? { late: report.late.length } : {}),
          ...(report.busy?.length ? { busy: report.busy.length } : {}),
        },
        "poll cycle done",
      );
      if (storage.health.available && report.finishedAt - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = report.finishedAt;
        const removed = await storage.sweep(report.finishedAt);
        if (removed > 0) log.info({ removed }, "expired entries removed");
      }
      return report;
    },
    async close() {
      poller.stop();
      await metricsServer?.close();
      await processor?.close();
      await fetcher.close();
      await storage.close();
    },
  };
}
