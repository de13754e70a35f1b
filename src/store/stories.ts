import type Keyv from "keyv";
import type { TaggedStory } from "../enrich/types.js";
import { urlKeyFor } from "../feeds/id.js";
import { KeyedMutex } from "./mutex.js";

const DAY_MS = 86_400_000;
// Index buckets are an hour wide: appending rewrites the bucket, so its size (and the cost of a
// write) must stay bounded however many stories a day brings. Lookups read buckets in batches.
const BUCKET_MS = 3_600_000;
const BUCKETS_PER_READ = 48;

export interface StoryQuery {
  topic?: string;
  feedId?: string;
  limit: number;
  /** Only stories published at or after this time. */
  since?: number;
}

function bucketOf(time: number): number {
  return Math.floor(time / BUCKET_MS);
}

/**
 * Stories with their tags, kept for the retention window, plus day-bucketed indexes per topic,
 * per feed and overall that lookups walk newest-first. Keyv has no secondary indexes, so the
 * indexes are id lists under their own keys, written under a per-key lock.
 */
export class StoryStore {
  readonly #lock = new KeyedMutex();

  constructor(
    private readonly kv: Keyv,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(id: string): Promise<TaggedStory | undefined> {
    return (await this.kv.get<TaggedStory>(`story:${id}`)) ?? undefined;
  }

  async getMany(ids: string[]): Promise<Array<TaggedStory | undefined>> {
    if (ids.length === 0) return [];
    const values = await this.kv.getMany<TaggedStory>(ids.map((id) => `story:${id}`));
    return values.map((v) => v ?? undefined);
  }

  /** Which of these ids are stored already. */
  async knownIds(ids: string[]): Promise<Set<string>> {
    const values = await this.getMany(ids);
    return new Set(ids.filter((_, i) => values[i] !== undefined));
  }

  /** Canonical URLs already stored (from any feed), mapped to the story that has them. */
  async knownUrls(urls: string[]): Promise<Map<string, string>> {
    if (urls.length === 0) return new Map();
    const values = await this.kv.getMany<string>(urls.map((u) => `url:${urlKeyFor(u)}`));
    const known = new Map<string, string>();
    urls.forEach((url, i) => {
      const id = values[i];
      if (typeof id === "string") known.set(url, id);
    });
    return known;
  }

  /** Stores stories and indexes them. Written story first, so an index never names a missing story. */
  async put(stories: TaggedStory[]): Promise<void> {
    if (stories.length === 0) return;
    const ttl = this.retentionMs;
    await Promise.all(stories.map((s) => this.kv.set(`story:${s.id}`, s, ttl)));
    await Promise.all(
      stories
        .filter((s) => s.url)
        .map((s) => this.kv.set(`url:${urlKeyFor(s.url as string)}`, s.id, ttl)),
    );
    const buckets = new Map<string, string[]>();
    for (const s of stories) {
      const bucket = bucketOf(Date.parse(s.publishedAt));
      const keys = [
        `idx:all:${bucket}`,
        `idx:feed:${s.feedId}:${bucket}`,
        ...s.topics.map((t) => `idx:topic:${t.id}:${bucket}`),
      ];
      for (const key of keys) {
        const ids = buckets.get(key) ?? [];
        ids.push(s.id);
        buckets.set(key, ids);
      }
    }
    await Promise.all([...buckets].map(([key, ids]) => this.#append(key, ids)));
  }

  async #append(key: string, ids: string[]): Promise<void> {
    await this.#lock.run(key, async () => {
      const existing = (await this.kv.get<string[]>(key)) ?? [];
      const have = new Set(existing);
      const merged = existing.concat(ids.filter((id) => !have.has(id)));
      if (merged.length !== existing.length)
        await this.kv.set(key, merged, this.retentionMs + DAY_MS);
    });
  }

  /** Newest stories first, for a topic, a feed, or overall. */
  async latest(query: StoryQuery): Promise<TaggedStory[]> {
    const prefix = query.topic
      ? `idx:topic:${query.topic}`
      : query.feedId
        ? `idx:feed:${query.feedId}`
        : "idx:all";
    const now = this.now();
    const oldest = Math.max(now - this.retentionMs, query.since ?? 0);
    const found: TaggedStory[] = [];
    // Walk buckets from a day ahead (time zones, clock skew) back to the oldest wanted one.
    const first = bucketOf(now + DAY_MS);
    const last = bucketOf(oldest);
    for (let top = first; top >= last && found.length < query.limit * 4; top -= BUCKETS_PER_READ) {
      const buckets: string[] = [];
      for (let b = top; b > top - BUCKETS_PER_READ && b >= last; b--)
        buckets.push(`${prefix}:${b}`);
      const lists = await this.kv.getMany<string[]>(buckets);
      const ids = lists.flatMap((list) => list ?? []);
      if (ids.length === 0) continue;
      for (const story of await this.getMany(ids)) {
        if (story && Date.parse(story.publishedAt) >= oldest) found.push(story);
      }
    }
    found.sort(
      (a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt) || a.id.localeCompare(b.id),
    );
    return found.slice(0, query.limit);
  }
}
