import type { Logger } from "pino";
import type { EventSignature } from "../cluster/signature.js";
import type { Enricher, TaggedStory } from "../enrich/types.js";
import { type FeedProblem, feedProblemOf } from "../feeds/errors.js";
import { FetchError, type Fetcher } from "../feeds/fetch.js";
import { type HostGate, KeyedLimiter } from "../feeds/limiter.js";
import { FeedParseError, type parseFeed } from "../feeds/parse.js";
import type { FeedSource, Story } from "../feeds/types.js";
import type { Metrics } from "../metrics/registry.js";
import {
  DEFAULT_DUE_POLICY,
  type DuePolicy,
  nextDueAfterFailure,
  nextDueAfterSuccess,
} from "../schedule/due.js";
import { type FeedState, type FeedStateStore, freshState } from "../store/feed-state.js";
import { KeyedMutex } from "../store/mutex.js";
import type { StoryStore } from "../store/stories.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import { unseenStories } from "./dedup.js";
import { type FeedProcessor, InProcessProcessor } from "./processor.js";

/** Where new stories go before they are stored: printing, or Discord's durable outbox. */
export interface AlertSink {
  /** Must be durable or idempotent: after a crash the same stories may be offered again. */
  accept(stories: TaggedStory[], feed: FeedSource): Promise<void>;
}

export interface PollerOptions {
  /** On a feed's first poll, alert on the newest N stories of its backlog (the rest are stored silently). */
  backlogAlerts: number;
  maxItems: number;
  concurrency: number;
  perHost: number;
  due: DuePolicy;
}

export interface PollerDeps {
  fetcher: Fetcher;
  stories: StoryStore;
  states: FeedStateStore;
  enricher: Enricher;
  sink: AlertSink;
  log: Logger;
  now?: () => number;
  random?: () => number;
  /** The feed parser; replaceable so tests can count parses. */
  parse?: typeof parseFeed;
  /**
   * Parse, normalise and tag (the CPU-heavy part), e.g. in worker threads; on this thread with
   * `enricher` and `parse` by default.
   */
  processor?: FeedProcessor;
  /** The event of a story a processor tagged with a signature (the clusterer's, on this thread). */
  cluster?: (story: TaggedStory, signature: EventSignature) => string;
  /** Told about stories once they are stored (the search index listens here). */
  onStored?: (stories: TaggedStory[]) => void;
  /** Counts each feed's outcome and times its fetch (src/metrics/registry.ts). */
  metrics?: Pick<Metrics, "polled" | "skipped" | "fetchTimer">;
  /** Per-host fetch slots shared with other processes (a fleet's); this process's alone if unset. */
  hostGate?: HostGate;
}

/** `error`: not the feed's fault (storage down, disk full, a bug); retried next cycle, not backed off. */
export type PollStatus = "new" | "unchanged" | "not-modified" | "failed" | "error";

export interface PollOutcome {
  feedId: string;
  /** The feed's name, for anything a person reads (its id means nothing to them). */
  feedName: string;
  status: PollStatus;
  stored: number;
  alerted: number;
  /** The technical detail of a failure. */
  error?: string;
  /** Its stable code (src/feeds/errors.ts). */
  reason?: FeedProblem;
}

/** A feed whose poll is still under way. */
export interface RunningFeed {
  feedId: string;
  feedName: string;
  /** How long it has been running (deps.now). */
  runningMs: number;
}

export interface CycleReport {
  feeds: number;
  due: number;
  /** The polls that finished within the cycle (all of them without a deadline). */
  outcomes: PollOutcome[];
  startedAt: number;
  finishedAt: number;
  /** Polls this cycle started that were still running at its deadline; they carry on. */
  late?: RunningFeed[];
  /** Due feeds not polled because an earlier cycle's poll of them is still running. */
  busy?: RunningFeed[];
  /** Set when the cycle polled nothing because storage was down. */
  skipped?: "storage-unavailable";
}

export interface CycleOptions {
  /** Stop waiting after this long; polls still running finish in the background. */
  deadlineMs?: number;
}

function hostKey(url: string): string {
  try {
    return new URL(url).host || "file";
  } catch {
    return url;
  }
}

/**
 * Feed → stories: fetch, parse, normalise, drop what was seen, tag, hand to the sink, store.
 * The order is what makes restarts safe: stories reach the sink before they are stored, and the
 * feed's state (validators, seen ids) is written last, so a crash anywhere repeats work instead
 * of losing it, and the sink's idempotency turns the repeat into nothing.
 */
export class Poller {
  readonly #limiter: KeyedLimiter;
  readonly #abort = new AbortController();
  readonly #now: () => number;
  readonly #random: () => number;
  // Feeds polled side by side may carry the same new story: deciding what is new and storing it
  // must not interleave, or both feeds alert it.
  readonly #takeInLock = new KeyedMutex();
  /** Feed id → its poll under way, so a feed slower than a cycle is never fetched twice at once. */
  readonly #inFlight = new Map<string, { feed: FeedSource; startedAt: number }>();
  readonly #processor: FeedProcessor;

  constructor(
    private readonly deps: PollerDeps,
    private readonly options: PollerOptions,
  ) {
    this.#limiter = new KeyedLimiter(options.concurrency, options.perHost);
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    this.#processor = deps.processor ?? new InProcessProcessor(deps.enricher, deps.parse);
  }

  /** Aborts in-flight fetches; polls under way end as failures that are retried later. */
  stop(): void {
    this.#abort.abort(new Error("shutting down"));
  }

  /** Polls the feeds that are due now, waiting at most `deadlineMs` for them. */
  async runCycle(feeds: FeedSource[], options: CycleOptions = {}): Promise<CycleReport> {
    const startedAt = this.#now();
    const states = await this.deps.states.getMany(feeds.map((f) => f.id));
    const due = feeds.filter((f) => (states.get(f.id)?.nextDueAt ?? 0) <= startedAt);
    const busy = this.#running(due.filter((f) => this.#inFlight.has(f.id)));
    const polls = due
      .filter((f) => !this.#inFlight.has(f.id))
      .map((feed) => this.#tracked(feed, states.get(feed.id)));
    const finished = await settledBy(polls, options.deadlineMs);
    const outcomes = finished.filter((o): o is PollOutcome => o !== undefined);
    const stragglers = polls.filter((_, i) => finished[i] === undefined);
    const late = this.#running(stragglers.map((p) => p.feed));
    for (const { feed, done } of stragglers) {
      void done.then((outcome) =>
        this.deps.log.info(
          {
            feedId: feed.id,
            feedName: feed.name,
            status: outcome.status,
            ms: this.#now() - startedAt,
          },
          "slow feed finished after its cycle's deadline",
        ),
      );
    }
    // A feed past the deadline is counted when its poll ends.
    for (const { done } of stragglers)
      void done.then((o) => this.deps.metrics?.polled(o.status, o.reason));
    for (const o of outcomes) this.deps.metrics?.polled(o.status, o.reason);
    this.deps.metrics?.skipped(feeds.length - due.length);
    return {
      feeds: feeds.length,
      due: due.length,
      outcomes,
      startedAt,
      finishedAt: this.#now(),
      late,
      busy,
    };
  }

  /** Feeds whose polls are under way now, with how long they have run. */
  inFlight(): RunningFeed[] {
    return this.#running([...this.#inFlight.values()].map((r) => r.feed));
  }

  #running(feeds: FeedSource[]): RunningFeed[] {
    const now = this.#now();
    return feeds.map((feed) => ({
      feedId: feed.id,
      feedName: feed.name,
      runningMs: now - (this.#inFlight.get(feed.id)?.startedAt ?? now),
    }));
  }

  /** One feed's poll, in the in-flight set until it ends (even after its cycle stopped waiting). */
  #tracked(
    feed: FeedSource,
    state: FeedState | undefined,
  ): { feed: FeedSource; done: Promise<PollOutcome> } {
    this.#inFlight.set(feed.id, { feed, startedAt: this.#now() });
    const done = this.#limited(feed, () => this.pollFeed(feed, state))
      .catch((error: unknown) => this.#crashed(feed, error))
      .finally(() => this.#inFlight.delete(feed.id));
    return { feed, done };
  }

  /**
   * Polls one feed queued when it fell due at `dueAt` (a job of the work queue), unless it was
   * polled since: a job run twice (a worker presumed dead, a queue read twice) fetches once.
   * Undefined when there was nothing to do.
   */
  async pollDue(feed: FeedSource, dueAt: number): Promise<PollOutcome | undefined> {
    const state = await this.deps.states.get(feed.id);
    if ((state?.nextDueAt ?? 0) !== dueAt) return undefined;
    return this.#limited(feed, () =>
      this.pollFeed(feed, state).catch((error: unknown) => this.#crashed(feed, error)),
    );
  }

  /**
   * This process's bounds first, then the fleet's per-host slots if there is a fleet: a fetch
   * waiting for a busy host holds one of this process's slots for that host, never one elsewhere.
   */
  #limited<T>(feed: FeedSource, task: () => Promise<T>): Promise<T> {
    const host = hostKey(feed.url);
    const gate = this.deps.hostGate;
    return this.#limiter.run(host, gate ? () => gate.run(host, task) : task);
  }

  /**
   * A poll that failed for a reason other than the feed. Nothing of it was recorded as done (the
   * feed state is written last), so the next cycle does the same work again.
   */
  #crashed(feed: FeedSource, error: unknown): PollOutcome {
    const message = error instanceof Error ? error.message : String(error);
    // A storage outage is logged once by the storage's health tracker, not once per feed.
    const level = isStorageUnavailable(error) ? "debug" : "error";
    this.deps.log[level](
      { err: error, feedId: feed.id, feedName: feed.name, url: feed.url },
      "feed poll aborted; will retry",
    );
    return {
      feedId: feed.id,
      feedName: feed.name,
      status: "error",
      stored: 0,
      alerted: 0,
      error: message,
      reason: feedProblemOf(error),
    };
  }

  async pollFeed(feed: FeedSource, known?: FeedState): Promise<PollOutcome> {
    let state = known ?? (await this.deps.states.get(feed.id)) ?? freshState(feed.id, feed.url);
    if (state.url !== feed.url) state = { ...state, url: feed.url, validators: {} };
    const startedAt = this.#now();
    state.lastPollAt = startedAt;
    let stories: Story[];
    const fetched = this.deps.metrics?.fetchTimer();
    try {
      const result = await this.deps.fetcher.fetch({
        url: feed.url,
        validators: state.validators,
        allowFile: feed.origin === "operator",
        userGiven: feed.origin === "guild",
        signal: this.#abort.signal,
      });
      fetched?.();
      state.maxAgeSec = result.maxAgeSec;
      if (result.status === "not-modified") {
        // A 304 need not repeat the validators; keep the ones it confirmed (RFC 9110 §15.4.5).
        const { etag, lastModified } = result.validators;
        const kept = {
          url: result.validators.url ?? state.validators.url,
          etag: etag ?? state.validators.etag,
          lastModified: lastModified ?? state.validators.lastModified,
        };
        await this.#succeeded(state, kept, startedAt);
        return {
          feedId: feed.id,
          feedName: feed.name,
          status: "not-modified",
          stored: 0,
          alerted: 0,
        };
      }
      const parsed = await this.#processor.parse({
        // The bytes, not the text: a worker pool decodes them off the main thread.
        body: result.body,
        contentType: result.contentType,
        maxBytes: result.maxBytes,
        feed,
        now: startedAt,
        maxItems: this.options.maxItems,
      });
      state.ttlMinutes = parsed.ttlMinutes;
      stories = parsed.stories;
      // A valid feed with no items is healthy (a new blog, a quiet desk); items that all lack
      // a title and text are not.
      if (stories.length === 0 && parsed.itemCount > 0) {
        throw new FeedParseError("no item has a title or text", "unusable-items");
      }
      state.validators = result.validators;
    } catch (error) {
      fetched?.();
      if (error instanceof FetchError || error instanceof FeedParseError) {
        return this.#failed(feed, state, error, startedAt);
      }
      throw error;
    }
    return this.#takeInLock.run("take-in", () => this.#takeIn(feed, state, stories, startedAt));
  }

  async #takeIn(
    feed: FeedSource,
    state: FeedState,
    stories: Story[],
    now: number,
  ): Promise<PollOutcome> {
    const fresh = await unseenStories(stories, state.recentIds, this.deps.stories);
    const tagged = (await this.#processor.tag(fresh)).map(({ story, signature }) => {
      if (signature && this.deps.cluster) story.cluster = this.deps.cluster(story, signature);
      return story;
    });
    const alerts = state.initialized ? tagged : newest(tagged, this.options.backlogAlerts);
    if (alerts.length > 0) await this.deps.sink.accept(alerts, feed);
    await this.deps.stories.put(tagged);
    if (tagged.length > 0) this.deps.onStored?.(tagged);
    state.initialized = true;
    // Remember twice the feed's length: an item that drops out and comes back is still known
    // here, and anything older is caught by the story store.
    state.recentIds = stories.map((s) => s.id).slice(0, this.options.maxItems * 2);
    state.storiesStored += tagged.length;
    await this.#succeeded(state, state.validators, now);
    this.deps.log.debug(
      { feedId: feed.id, stored: tagged.length, alerted: alerts.length },
      "feed polled",
    );
    return {
      feedId: feed.id,
      feedName: feed.name,
      status: tagged.length ? "new" : "unchanged",
      stored: tagged.length,
      alerted: alerts.length,
    };
  }

  async #succeeded(
    state: FeedState,
    validators: FeedState["validators"],
    now: number,
  ): Promise<void> {
    state.validators = validators;
    state.lastSuccessAt = now;
    state.consecutiveFailures = 0;
    state.lastError = undefined;
    state.lastErrorReason = undefined;
    state.nextDueAt = nextDueAfterSuccess(now, state, this.options.due);
    await this.deps.states.put(state);
  }

  async #failed(
    feed: FeedSource,
    state: FeedState,
    error: FetchError | FeedParseError,
    now: number,
  ): Promise<PollOutcome> {
    state.consecutiveFailures += 1;
    state.lastErrorAt = now;
    state.lastError = error.message;
    const reason = feedProblemOf(error);
    state.lastErrorReason = reason;
    const retryAfter = error instanceof FetchError ? error.retryAfterSec : undefined;
    state.nextDueAt = nextDueAfterFailure(
      now,
      state.consecutiveFailures,
      retryAfter,
      this.#random,
      this.options.due,
    );
    await this.deps.states.put(state);
    this.deps.log.warn(
      {
        feedId: feed.id,
        feedName: feed.name,
        url: feed.url,
        failures: state.consecutiveFailures,
        nextDueAt: new Date(state.nextDueAt).toISOString(),
        reason,
        err: error.message,
      },
      "feed poll failed",
    );
    return {
      feedId: feed.id,
      feedName: feed.name,
      status: "failed",
      stored: 0,
      alerted: 0,
      error: error.message,
      reason,
    };
  }
}

/**
 * Each poll's outcome, or undefined for those still running when `deadlineMs` passed (all are
 * awaited without a deadline).
 */
async function settledBy(
  polls: { done: Promise<PollOutcome> }[],
  deadlineMs: number | undefined,
): Promise<(PollOutcome | undefined)[]> {
  const results: (PollOutcome | undefined)[] = polls.map(() => undefined);
  const all = Promise.all(
    polls.map((p, i) =>
      p.done.then((outcome) => {
        results[i] = outcome;
      }),
    ),
  );
  if (deadlineMs === undefined) {
    await all;
    return results;
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadlineMs));
  });
  await Promise.race([all, deadline]).finally(() => clearTimeout(timer));
  return [...results];
}

function newest(stories: TaggedStory[], count: number): TaggedStory[] {
  if (count <= 0) return [];
  return [...stories]
    .sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt))
    .slice(0, count);
}

export const DEFAULT_POLLER_OPTIONS: PollerOptions = {
  backlogAlerts: 0,
  maxItems: 200,
  concurrency: 16,
  perHost: 2,
  due: DEFAULT_DUE_POLICY,
};
