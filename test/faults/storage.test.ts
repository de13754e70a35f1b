import Keyv from "keyv";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { TaggedStory } from "../../src/enrich/types.js";
import type { AlertSink } from "../../src/ingest/poll.js";
import { DEFAULT_POLLER_OPTIONS, Poller } from "../../src/ingest/poll.js";
import { FeedStateStore } from "../../src/store/feed-state.js";
import { StoryStore } from "../../src/store/stories.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { guildFeed, localFetcher, testEnricher } from "../ingest/harness.js";

/** A store that fails every write while `full` is set, as SQLite does when the disk is full. */
class FlakyMap extends Map<string, unknown> {
  full = false;
  override set(key: string, value: unknown): this {
    if (this.full)
      throw Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    return super.set(key, value);
  }
}

/**
 * Counts how often each story is offered. A sink must be idempotent (the Discord outbox is, see
 * test/deliver), because a poll that fails after offering repeats the offer: that repeat is what
 * guarantees nothing is lost.
 */
class OfferLog implements AlertSink {
  offered = new Map<string, number>();
  async accept(stories: TaggedStory[]): Promise<void> {
    for (const s of stories) this.offered.set(s.id, (this.offered.get(s.id) ?? 0) + 1);
  }
}

const item = (n: number) =>
  `<item><title>Story ${n}</title><guid>urn:${n}</guid><link>https://x.example/${n}</link><description>Text ${n}.</description></item>`;
const rss = (ns: number[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${ns.map(item).join("")}</channel></rss>`;

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe("storage failing during a run", () => {
  it("skips the poll without recording it, retries next cycle, and loses or repeats nothing", async () => {
    server = await FeedServer.start();
    server.route("/f.xml", serve(rss([1, 2]), { contentType: "application/rss+xml", etag: '"a"' }));
    const map = new FlakyMap();
    const kv = new Keyv({ store: map, throwOnErrors: true });
    let now = Date.UTC(2026, 10, 28, 12);
    const sink = new OfferLog();
    const states = new FeedStateStore(kv);
    const stories = new StoryStore(kv, 30 * 86_400_000, () => now);
    const fetcher = localFetcher();
    const poller = new Poller(
      {
        fetcher,
        stories,
        states,
        enricher: testEnricher,
        sink,
        log: pino({ level: "silent" }),
        now: () => now,
      },
      { ...DEFAULT_POLLER_OPTIONS, backlogAlerts: 0 },
    );
    const feed = guildFeed("f", server.url("/f.xml"));
    expect((await poller.runCycle([feed])).outcomes[0]?.status).toBe("new");

    server.route(
      "/f.xml",
      serve(rss([3, 1, 2]), { contentType: "application/rss+xml", etag: '"b"' }),
    );
    now += 10 * 60_000;
    map.full = true;
    const failed = await poller.runCycle([feed]);
    expect(failed.outcomes[0]).toMatchObject({
      status: "error",
      error: "database or disk is full",
    });
    map.full = false;
    // Nothing of the failed poll was recorded: the old validators and seen ids are still there.
    const state = await states.get("f");
    expect(state?.validators.etag).toBe('"a"');
    expect(state?.consecutiveFailures).toBe(0);
    const [story3] = [...sink.offered.keys()];
    expect(sink.offered.size).toBe(1); // only the new story was offered, before the write failed
    expect(await stories.get(story3 ?? "")).toBeUndefined(); // and it was not half-stored

    // Storage is back: the next cycle does the work again; story 3 is offered again and stored.
    const retried = await poller.runCycle([feed]);
    expect(retried.outcomes[0]).toMatchObject({ status: "new", stored: 1 });
    expect([...sink.offered]).toEqual([[story3, 2]]);
    expect((await stories.get(story3 ?? ""))?.title).toBe("Story 3");
    expect((await states.get("f"))?.validators.etag).toBe('"b"');
    expect((await poller.runCycle([feed])).due).toBe(0);
    await fetcher.close();
  });
});
