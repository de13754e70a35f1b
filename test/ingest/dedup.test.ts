import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TaggedStory } from "../../src/enrich/types.js";
import type { FeedSource } from "../../src/feeds/types.js";
import { StoryStore } from "../../src/store/stories.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { guildFeed, type Harness, pollerHarness } from "./harness.js";

const T0 = Date.UTC(2026, 2, 11, 12);
const HOUR = 3600_000;

interface Item {
  title: string;
  guid?: string;
  link?: string;
  /** Hours before T0. */
  hoursAgo?: number;
}

function rss(items: Item[], title = "Feed"): string {
  const body = items
    .map((it) =>
      [
        "<item>",
        `<title>${it.title}</title>`,
        it.guid ? `<guid isPermaLink="false">${it.guid}</guid>` : "",
        it.link ? `<link>${it.link.replaceAll("&", "&amp;")}</link>` : "",
        it.hoursAgo !== undefined
          ? `<pubDate>${new Date(T0 - it.hoursAgo * HOUR).toUTCString()}</pubDate>`
          : "",
        `<description>Text of ${it.title}.</description>`,
        "</item>",
      ].join(""),
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://news.example.org/</link>${body}</channel></rss>`;
}

function story(n: number, extra: Partial<Item> = {}): Item {
  return {
    title: `Story ${n}`,
    guid: `urn:story:${n}`,
    link: `https://news.example.org/story/${n}`,
    hoursAgo: 100 - n,
    ...extra,
  };
}

let server: FeedServer;
const harnesses: Harness[] = [];

beforeAll(async () => {
  server = await FeedServer.start();
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  server.reset();
});
afterAll(async () => {
  await server.close();
});

function harness(backlogAlerts: number, maxItems = 200): Harness {
  const h = pollerHarness({ now: T0, poller: { backlogAlerts, maxItems } });
  harnesses.push(h);
  return h;
}

function publish(path: string, items: Item[]): void {
  server.route(path, serve(rss(items), { contentType: "application/rss+xml" }));
}

/** One poll cycle an hour after the previous one; returns the titles alerted in it. */
async function cycle(h: Harness, feeds: FeedSource[]): Promise<string[]> {
  h.sink.clear();
  const report = await h.poller.runCycle(feeds);
  expect(report.due).toBe(feeds.length);
  for (const outcome of report.outcomes) expect(outcome.status).not.toBe("failed");
  h.clock.now += HOUR;
  return h.sink.titles;
}

describe("the first poll of a new feed", () => {
  it("with backlogAlerts 0 alerts nothing but stores the whole backlog", async () => {
    const h = harness(0);
    publish("/a", [story(1), story(2), story(3)]);
    const feed = guildFeed("a", server.url("/a"));
    expect(await cycle(h, [feed])).toEqual([]);
    const state = await h.states.get("a");
    expect(state).toMatchObject({ initialized: true, storiesStored: 3 });
    expect(state?.recentIds).toHaveLength(3);
    expect((await h.stories.knownIds(state?.recentIds ?? [])).size).toBe(3);
    const stored = await h.stories.latest({ feedId: "a", limit: 10, since: 0 });
    expect(stored.map((s) => s.title)).toEqual(["Story 3", "Story 2", "Story 1"]);
    expect(stored[0]).toMatchObject({ topics: [], countries: [], language: "und" });
  });

  it("with backlogAlerts 3 alerts the three newest, whatever the feed's order", async () => {
    const h = harness(3);
    publish("/a", [story(2), story(5), story(1), story(4), story(3)]);
    const alerted = await cycle(h, [guildFeed("a", server.url("/a"))]);
    expect(alerted).toEqual(["Story 5", "Story 4", "Story 3"]);
    expect(h.sink.batches).toHaveLength(1);
    expect((await h.states.get("a"))?.storiesStored).toBe(5);
  });

  it("with more backlog alerts than items alerts them all", async () => {
    const h = harness(10);
    publish("/a", [story(1), story(2)]);
    expect(await cycle(h, [guildFeed("a", server.url("/a"))])).toEqual(["Story 2", "Story 1"]);
  });
});

describe("later polls", () => {
  it("alert exactly the one new item", async () => {
    const h = harness(0);
    const feed = guildFeed("a", server.url("/a"));
    publish("/a", [story(3), story(2), story(1)]);
    await cycle(h, [feed]);
    publish("/a", [story(4), story(3), story(2), story(1)]);
    expect(await cycle(h, [feed])).toEqual(["Story 4"]);
    // Nothing changed: nothing alerted, status "unchanged".
    expect(await cycle(h, [feed])).toEqual([]);
    expect((await h.states.get("a"))?.storiesStored).toBe(4);
  });

  it("do not alert an item again when only its tracking parameters or GUID change", async () => {
    const h = harness(0);
    const feed = guildFeed("a", server.url("/a"));
    publish("/a", [
      { title: "No GUID", link: "https://news.example.org/x?utm_source=rss", hoursAgo: 2 },
      story(1),
    ]);
    await cycle(h, [feed]);
    publish("/a", [
      { title: "No GUID", link: "https://news.example.org/x?utm_source=email#top", hoursAgo: 2 },
      // Republished under a new GUID, same article.
      story(1, { guid: "urn:story:1:v2", title: "Story 1 (updated)" }),
    ]);
    expect(await cycle(h, [feed])).toEqual([]);
  });

  it("do not alert an item that left the feed and came back", async () => {
    const h = harness(0);
    const feed = guildFeed("a", server.url("/a"));
    publish("/a", [story(2), story(1)]);
    await cycle(h, [feed]);
    publish("/a", [story(3), story(2)]);
    expect(await cycle(h, [feed])).toEqual(["Story 3"]);
    publish("/a", [story(3), story(2), story(1)]);
    expect(await cycle(h, [feed])).toEqual([]);
  });

  it("do not alert an item that came back after its id left the recent list", async () => {
    // maxItems 2 keeps 4 recent ids; the story store remembers the rest.
    const h = harness(0, 2);
    const feed = guildFeed("a", server.url("/a"));
    publish("/a", [story(1)]);
    await cycle(h, [feed]);
    for (const n of [2, 3, 4, 5, 6]) {
      publish("/a", [story(n)]);
      expect(await cycle(h, [feed])).toEqual([`Story ${n}`]);
    }
    const recent = (await h.states.get("a"))?.recentIds ?? [];
    publish("/a", [story(1)]);
    const id1 = (await h.stories.latest({ feedId: "a", limit: 10, since: 0 })).find(
      (s) => s.title === "Story 1",
    )?.id;
    expect(id1).toBeDefined();
    expect(recent).not.toContain(id1);
    expect(await cycle(h, [feed])).toEqual([]);
  });
});

describe("the same story in two feeds", () => {
  const shared = (feed: string): Item => ({
    title: `Shared via ${feed}`,
    guid: `${feed}-guid-77`,
    link: `https://news.example.org/story/77?utm_source=${feed}&utm_medium=rss#${feed}`,
    hoursAgo: 1,
  });

  it("is new only once, across cycles", async () => {
    const h = harness(0);
    const a = guildFeed("a", server.url("/a"));
    const b = guildFeed("b", server.url("/b"));
    publish("/a", [story(1)]);
    publish("/b", [story(2)]);
    expect(await cycle(h, [a, b])).toEqual([]);

    publish("/a", [shared("a"), story(1)]);
    expect(await cycle(h, [a])).toEqual(["Shared via a"]);
    publish("/b", [shared("b"), story(2)]);
    expect(await cycle(h, [b])).toEqual([]);
  });

  it("is new only once when both feeds bring it in the same cycle", async () => {
    const h = harness(0);
    const a = guildFeed("a", server.url("/a"));
    const b = guildFeed("b", server.url("/b"));
    publish("/a", [story(1)]);
    publish("/b", [story(2)]);
    await cycle(h, [a, b]);
    publish("/a", [shared("a"), story(1)]);
    publish("/b", [shared("b"), story(2)]);
    const alerted = await cycle(h, [a, b]);
    expect(alerted).toHaveLength(1);
    expect(alerted[0]).toMatch(/^Shared via [ab]$/);
    // Appearing in a later document changes nothing.
    expect(await cycle(h, [a, b])).toEqual([]);
  });

  it("is new only once in the same cycle even when the store is slow to write", async () => {
    // A real database takes time to write; the second feed must not slip through meanwhile.
    class SlowStoryStore extends StoryStore {
      override async put(stories: TaggedStory[]): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await super.put(stories);
      }
    }
    const h = pollerHarness({
      now: T0,
      storyStore: (kv, now) => new SlowStoryStore(kv, 30 * 86_400_000, now),
    });
    harnesses.push(h);
    const a = guildFeed("a", server.url("/a"));
    const b = guildFeed("b", server.url("/b"));
    publish("/a", [story(1)]);
    publish("/b", [story(2)]);
    await cycle(h, [a, b]);
    publish("/a", [shared("a"), story(1)]);
    publish("/b", [shared("b"), story(2)]);
    const alerted = await cycle(h, [a, b]);
    expect(alerted).toHaveLength(1);
    expect((await h.stories.knownUrls(["https://news.example.org/story/77"])).size).toBe(1);
  });

  it("is alerted once on the first poll of two new feeds with backlog alerts", async () => {
    const h = harness(5);
    publish("/a", [shared("a")]);
    publish("/b", [shared("b")]);
    const alerted = await cycle(h, [
      guildFeed("a", server.url("/a")),
      guildFeed("b", server.url("/b")),
    ]);
    expect(alerted).toHaveLength(1);
  });
});
