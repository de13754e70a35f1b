/**
 * The daily counts behind /trends: per UTC day of publication, per topic and topic × country,
 * idempotent per story, kept for the 90-day window, durable across a restart, back-filled once
 * from the stories stored before they existed; and the lines a chart gets from them.
 */
import Keyv from "keyv";
import { afterEach, describe, expect, it } from "vitest";
import type { TaggedStory } from "../../src/enrich/types.js";
import { openStorage, type Storage } from "../../src/store/open.js";
import { StoryStore } from "../../src/store/stories.js";
import { DAY_MS, DailyCounts, dayOf, KEEP_MS, MAX_DAYS } from "../../src/trends/counts.js";
import { biggestRise, trendOf } from "../../src/trends/trend.js";
import { story } from "../store/fixtures.js";

/** Midnight UTC, 28 Nov 2026. */
const MIDNIGHT = Date.UTC(2026, 10, 28);

function tagged(id: string, at: number, topics: string[], countries: string[]): TaggedStory {
  return story(id, {
    publishedAt: new Date(at).toISOString(),
    topics: topics.map((t) => ({ id: t, score: 0.6, evidence: [] })),
    countries,
  });
}

describe("DailyCounts", () => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  it("counts each story on its UTC day, per topic, country and topic × country", async () => {
    let now = MIDNIGHT + 6 * 3_600_000;
    const counts = new DailyCounts(new Keyv(), () => now);
    await counts.add([
      // One millisecond before midnight UTC is the day before, whatever the local zone.
      tagged("a", MIDNIGHT - 1, ["climate"], ["BR"]),
      tagged("b", MIDNIGHT, ["climate", "migration"], ["BR", "DE"]),
      tagged("c", MIDNIGHT + 3_600_000, ["migration"], []),
      tagged("d", MIDNIGHT + 2 * 3_600_000, [], ["FR"]),
    ]);
    const [yesterday, today] = await counts.days(dayOf(MIDNIGHT) - 1, dayOf(MIDNIGHT));
    expect(yesterday).toEqual({
      total: 1,
      topics: { climate: 1 },
      countries: { BR: 1 },
      pairs: { climate: { BR: 1 } },
    });
    expect(today).toEqual({
      total: 3,
      topics: { climate: 1, migration: 2 },
      countries: { BR: 1, DE: 1, FR: 1 },
      pairs: { climate: { BR: 1, DE: 1 }, migration: { BR: 1, DE: 1 } },
    });
    now += 1;
    expect(await counts.days(dayOf(MIDNIGHT) + 1, dayOf(MIDNIGHT) + 1)).toEqual([
      { total: 0, topics: {}, countries: {}, pairs: {} },
    ]);
  });

  it("counts a story once however often it is offered (a retried put)", async () => {
    const counts = new DailyCounts(new Keyv(), () => MIDNIGHT);
    const s = tagged("same", MIDNIGHT - 5, ["climate"], ["BR"]);
    expect(await counts.add([s, s])).toBe(1);
    expect(await counts.add([s])).toBe(0);
    const [day] = await counts.days(dayOf(MIDNIGHT) - 1, dayOf(MIDNIGHT) - 1);
    expect(day?.topics.climate).toBe(1);
  });

  it("keeps the 90-day window: older stories are not counted; a day lives as long as a chart can show it", async () => {
    const now = MIDNIGHT + 5 * 3_600_000;
    const kv = new Keyv();
    const written: Array<{ key: string; ttl?: number }> = [];
    const setMany = kv.setMany.bind(kv);
    kv.setMany = async (entries) => {
      written.push(...entries.map((e) => ({ key: e.key, ttl: e.ttl })));
      return setMany(entries);
    };
    const counts = new DailyCounts(kv, () => now);
    const old = tagged("old", now - KEEP_MS - DAY_MS, ["climate"], []);
    const edge = tagged("edge", now - (MAX_DAYS - 1) * DAY_MS, ["climate"], []);
    expect(await counts.add([old, edge])).toBe(1);
    const day = dayOf(edge.publishedAt ? Date.parse(edge.publishedAt) : 0);
    const record = written.find((w) => w.key.startsWith("trend:day:"));
    expect(record?.key).toBe(`trend:day:${new Date(day * DAY_MS).toISOString().slice(0, 10)}`);
    // Expires after the last day a 90-day chart still shows it, and not a year later.
    const expires = now + (record?.ttl ?? 0);
    expect(expires).toBeGreaterThanOrEqual((day + MAX_DAYS) * DAY_MS);
    expect(expires).toBeLessThanOrEqual((day + MAX_DAYS + 8) * DAY_MS);
    expect(written.find((w) => w.key === "trend:seen:edge")?.ttl).toBe(KEEP_MS);
    expect(written.some((w) => w.key === "trend:seen:old")).toBe(false);
  });

  it("keeps its counts across a restart (SQLite file), and the store counts before it stores", async () => {
    const file = `/tmp/fd-trends-${process.pid}-${Date.now()}.sqlite`;
    storage = await openStorage(`sqlite://${file}`);
    const now = () => MIDNIGHT + 3_600_000;
    let counts = new DailyCounts(storage.kv, now);
    let stories = new StoryStore(storage.kv, 30 * DAY_MS, now, { counts });
    await stories.put([tagged("x", MIDNIGHT + 60_000, ["trade"], ["CN"])]);
    await storage.close();

    storage = await openStorage(`sqlite://${file}`);
    counts = new DailyCounts(storage.kv, now);
    stories = new StoryStore(storage.kv, 30 * DAY_MS, now, { counts });
    // The same story again (a poll after a crash): counted once, a new one added.
    await stories.put([
      tagged("x", MIDNIGHT + 60_000, ["trade"], ["CN"]),
      tagged("y", MIDNIGHT + 120_000, ["trade"], ["US"]),
    ]);
    const [day] = await counts.days(dayOf(MIDNIGHT), dayOf(MIDNIGHT));
    expect(day?.topics).toEqual({ trade: 2 });
    expect(day?.pairs).toEqual({ trade: { CN: 1, US: 1 } });
  });

  it("back-fills once from the stories stored before it, leaving out the day retention cuts", async () => {
    const now = MIDNIGHT + 12 * 3_600_000;
    const kv = new Keyv();
    // Stored by a version without counts.
    const before = new StoryStore(kv, 10 * DAY_MS, () => now, { chunkIds: 3 });
    const old = Array.from({ length: 7 }, (_, i) =>
      tagged(`old${i}`, now - (i + 1) * DAY_MS, ["climate"], ["BR"]),
    );
    await before.put(old);
    await before.put([tagged("cut", now - 10 * DAY_MS + 60_000, ["climate"], [])]);
    const counts = new DailyCounts(kv, () => now);
    const stories = new StoryStore(kv, 10 * DAY_MS, () => now, { counts, chunkIds: 3 });
    await stories.put([tagged("live", now - 60_000, ["climate"], ["BR"])]);
    expect(await counts.since()).toBeUndefined();

    const done = await counts.backfill(stories, 10 * DAY_MS);
    expect(done.stories).toBe(7);
    expect(await counts.since()).toBe(dayOf(now - 10 * DAY_MS) + 1);
    // Again (a restart): nothing more.
    expect(await counts.backfill(stories, 10 * DAY_MS)).toEqual({ days: 0, stories: 0 });

    const trend = await trendOf(counts, { days: 14 }, now);
    const climate = trend.lines.find((l) => l.key === "climate");
    expect(climate?.total).toBe(8);
    // The 14 days: 3 before the counts start (unknown), then 8 days with one story each except
    // the cut day (unknown) ... today has the live story.
    const known = climate?.values ?? [];
    expect(known.slice(0, 4)).toEqual([null, null, null, null]);
    expect(known.slice(-8)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(trend.knownFrom).toBe(dayOf(now - 10 * DAY_MS) + 1);
    expect(trend.rebuilding).toBe(false);
  });
});

describe("trendOf", () => {
  async function world() {
    const now = MIDNIGHT + 9 * 3_600_000;
    const counts = new DailyCounts(new Keyv(), () => now);
    const stories: TaggedStory[] = [];
    let n = 0;
    const add = (daysAgo: number, count: number, topics: string[], countries: string[]) => {
      for (let i = 0; i < count; i++) {
        stories.push(tagged(`s${n++}`, now - daysAgo * DAY_MS - i, topics, countries));
      }
    };
    // Six topics; "war" rises, "climate" falls.
    for (let d = 0; d < 14; d++) {
      add(d, 14 - d, ["war"], ["UA", "RU"]);
      add(d, d + 1, ["climate"], ["BR"]);
    }
    add(2, 5, ["trade"], ["CN", "US"]);
    add(3, 4, ["migration"], ["DE"]);
    add(4, 3, ["health"], []);
    add(5, 2, ["energy"], ["DE"]);
    add(1, 3, ["war"], ["DE"]);
    await counts.add(stories);
    return { counts, now };
  }

  it("without a topic: the top five topics, every day of the period, zeros included", async () => {
    const { counts, now } = await world();
    const trend = await trendOf(counts, { days: 20 }, now);
    expect(trend.lines.map((l) => l.key)).toEqual([
      "war",
      "climate",
      "trade",
      "migration",
      "health",
    ]);
    expect(trend.lines[0]?.values).toHaveLength(20);
    // Days before any story are 0, not unknown: the counts exist (rebuilding: no back-fill ran).
    expect(trend.lines[0]?.values.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(trend.rebuilding).toBe(true);
    expect(trend.rise?.key).toBe("war");
  });

  it("a topic and a country: that country first, then the topic's other countries", async () => {
    const { counts, now } = await world();
    const trend = await trendOf(counts, { days: 14, topic: "war", country: "DE" }, now);
    expect(trend.lines.map((l) => l.key)).toEqual(["DE", "RU", "UA"]);
    expect(trend.total).toBe(3);
  });

  it("a country alone: its stories per topic", async () => {
    const { counts, now } = await world();
    const trend = await trendOf(counts, { days: 14, country: "DE" }, now);
    expect(trend.lines.map((l) => l.key)).toEqual(["migration", "war", "energy"]);
    expect(trend.total).toBe(9);
  });

  it("the biggest rise compares halves of the complete days, leaving today out", () => {
    const rise = biggestRise([
      { key: "a", kind: "topic", values: [1, 1, 5, 5, 100], total: 112 },
      { key: "b", kind: "topic", values: [0, 0, 2, 9, 0], total: 11 },
    ]);
    expect(rise).toEqual({ key: "b", kind: "topic", before: 0, after: 11 });
    expect(biggestRise([{ key: "c", kind: "topic", values: [3, 1, 0], total: 4 }])).toBe(undefined);
  });
});
