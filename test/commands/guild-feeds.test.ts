import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FeedProblemError } from "../../src/feeds/errors.js";
import { checkFeedUrl, GuildFeedStore, mergeFeeds } from "../../src/feeds/guild-feeds.js";
import { feedIdFor } from "../../src/feeds/id.js";
import { openStorage, type Storage } from "../../src/store/open.js";

describe("GuildFeedStore", () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await openStorage("sqlite://:memory:");
  });
  afterEach(async () => {
    await storage.close();
  });

  it("shares one feed between servers adding the same URL, and survives a restart", async () => {
    const store = new GuildFeedStore(storage.kv);
    const url = "https://news.example/rss";
    const a = await store.add("g1", { url, name: "News", addedBy: "u1" });
    const b = await store.add("g2", { url: ` ${url} `, name: "Same", addedBy: "u2" });
    expect(a.feed.id).toBe(feedIdFor(url));
    expect(b.feed.id).toBe(a.feed.id);
    expect(store.allFeeds()).toEqual([
      { id: a.feed.id, name: "News", url, origin: "guild", language: undefined },
    ]);
    expect((await store.add("g1", { url, name: "again", addedBy: "u1" })).added).toBe(false);
    expect(store.guildsUsing(a.feed.id).sort()).toEqual(["g1", "g2"]);

    const reopened = new GuildFeedStore(storage.kv);
    await reopened.load();
    expect(reopened.forGuild("g2").map((f) => f.name)).toEqual(["Same"]);
    await reopened.removeGuild("g1");
    expect(reopened.guildsUsing(a.feed.id)).toEqual(["g2"]);
    expect(await reopened.remove("g2", a.feed.id)).toMatchObject({ url });
    expect(reopened.allFeeds()).toEqual([]);
  });

  it("refuses more than the per-server limit with a clear message", async () => {
    const store = new GuildFeedStore(storage.kv, 2);
    await store.add("g", { url: "https://a.example/1", name: "1", addedBy: "u" });
    await store.add("g", { url: "https://a.example/2", name: "2", addedBy: "u" });
    await expect(
      store.add("g", { url: "https://a.example/3", name: "3", addedBy: "u" }),
    ).rejects.toMatchObject({ name: "GuildFeedError", key: "feeds.limit", vars: { max: 2 } });
    // Another server is not affected.
    await store.add("h", { url: "https://a.example/3", name: "3", addedBy: "u" });
  });

  it("merges with the operator's feeds, the operator's entry winning", () => {
    const op = [{ id: "x", name: "Op", url: "https://x", origin: "operator" as const }];
    const guild = [
      { id: "x", name: "Dup", url: "https://x", origin: "guild" as const },
      { id: "y", name: "G", url: "https://y", origin: "guild" as const },
    ];
    expect(mergeFeeds(op, guild).map((f) => f.name)).toEqual(["Op", "G"]);
  });

  it("checks URLs before any request", () => {
    expect(() => checkFeedUrl("ftp://x.example/feed")).toThrow(FeedProblemError);
    expect(() => checkFeedUrl("not a url")).toThrow(
      expect.objectContaining({
        reason: "invalid-url",
      }),
    );
    expect(checkFeedUrl(" https://x.example/feed ")).toBe("https://x.example/feed");
  });
});
