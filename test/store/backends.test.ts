import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FeedStateStore, freshState } from "../../src/store/feed-state.js";
import { openStorage, type Storage, StorageError } from "../../src/store/open.js";
import { StoryStore } from "../../src/store/stories.js";
import { serviceAvailable } from "../helpers/services.js";
import { NOW, story } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "fd-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const backends: Array<{ name: string; url: string; port?: number; service?: string }> = [
  { name: "sqlite", url: `sqlite://${join(dir, "store.sqlite")}` },
  { name: "redis", url: "redis://127.0.0.1:6379", port: 6379, service: "Redis" },
  {
    name: "postgres",
    url: "postgres://postgres@127.0.0.1:5432/test",
    port: 5432,
    service: "PostgreSQL",
  },
];

for (const backend of backends) {
  describe(`storage on ${backend.name}`, async () => {
    const available = backend.port
      ? await serviceAvailable(backend.service ?? backend.name, backend.port)
      : true;
    const namespace = `fdtest${process.pid}${Math.floor(Math.random() * 1e6)}`;
    let storage: Storage;

    it.runIf(available)("opens, stores, indexes and finds stories", async () => {
      storage = await openStorage(backend.url, { namespace });
      const stories = new StoryStore(storage.kv, 30 * 86_400_000, () => NOW);
      await stories.put([
        story("a"),
        story("b", { topics: [], publishedAt: new Date(NOW - 7200_000).toISOString() }),
        story("c", { feedId: "feed-b", publishedAt: new Date(NOW - 2 * 86_400_000).toISOString() }),
      ]);
      expect((await stories.get("a"))?.title).toBe("Story a");
      expect(await stories.knownIds(["a", "b", "zzz"])).toEqual(new Set(["a", "b"]));
      const urls = await stories.knownUrls([
        "https://news.example.org/c",
        "https://news.example.org/nope",
      ]);
      expect([...urls]).toEqual([["https://news.example.org/c", "c"]]);
      expect((await stories.latest({ topic: "climate", limit: 10 })).map((s) => s.id)).toEqual([
        "a",
        "c",
      ]);
      expect((await stories.latest({ feedId: "feed-a", limit: 10 })).map((s) => s.id)).toEqual([
        "a",
        "b",
      ]);
      expect((await stories.latest({ limit: 2 })).map((s) => s.id)).toEqual(["a", "b"]);
      // Putting the same story again does not duplicate it in the indexes.
      await stories.put([story("a")]);
      expect((await stories.latest({ topic: "climate", limit: 10 })).map((s) => s.id)).toEqual([
        "a",
        "c",
      ]);
    });

    it.runIf(available)("indexes across chunks, and reads the layout before chunks", async () => {
      const stories = new StoryStore(storage.kv, 30 * 86_400_000, () => NOW, { chunkIds: 3 });
      const at = (minutes: number) => new Date(NOW - 7200_000 + minutes * 60_000).toISOString();
      // Stories and id lists as the StoryStore before chunks wrote them.
      const old = [0, 1, 2, 3].map((i) =>
        story(`k-old${i}`, { feedId: "feed-k", topics: [], publishedAt: at(i) }),
      );
      await storage.kv.setMany(
        old.map((s) => ({ key: `story:${s.id}`, value: s, ttl: 30 * 86_400_000 })),
      );
      await storage.kv.set(`idx:feed:feed-k:${Math.floor((NOW - 7200_000) / 3600_000)}`, [
        "k-old0",
        "k-old1",
        "k-old2",
        "k-old3",
      ]);
      expect((await stories.latest({ feedId: "feed-k", limit: 10 })).map((s) => s.id)).toEqual([
        "k-old3",
        "k-old2",
        "k-old1",
        "k-old0",
      ]);
      // The same story twice in one put is one story (a multi-row upsert must not see it twice).
      for (let batch = 0; batch < 4; batch++) {
        await stories.put(
          [0, 1, 2, 2].map((i) =>
            story(`k${batch}${i}`, {
              feedId: "feed-k",
              topics: [],
              publishedAt: at(10 * batch + i + 5),
            }),
          ),
        );
      }
      const ids = (await stories.latest({ feedId: "feed-k", limit: 20 })).map((s) => s.id);
      expect(ids).toEqual([
        "k32",
        "k31",
        "k30",
        "k22",
        "k21",
        "k20",
        "k12",
        "k11",
        "k10",
        "k02",
        "k01",
        "k00",
        "k-old3",
        "k-old2",
        "k-old1",
        "k-old0",
      ]);
      expect((await stories.latest({ feedId: "feed-k", limit: 3 })).map((s) => s.id)).toEqual([
        "k32",
        "k31",
        "k30",
      ]);
    });

    it.runIf(available)("keeps feed state across a reopen", async () => {
      const states = new FeedStateStore(storage.kv);
      await states.put({
        ...freshState("feed-a", "https://a.example/rss"),
        consecutiveFailures: 3,
        lastError: "HTTP 500",
      });
      await storage.close();
      storage = await openStorage(backend.url, { namespace });
      const again = new FeedStateStore(storage.kv);
      const state = await again.get("feed-a");
      expect(state?.consecutiveFailures).toBe(3);
      expect(state?.lastError).toBe("HTTP 500");
      expect((await again.getMany(["feed-a", "feed-x"])).size).toBe(1);
    });

    it.runIf(available)("expires stories after the retention window and sweeps them", async () => {
      const stories = new StoryStore(storage.kv, 300, () => Date.now());
      await stories.put([story("short-lived", { publishedAt: new Date().toISOString() })]);
      expect(await stories.get("short-lived")).toBeDefined();
      await new Promise((r) => setTimeout(r, 1200));
      const swept = await storage.sweep(Date.now());
      if (backend.name !== "redis") expect(swept).toBeGreaterThan(0);
      expect(await stories.get("short-lived")).toBeUndefined();
      await storage.kv.clear();
      await storage.close();
    });
  });
}

describe("storage failures", () => {
  it("refuses an unreachable server at open with a clear message", async () => {
    // Port 1 on loopback: nothing listens there.
    await expect(openStorage("redis://127.0.0.1:1")).rejects.toThrow(StorageError);
    await expect(openStorage("postgres://postgres@127.0.0.1:1/test")).rejects.toThrow(
      /cannot open storage postgres:\/\/postgres@127\.0\.0\.1:1\/test/,
    );
  });

  it("refuses an SQLite path that cannot be created", async () => {
    const file = join(dir, "plain-file");
    writeFileSync(file, "not a directory");
    await expect(openStorage(`sqlite://${file}/sub/x.sqlite`)).rejects.toThrow(
      /cannot open storage sqlite:.*ENOTDIR/,
    );
  });

  it("never shows a password from the URL", async () => {
    await expect(openStorage("postgres://user:secret@127.0.0.1:1/test")).rejects.toThrow(
      /user:\*\*\*@/,
    );
    await expect(openStorage("postgres://user:secret@127.0.0.1:1/test")).rejects.not.toThrow(
      /secret/,
    );
  });

  it("never shows a password given without a user name, nor one the driver quotes", async () => {
    for (const url of [
      "redis://:s3cret@127.0.0.1:1",
      "postgres://:s3cret@127.0.0.1:1/test",
      "redis://:s3cret@127.0.0.1:bad",
    ]) {
      const error = await openStorage(url).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(StorageError);
      expect((error as Error).message, url).toMatch(/:\/\/:\*\*\*@127\.0\.0\.1/);
      expect((error as Error).message, url).not.toContain("s3cret");
      expect((error as Error).cause, url).toBeUndefined();
    }
  });
});
