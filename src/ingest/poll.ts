import type { Logger } from "pino";
import type { Enricher, TaggedStory } from "../enrich/types.js";
import { type FeedProblem, feedProblemOf } from "../feeds/errors.js";
import { FetchError, type Fetcher } from "../feeds/fetch.js";
import { KeyedLimiter } from "../feeds/limiter.js";
import { normalizeFeed } from "../feeds/normalize.js";
import { FeedParseError, parseFeed } from "../feeds/parse.js";
import type { FeedSource, Story } from "../feeds/types.js";
import {
  DEFAULT_DUE_POLICY,
  type DuePolicy,
  nextDueAfterFailure,
  nextDueAfterSuccess,
} from "../schedule/due.js";
import { type FeedState, type FeedStateStore, freshState } from "../store/feed-state.js";
import { KeyedMutex } from "../store/mutex.js";
import type { StoryStore } from "../store/stories.js";
import { unseenStories } from "./dedup.js";

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
  /** Told about stories once they are stored (the search index listens here). */
  onStored?: (stories: TaggedStory[]) => void;
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

export interface CycleReport {
  feeds: number;
  due: number;
  outcomes: PollOutcome[];
  startedAt: number;
  finishedAt: number;
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

  constructor(
    private readonly deps: PollerDeps,
    private readonly options: PollerOptions,
  ) {
    this.#limiter = new KeyedLimiter(options.concurrency, options.perHost);
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
  }

  /** Aborts in-flight fetches; polls under way end as failures that are retried later. */
  stop(): void {
    this.#abort.abort(new Error("shutting down"));
  }

  /** Polls the feeds that are due now. */
  async runCycle(feeds: FeedSource[]): Promise<CycleReport> {
    const startedAt = this.#now();
    const states = await this.deps.states.getMany(feeds.map((f) => f.id));
    const due = feeds.filter((f) => (states.get(f.id)?.nextDueAt ?? 0) <= startedAt);
    const outcomes = await Promise.all(
      due.map((feed) =>
        this.#limiter.run(hostKey(feed.url), () =>
          this.pollFeed(feed, states.get(feed.id)).catch((error: unknown) =>
            this.#crashed(feed, error),
          ),
        ),
      ),
    );
    return { feeds: feeds.length, due: due.length, outcomes, startedAt, finishedAt: this.#now() };
  }

  /**
   * Polls one feed queued when it fell due at `dueAt` (a job of the work queue), unless it was
   * polled since: a job run twice (a worker presumed dead, a queue read twice) fetches once.
   * Undefined when there was nothing to do.
   */
  async pollDue(feed: FeedSource, dueAt: number): Promise<PollOutcome | undefined> {
    const state = await this.deps.states.get(feed.id);
    if ((state?.nextDueAt ?? 0) !== dueAt) return undefined;
    return this.#limiter.run(hostKey(feed.url), () =>
      this.pollFeed(feed, state).catch((error: unknown) => this.#crashed(feed, error)),
    );
  }

  /**
   * A poll that failed for a reason other than the feed. Nothing of it was recorded as done (the
   * feed state is written last), so the next cycle does the same work again.
   */
  #crashed(feed: FeedSource, error: unknown): PollOutcome {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.log.error(
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
    try {
      const result = await this.deps.fetcher.fetch({
        url: feed.url,
        validators: state.validators,
        allowFile: feed.origin === "operator",
        userGiven: feed.origin === "guild",
        signal: this.#abort.signal,
      });
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
      const parsed = await (this.deps.parse ?? parseFeed)(result.text, this.options.maxItems);
      state.ttlMinutes = parsed.ttlMinutes;
      stories = normalizeFeed(parsed, feed, startedAt);
      // A valid feed with no items is healthy (a new blog, a quiet desk); items that all lack
      // a title and text are not.
      if (stories.length === 0 && parsed.items.length > 0) {
        throw new FeedParseError("no item has a title or text", "unusable-items");
      }
      state.validators = result.validators;
    } catch (error) {
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
    const tagged = fresh.map((s) => this.deps.enricher.enrich(s));
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
