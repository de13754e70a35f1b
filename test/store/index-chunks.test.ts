import fc from "fast-check";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import { describe, expect, it } from "vitest";
import type { TaggedStory } from "../../src/enrich/types.js";
import { type StoryQuery, StoryStore } from "../../src/store/stories.js";
import { NOW, story } from "./fixtures.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const RETENTION = 30 * DAY;

function topics(...ids: string[]): TaggedStory["topics"] {
  return ids.map((id) => ({ id, score: 0.5, evidence: [] }));
}

/** What latest() must return: the stored stories that match, newest first, ties by id. */
function expected(stories: Iterable<TaggedStory>, query: StoryQuery): string[] {
  const oldest = Math.max(NOW - RETENTION, query.since ?? 0);
  return [...stories]
    .filter((s) => !query.topic || s.topics.some((t) => t.id === query.topic))
    .filter((s) => query.topic || !query.feedId || s.feedId === query.feedId)
    .filter((s) => Date.parse(s.publishedAt) >= oldest)
    .sort(
      (a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt) || a.id.localeCompare(b.id),
    )
    .slice(0, query.limit)
    .map((s) => s.id);
}

const ids = (stories: TaggedStory[]) => stories.map((s) => s.id);

/**
 * A Keyv store over a Map with getMany/setMany, as the SQL and Redis adapters have, counting the
 * calls (round trips on a real backend) and the bytes written per kind of key.
 */
class CountingStore {
  readonly map = new Map<string, string>();
  namespace?: string;
  calls = { get: 0, getMany: 0, set: 0, setMany: 0 };
  keysWritten = 0;
  storiesRead = 0;
  bytesWritten = new Map<string, number>();

  #wrote(key: string, value: string): void {
    this.keysWritten++;
    const kind = /(story|url|idx)/.exec(key)?.[1] ?? "other";
    this.bytesWritten.set(kind, (this.bytesWritten.get(kind) ?? 0) + key.length + value.length);
  }
  async get(key: string) {
    this.calls.get++;
    return this.map.get(key);
  }
  async getMany(keys: string[]) {
    this.calls.getMany++;
    this.storiesRead += keys.filter((k) => k.includes(":story:")).length;
    return keys.map((k) => this.map.get(k));
  }
  async set(key: string, value: string) {
    this.calls.set++;
    this.#wrote(key, value);
    this.map.set(key, value);
  }
  async setMany(entries: Array<{ key: string; value: string }>) {
    this.calls.setMany++;
    for (const { key, value } of entries) {
      this.#wrote(key, value);
      this.map.set(key, value);
    }
  }
  async delete(key: string) {
    return this.map.delete(key);
  }
  async clear() {
    this.map.clear();
  }
  snapshot() {
    return {
      calls: { ...this.calls },
      keys: this.keysWritten,
      idxBytes: this.bytesWritten.get("idx") ?? 0,
    };
  }
}

function counted() {
  const store = new CountingStore();
  const kv = new Keyv({ store: store as unknown as KeyvStoreAdapter, throwOnErrors: true });
  return { store, kv };
}

describe("story index in chunks", () => {
  it("returns every story of a bucket that spans several chunks, newest first", async () => {
    const { kv, store } = counted();
    const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds: 4 });
    const all: TaggedStory[] = [];
    // 23 stories in one hour, put in uneven batches: the bucket seals 5 chunks of 4.
    const batches = [1, 3, 7, 2, 5, 1, 4];
    let n = 0;
    for (const size of batches) {
      const batch = Array.from({ length: size }, () => {
        const i = n++;
        return story(`s${String(i).padStart(2, "0")}`, {
          publishedAt: new Date(NOW - HOUR - ((i * 7919) % 3_000_000)).toISOString(),
          feedId: i % 3 === 0 ? "feed-b" : "feed-a",
          topics: i % 2 === 0 ? topics("climate", "trade") : topics("climate"),
        });
      });
      all.push(...batch);
      await stories.put(batch);
    }
    const chunkKeys = [...store.map.keys()].filter((k) => /idx:all:\d+#\d+$/.test(k));
    expect(chunkKeys).toHaveLength(5);
    for (const query of [
      { limit: 100 },
      { limit: 5 },
      { topic: "climate", limit: 100 },
      { topic: "trade", limit: 7 },
      { feedId: "feed-a", limit: 100 },
      { feedId: "feed-b", limit: 100 },
      { since: NOW - HOUR - 1_500_000, limit: 100 },
    ] satisfies StoryQuery[]) {
      expect(ids(await stories.latest(query)), JSON.stringify(query)).toEqual(expected(all, query));
    }
    expect(await stories.latest({ limit: 100 })).toHaveLength(23);
  });

  it("does not list a story twice when it is put again after its chunk was sealed", async () => {
    const { kv } = counted();
    const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds: 2 });
    await stories.put([story("a"), story("b"), story("c")]);
    await stories.put([story("a"), story("d")]);
    expect(ids(await stories.latest({ limit: 10 }))).toEqual(["a", "b", "c", "d"]);
  });

  it("matches a plain model for any stories, batches and chunk size", async () => {
    const arbStory = fc.record({
      hour: fc.integer({ min: -40, max: 1 }),
      minute: fc.integer({ min: 0, max: 59 }),
      feed: fc.constantFrom("f1", "f2", "f3"),
      topics: fc.uniqueArray(fc.constantFrom("t1", "t2", "t3"), { maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(arbStory, { minLength: 1, maxLength: 8 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        async (batches, chunkIds, limit) => {
          const { kv } = counted();
          const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds });
          const model = new Map<string, TaggedStory>();
          let n = 0;
          for (const batch of batches) {
            const put = batch.map((s) =>
              story(`id${n++}`, {
                feedId: s.feed,
                topics: topics(...s.topics),
                publishedAt: new Date(NOW + s.hour * HOUR + s.minute * 60_000).toISOString(),
              }),
            );
            for (const s of put) model.set(s.id, s);
            await stories.put(put);
          }
          for (const query of [
            { limit },
            { topic: "t1", limit },
            { feedId: "f2", limit },
            { topic: "t3", since: NOW - 20 * HOUR, limit },
          ] satisfies StoryQuery[]) {
            expect(ids(await stories.latest(query))).toEqual(expected(model.values(), query));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reads buckets written in the layout before chunks, and appends to them", async () => {
    const { kv, store } = counted();
    const old = Array.from({ length: 9 }, (_, i) =>
      story(`old${i}`, {
        publishedAt: new Date(NOW - HOUR - i * 60_000).toISOString(),
        topics: topics("climate"),
      }),
    );
    // What the previous StoryStore.put wrote: the stories, then each bucket as one id list.
    for (const s of old) await kv.set(`story:${s.id}`, s, RETENTION);
    const bucket = Math.floor((NOW - HOUR) / HOUR);
    const oldIds = ids(old);
    await kv.set(`idx:all:${bucket}`, oldIds, RETENTION + DAY);
    await kv.set(`idx:feed:feed-a:${bucket}`, oldIds, RETENTION + DAY);
    await kv.set(`idx:topic:climate:${bucket}`, oldIds, RETENTION + DAY);

    const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds: 4 });
    expect(ids(await stories.latest({ limit: 20 }))).toEqual(expected(old, { limit: 20 }));
    expect(ids(await stories.latest({ topic: "climate", limit: 3 }))).toEqual(
      expected(old, { topic: "climate", limit: 3 }),
    );

    // Appending to an old bucket converts it: its ids move into sealed chunks.
    const fresh = [story("new0"), story("new1", { publishedAt: new Date(NOW).toISOString() })];
    await stories.put([...fresh, old[0] as TaggedStory]);
    const all = [...old, ...fresh];
    for (const query of [
      { limit: 20 },
      { topic: "climate", limit: 20 },
      { feedId: "feed-a", limit: 4 },
    ] satisfies StoryQuery[]) {
      expect(ids(await stories.latest(query))).toEqual(expected(all, query));
    }
    expect(store.map.has(`keyv:idx:all:${bucket}#1`)).toBe(true);
  });

  it("costs the same storage work per put however full the buckets are", async () => {
    const { kv, store } = counted();
    const chunkIds = 100;
    const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds });
    const perPut: Array<{ calls: CountingStore["calls"]; keys: number; idxBytes: number }> = [];
    // 300 puts of 20 stories (300 feeds) into 3 hour buckets and 2 topics: idx:all buckets end
    // with 2,000 ids each, topic buckets with up to 4,000.
    for (let feed = 0; feed < 300; feed++) {
      const batch = Array.from({ length: 20 }, (_, i) =>
        story(`f${feed}-${i}`, {
          feedId: `feed${feed}`,
          publishedAt: new Date(NOW - ((i % 3) + 1) * HOUR + i * 1000).toISOString(),
          topics: i % 2 ? topics("climate", "trade") : topics("climate"),
        }),
      );
      const before = store.snapshot();
      await stories.put(batch);
      const after = store.snapshot();
      perPut.push({
        calls: {
          get: after.calls.get - before.calls.get,
          getMany: after.calls.getMany - before.calls.getMany,
          set: after.calls.set - before.calls.set,
          setMany: after.calls.setMany - before.calls.setMany,
        },
        keys: after.keys - before.keys,
        idxBytes: after.idxBytes - before.idxBytes,
      });
    }
    // Round trips: one read of the index heads, one write of the stories, one of the URL keys
    // and heads, plus one for the chunks a put seals.
    for (const p of perPut) {
      expect(p.calls.get).toBe(0);
      expect(p.calls.set).toBe(0);
      expect(p.calls.getMany).toBe(1);
      expect(p.calls.setMany).toBeGreaterThanOrEqual(2);
      expect(p.calls.setMany).toBeLessThanOrEqual(3);
    }
    // Keys written: 20 stories, 20 URLs, 3 + 3 + 6 heads, and now and then a sealed chunk.
    expect(Math.min(...perPut.map((p) => p.keys))).toBe(52);
    expect(Math.max(...perPut.map((p) => p.keys))).toBeLessThanOrEqual(52 + 12);
    // Index bytes per put: no more than every touched head full plus a sealed chunk each, and
    // no growth from the first puts to the last.
    // An entry is the id, '.', and the publication time in base 36.
    const idLen = JSON.stringify(`f299-19.${NOW.toString(36)}`).length + 1;
    const bound = 12 * (2 * chunkIds * idLen + 200);
    expect(Math.max(...perPut.map((p) => p.idxBytes))).toBeLessThan(bound);
    const mean = (xs: typeof perPut) => xs.reduce((n, p) => n + p.idxBytes, 0) / xs.length;
    expect(mean(perPut.slice(-50))).toBeLessThan(1.5 * mean(perPut.slice(50, 100)));

    expect(await stories.latest({ limit: 10_000 })).toHaveLength(6000);
    expect(await stories.latest({ topic: "trade", limit: 10_000 })).toHaveLength(3000);
    // The index orders a bucket by itself: a lookup reads about as many stories as it returns,
    // not the 2,000 of the newest bucket.
    const before = store.storiesRead;
    const newest = await stories.latest({ limit: 10 });
    expect(store.storiesRead - before).toBeLessThanOrEqual(14);
    expect(newest.map((s) => s.publishedAt)).toEqual(
      [...newest.map((s) => s.publishedAt)].sort().reverse(),
    );
  });

  it("skips stories that expired while their index entries remain, and still fills the limit", async () => {
    const { kv, store } = counted();
    const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds: 4 });
    const all = Array.from({ length: 30 }, (_, i) =>
      story(`e${String(i).padStart(2, "0")}`, {
        publishedAt: new Date(NOW - HOUR - i * 60_000).toISOString(),
      }),
    );
    await stories.put(all);
    // The five newest are gone from storage (expired or swept); their entries are not.
    for (const s of all.slice(0, 5)) expect(store.map.delete(`keyv:story:${s.id}`)).toBe(true);
    expect(ids(await stories.latest({ limit: 10 }))).toEqual(expected(all.slice(5), { limit: 10 }));
  });

  it("answers knownIds and knownUrls in one read", async () => {
    const { kv, store } = counted();
    const stories = new StoryStore(kv, RETENTION, () => NOW);
    await stories.put([story("a"), story("b", { url: undefined })]);
    const before = store.snapshot().calls;
    const known = await stories.known(
      ["a", "b", "zzz"],
      ["https://news.example.org/a", "https://news.example.org/b"],
    );
    expect(store.snapshot().calls.getMany - before.getMany).toBe(1);
    expect(known.ids).toEqual(new Set(["a", "b"]));
    expect([...known.urls]).toEqual([["https://news.example.org/a", "a"]]);
    expect(await stories.knownIds(["b", "c"])).toEqual(new Set(["b"]));
    expect(await stories.knownUrls(["https://news.example.org/a"])).toEqual(
      new Map([["https://news.example.org/a", "a"]]),
    );
  });

  it("writes no index when the stories could not be written", async () => {
    const { kv, store } = counted();
    const stories = new StoryStore(kv, RETENTION, () => NOW);
    const setMany = store.setMany.bind(store);
    store.setMany = async (entries) => {
      if (entries.some((e) => e.key.includes("story:"))) throw new Error("disk full");
      return setMany(entries);
    };
    await expect(stories.put([story("a")])).rejects.toThrow("disk full");
    expect([...store.map.keys()].filter((k) => k.includes("idx:"))).toEqual([]);
    expect([...store.map.keys()].filter((k) => k.includes("url:"))).toEqual([]);
  });

  it("loses no indexed story when a write seals a chunk and only partly lands", async () => {
    const { kv, store } = counted();
    const stories = new StoryStore(kv, RETENTION, () => NOW, { chunkIds: 2 });
    await stories.put([story("a")]);
    // A backend that does not write a setMany atomically: here the sealed chunks are lost and
    // everything else of the call lands, then the call fails.
    const setMany = store.setMany.bind(store);
    store.setMany = async (entries) => {
      await setMany(entries.filter((e) => !/#\d+$/.test(e.key)));
      if (entries.some((e) => /#\d+$/.test(e.key))) throw new Error("disk full");
    };
    await expect(stories.put([story("b"), story("c")])).rejects.toThrow("disk full");
    expect(ids(await stories.latest({ limit: 10 }))).toContain("a");
    store.setMany = setMany;
    await stories.put([story("d")]);
    expect(ids(await stories.latest({ limit: 10 }))).toEqual(["a", "d"]);
  });
});
