import Keyv from "keyv";
import pino, { type Logger } from "pino";
import type { Enricher, TaggedStory } from "../../src/enrich/types.js";
import { parseHostAllowList } from "../../src/feeds/allow-list.js";
import { Fetcher, type FetcherOptions } from "../../src/feeds/fetch.js";
import { parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource } from "../../src/feeds/types.js";
import {
  type AlertSink,
  DEFAULT_POLLER_OPTIONS,
  Poller,
  type PollerOptions,
} from "../../src/ingest/poll.js";
import { FeedStateStore } from "../../src/store/feed-state.js";
import { StoryStore } from "../../src/store/stories.js";

// Local test servers listen on ephemeral ports, so these polling tests open them all; the port
// rule for servers' feeds has its own tests in test/security.
const ANY_PORT: ReadonlySet<number> = new Set(Array.from({ length: 65_535 }, (_, i) => i + 1));

/** A Fetcher that may reach the local test server (127.0.0.1 is private, so it must be allowed). */
export function localFetcher(options: Partial<FetcherOptions> = {}): Fetcher {
  return new Fetcher({
    timeoutMs: 5000,
    connectTimeoutMs: 2000,
    maxBytes: 1_000_000,
    maxRedirects: 5,
    userAgent: "ForeignDesk-test",
    policy: { allow: parseHostAllowList("127.0.0.1"), ports: ANY_PORT },
    ...options,
  });
}

/** The stand-in for the real classifier: no topics, a summary cut from the text. */
export const testEnricher: Enricher = {
  enrich: (story): TaggedStory => ({
    ...story,
    topics: [],
    countries: [],
    language: story.language ?? "und",
    summary: story.text.slice(0, 100),
  }),
};

/** Records every batch it is offered. */
export class RecordingSink implements AlertSink {
  readonly batches: Array<{ feedId: string; stories: TaggedStory[] }> = [];

  async accept(stories: TaggedStory[], feed: FeedSource): Promise<void> {
    this.batches.push({ feedId: feed.id, stories });
  }

  get titles(): string[] {
    return this.batches.flatMap((b) => b.stories.map((s) => s.title));
  }

  clear(): void {
    this.batches.length = 0;
  }
}

export interface Harness {
  poller: Poller;
  fetcher: Fetcher;
  sink: RecordingSink;
  states: FeedStateStore;
  stories: StoryStore;
  /** Set to move the injected clock. */
  clock: { now: number };
  /** How often the (real) parser was called through the Poller. */
  parses: () => number;
  close(): Promise<void>;
}

/** A Poller over in-memory Keyv with an injectable clock and random source. */
export function pollerHarness(
  options: {
    now?: number;
    random?: () => number;
    poller?: Partial<PollerOptions>;
    fetcher?: Partial<FetcherOptions>;
    /** Builds the story store, e.g. a subclass that is slow to write. */
    storyStore?: (kv: Keyv, now: () => number) => StoryStore;
    /** For a test that asserts on log lines; silent otherwise. */
    log?: Logger;
  } = {},
): Harness {
  const kv = new Keyv();
  const clock = { now: options.now ?? Date.UTC(2026, 2, 11, 12) };
  const fetcher = localFetcher(options.fetcher);
  const sink = new RecordingSink();
  const states = new FeedStateStore(kv);
  const now = () => clock.now;
  const stories = options.storyStore?.(kv, now) ?? new StoryStore(kv, 30 * 86_400_000, now);
  let parses = 0;
  const poller = new Poller(
    {
      fetcher,
      stories,
      states,
      enricher: testEnricher,
      sink,
      log: options.log ?? pino({ level: "silent" }),
      now,
      random: options.random ?? (() => 0.5),
      parse: (text, maxItems) => {
        parses++;
        return parseFeed(text, maxItems);
      },
    },
    { ...DEFAULT_POLLER_OPTIONS, ...options.poller },
  );
  return {
    poller,
    fetcher,
    sink,
    states,
    stories,
    clock,
    parses: () => parses,
    close: () => fetcher.close(),
  };
}

/** A guild feed (no `file:`) on the given URL. */
export function guildFeed(id: string, url: string, extra: Partial<FeedSource> = {}): FeedSource {
  return { id, name: `Feed ${id}`, url, origin: "guild", ...extra };
}
