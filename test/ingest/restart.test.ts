import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { Enricher, TaggedStory } from "../../src/enrich/types.js";
import { parseHostAllowList } from "../../src/feeds/allow-list.js";
import { Fetcher } from "../../src/feeds/fetch.js";
import type { FeedSource } from "../../src/feeds/types.js";
import { type AlertSink, DEFAULT_POLLER_OPTIONS, Poller } from "../../src/ingest/poll.js";
import { FeedStateStore } from "../../src/store/feed-state.js";
import { openStorage } from "../../src/store/open.js";
import { StoryStore } from "../../src/store/stories.js";

const dir = mkdtempSync(join(tmpdir(), "fd-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const feedPath = join(dir, "feed.xml");
const brokenPath = join(dir, "broken.xml");
const dbUrl = `sqlite://${join(dir, "bot.sqlite")}`;

function rss(items: number[]): string {
  const body = items
    .map(
      (
        n,
      ) => `<item><title>Story ${n}</title><link>https://news.example.org/${n}?utm_source=rss</link>
<guid>urn:story:${n}</guid><pubDate>${new Date(Date.UTC(2026, 10, 20, n)).toUTCString()}</pubDate>
<description>Text of story ${n}.</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example.org/</link>${body}</channel></rss>`;
}

/** Rewrites the file with a new mtime, as a publisher updating the feed would. */
function publish(items: number[], at: number): void {
  writeFileSync(feedPath, rss(items));
  utimesSync(feedPath, at / 1000, at / 1000);
}

const enricher: Enricher = {
  enrich: (s): TaggedStory => ({
    ...s,
    topics: [],
    countries: [],
    language: "en",
    summary: s.text,
  }),
};

class RecordingSink implements AlertSink {
  titles: string[] = [];
  async accept(stories: TaggedStory[]): Promise<void> {
    this.titles.push(...stories.map((s) => s.title));
  }
}

const feeds: FeedSource[] = [
  { id: "local", name: "Local", url: pathToFileURL(feedPath).href, origin: "operator" },
  { id: "broken", name: "Broken", url: pathToFileURL(brokenPath).href, origin: "operator" },
];

/** One "process lifetime": open the store, run one cycle at `now`, close. */
async function lifetime(now: number) {
  const storage = await openStorage(dbUrl);
  const sink = new RecordingSink();
  const states = new FeedStateStore(storage.kv);
  const fetcher = new Fetcher({
    timeoutMs: 2000,
    connectTimeoutMs: 1000,
    maxBytes: 1_000_000,
    maxRedirects: 5,
    userAgent: "test",
    policy: { allow: parseHostAllowList("") },
  });
  const poller = new Poller(
    {
      fetcher,
      stories: new StoryStore(storage.kv, 30 * 86_400_000, () => now),
      states,
      enricher,
      sink,
      log: pino({ level: "silent" }),
      now: () => now,
      random: () => 0.5,
    },
    { ...DEFAULT_POLLER_OPTIONS, backlogAlerts: 1 },
  );
  const report = await poller.runCycle(feeds);
  const health = await states.getMany(feeds.map((f) => f.id));
  await fetcher.close();
  await storage.close();
  return { sink, report, health };
}

describe("a restart", () => {
  const t0 = Date.UTC(2026, 10, 28, 9);

  it("neither repeats stories seen before it nor forgets feed health", async () => {
    publish([1, 2, 3], t0 - 60_000);
    writeFileSync(brokenPath, "<rss><channel><item><title>cut off");

    const first = await lifetime(t0);
    // First poll of a new feed: the backlog is stored, only the newest story is alerted.
    expect(first.sink.titles).toEqual(["Story 3"]);
    expect(first.health.get("local")?.storiesStored).toBe(3);
    expect(first.health.get("broken")?.consecutiveFailures).toBe(1);

    // Same file, after a restart: nothing is new, and nothing was even parsed (mtime unchanged).
    const second = await lifetime(t0 + 10 * 60_000);
    expect(second.sink.titles).toEqual([]);
    expect(second.report.outcomes.find((o) => o.feedId === "local")?.status).toBe("not-modified");
    expect(second.health.get("broken")?.consecutiveFailures).toBe(2);
    expect(second.health.get("broken")?.lastError).toMatch(/not a readable feed/);
    expect(second.health.get("local")?.lastSuccessAt).toBe(t0 + 10 * 60_000);

    // The publisher adds story 4 and re-orders the rest: exactly story 4 is new.
    publish([4, 3, 1, 2], t0 + 15 * 60_000);
    const third = await lifetime(t0 + 20 * 60_000);
    expect(third.sink.titles).toEqual(["Story 4"]);
    expect(third.health.get("local")?.storiesStored).toBe(4);

    // The feed drops story 1 and later brings it back: it is not new again.
    publish([4, 3], t0 + 25 * 60_000);
    expect((await lifetime(t0 + 30 * 60_000)).sink.titles).toEqual([]);
    publish([1, 4, 3], t0 + 35 * 60_000);
    expect((await lifetime(t0 + 40 * 60_000)).sink.titles).toEqual([]);
  });

  it("does not poll a feed again before it is due", async () => {
    const storage = await openStorage(dbUrl);
    const state = await new FeedStateStore(storage.kv).get("broken");
    await storage.close();
    expect(state?.nextDueAt).toBeGreaterThan(state?.lastErrorAt ?? Number.POSITIVE_INFINITY);
    const early = await lifetime((state?.lastErrorAt ?? 0) + 1000);
    expect(early.report.outcomes.map((o) => o.feedId)).not.toContain("broken");
  });
});
