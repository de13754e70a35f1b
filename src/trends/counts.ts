/**
 * Daily story counts for /trends: per UTC day of publication, how many stories were stored, per
 * topic, per country and per topic × country. One small record per day, so a 90-day chart is one
 * read of 90 keys however many stories those days had.
 *
 * Why a durable index of its own rather than counting at request time:
 *  - the stories store keeps stories for RETENTION_DAYS (30 by default) while a chart may span
 *    90 days, and reading every story of a period per request would cost O(stories);
 *  - the in-memory StoryIndex is rebuilt at start from at most 20,000 stories and forgets
 *    everything older than the retention window, so it cannot answer for 90 days either.
 *
 * Counting is idempotent per story id (a `trend:seen:<id>` marker, written in the same setMany as
 * the day records), so the stories store can count before it stores (see StoryStore.put): a put
 * that fails after counting is retried by the poller and counts nothing twice, and no stored
 * story goes uncounted. Stories stored before this index existed are counted once by
 * `backfill()` at start, from the store's own hour-bucket index, a day at a time.
 */
import type Keyv from "keyv";
import type { TaggedStory } from "../enrich/types.js";
import { GroupCommit } from "../store/group-commit.js";
import { type KeyedLock, KeyedMutex } from "../store/mutex.js";

export const DAY_MS = 86_400_000;
/** The longest period a chart may show, in days. */
export const MAX_DAYS = 90;
/** How long counts (and the markers that keep them exact) live: the longest chart and a margin. */
export const KEEP_MS = (MAX_DAYS + 7) * DAY_MS;
/** Stories read per storage round trip while back-filling. */
const BACKFILL_SLICE = 500;

/** What was counted on one UTC day. */
export interface DayCounts {
  /** Stories published that day (each counts once, whatever its topics). */
  total: number;
  /** Topic id → stories tagged with it. */
  topics: Record<string, number>;
  /** ISO country code → stories about it. */
  countries: Record<string, number>;
  /** Topic id → country code → stories tagged with the topic and about the country. */
  pairs: Record<string, Record<string, number>>;
}

/** What is known about the index itself. */
interface Meta {
  /** The first UTC day (days since the epoch) whose counts are complete. */
  since: number;
  /** When the back-fill finished (ms). */
  backfilledAt: number;
}

/** Where the back-fill reads the stories stored before the index existed. */
export interface StoredStories {
  /** Ids of stories published in [from, to) as the store's index lists them. */
  idsPublished(from: number, to: number): Promise<string[]>;
  getMany(ids: string[]): Promise<Array<TaggedStory | undefined>>;
}

/** Days since the epoch of a UTC instant. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** "2025-03-14" for a day number. */
export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function emptyDay(): DayCounts {
  return { total: 0, topics: {}, countries: {}, pairs: {} };
}

const dayKey = (day: number) => `trend:day:${isoDay(day)}`;
const seenKey = (id: string) => `trend:seen:${id}`;
const META_KEY = "trend:meta";

function isCountMap(value: unknown): value is Record<string, number> {
  return (
    !!value &&
    typeof value === "object" &&
    Object.values(value).every((n) => typeof n === "number" && Number.isFinite(n) && n >= 0)
  );
}

/** A stored record as DayCounts; anything malformed reads as an empty day rather than a crash. */
function readDay(value: unknown): DayCounts | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as Partial<DayCounts>;
  const pairs: DayCounts["pairs"] = {};
  if (v.pairs && typeof v.pairs === "object") {
    for (const [topic, byCountry] of Object.entries(v.pairs)) {
      if (isCountMap(byCountry)) pairs[topic] = byCountry;
    }
  }
  return {
    total: typeof v.total === "number" && v.total >= 0 ? v.total : 0,
    topics: isCountMap(v.topics) ? v.topics : {},
    countries: isCountMap(v.countries) ? v.countries : {},
    pairs,
  };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** Adds one story to a day's record. */
export function countInto(day: DayCounts, story: Pick<TaggedStory, "topics" | "countries">): void {
  day.total++;
  const topics = [...new Set(story.topics.map((t) => t.id))];
  const countries = [...new Set(story.countries ?? [])];
  for (const topic of topics) bump(day.topics, topic);
  for (const country of countries) bump(day.countries, country);
  for (const topic of topics) {
    const byCountry = day.pairs[topic] ?? {};
    for (const country of countries) bump(byCountry, country);
    if (countries.length > 0) day.pairs[topic] = byCountry;
  }
}

export class DailyCounts {
  // Adds that arrive while one is being written go together in the next write.
  readonly #batches = new GroupCommit<TaggedStory[], number>((adds) => this.#count(adds));

  constructor(
    private readonly kv: Keyv,
    private readonly now: () => number = Date.now,
    /**
     * Day records are read-modify-write: one update at a time, in this process or, with the
     * fleet's Redis lock, in every process (or their counts would overwrite each other's).
     */
    private readonly lock: KeyedLock = new KeyedMutex(),
  ) {}

  /**
   * Counts the stories not counted before, each on the UTC day it was published; returns how
   * many were new. Stories published before the kept window, or at no readable time, are skipped.
   */
  async add(stories: readonly TaggedStory[]): Promise<number> {
    const unique = [...new Map(stories.map((s) => [s.id, s])).values()];
    if (unique.length === 0) return 0;
    return this.#batches.submit(unique);
  }

  /** Counts every waiting add's stories in one update of the day records; each add's count. */
  async #count(adds: TaggedStory[][]): Promise<number[]> {
    return this.lock.run("trend-days", async () => {
      const ids = [...new Set(adds.flat().map((s) => s.id))];
      const seenValues = await this.kv.getMany<unknown>(ids.map(seenKey));
      const seen = new Set(
        ids.filter((_, i) => seenValues[i] !== undefined && seenValues[i] !== null),
      );
      const oldest = dayOf(this.now() - KEEP_MS);
      const byDay = new Map<number, TaggedStory[]>();
      const counted = adds.map((stories) => {
        let n = 0;
        for (const story of stories) {
          if (seen.has(story.id)) continue;
          const time = Date.parse(story.publishedAt);
          if (!Number.isFinite(time) || dayOf(time) < oldest) continue;
          // Taken in by two adds of the same batch: counted for the first.
          seen.add(story.id);
          const list = byDay.get(dayOf(time)) ?? [];
          list.push(story);
          byDay.set(dayOf(time), list);
          n++;
        }
        return n;
      });
      if (byDay.size === 0) return counted;
      const days = [...byDay.keys()];
      const records = await this.kv.getMany<unknown>(days.map(dayKey));
      const writes: Array<{ key: string; value: unknown; ttl: number }> = [];
      days.forEach((day, i) => {
        const record = readDay(records[i]) ?? emptyDay();
        for (const story of byDay.get(day) ?? []) {
          countInto(record, story);
          writes.push({ key: seenKey(story.id), value: 1, ttl: KEEP_MS });
        }
        // Lives until the last chart that can show the day has gone past it.
        const ttl = Math.max(DAY_MS, (day + 1) * DAY_MS + KEEP_MS - this.now());
        writes.push({ key: dayKey(day), value: record, ttl });
      });
      // One setMany: the markers and the counts they stand for are written together.
      await this.kv.setMany(writes);
      return counted;
    });
  }

  /** The records of days first…last (inclusive) in one read; a day nothing was counted on is empty. */
  async days(first: number, last: number): Promise<DayCounts[]> {
    if (last < first) return [];
    const keys = Array.from({ length: last - first + 1 }, (_, i) => dayKey(first + i));
    const values = await this.kv.getMany<unknown>(keys);
    return values.map((v) => readDay(v) ?? emptyDay());
  }

  /**
   * The first day whose counts are complete, once the back-fill has run; undefined before (the
   * counts so far hold only what was stored since this index exists).
   */
  async since(): Promise<number | undefined> {
    const meta = (await this.kv.get<Meta>(META_KEY)) ?? undefined;
    return typeof meta?.since === "number" ? meta.since : undefined;
  }

  /**
   * Counts what the store holds from before this index existed, a day at a time, unless that was
   * done already; idempotent (counted stories are skipped), so a restart midway just goes on.
   * The day the retention window cuts through is left out: part of it has expired, so its
   * count would be too low, and the chart shows it as unknown instead.
   */
  async backfill(
    store: StoredStories,
    retentionMs: number,
  ): Promise<{ days: number; stories: number }> {
    if ((await this.since()) !== undefined) return { days: 0, stories: 0 };
    const now = this.now();
    const first = dayOf(now - Math.min(retentionMs, KEEP_MS)) + 1;
    const last = dayOf(now) + 1; // a day ahead: feeds' clocks and time zones run early
    let stories = 0;
    for (let day = last; day >= first; day--) {
      const ids = await store.idsPublished(day * DAY_MS, (day + 1) * DAY_MS);
      for (let i = 0; i < ids.length; i += BACKFILL_SLICE) {
        const read = await store.getMany(ids.slice(i, i + BACKFILL_SLICE));
        stories += await this.add(read.filter((s): s is TaggedStory => s !== undefined));
      }
    }
    await this.kv.set(META_KEY, { since: first, backfilledAt: now } satisfies Meta);
    return { days: last - first + 1, stories };
  }
}
