import type Keyv from "keyv";
import type { TaggedStory } from "../enrich/types.js";
import { urlKeyFor } from "../feeds/id.js";
import { GroupCommit } from "./group-commit.js";
import { type KeyedLock, KeyedMutex } from "./mutex.js";

const DAY_MS = 86_400_000;
// Index buckets are an hour wide (by publication time); lookups read buckets in batches.
const BUCKET_MS = 3_600_000;
const BUCKETS_PER_READ = 48;
const STORIES_PER_READ = 500;
/**
 * Entries per sealed chunk: what one append rewrites at most per bucket, however full the
 * bucket. Every put rewrites the heads it touches, so a small head is cheap writes; a full
 * bucket (~30,000 stories an hour at 10,000 feeds) is then ~300 chunks, one read.
 */
export const DEFAULT_CHUNK_IDS = 100;

export interface StoryQuery {
  topic?: string;
  feedId?: string;
  limit: number;
  /** Only stories published at or after this time. */
  since?: number;
}

export interface StoryStoreOptions {
  /** Ids per sealed index chunk (tests make it small to cross chunks). */
  chunkIds?: number;
  /**
   * Told about stories before they are stored (the daily counts of /trends, src/trends/counts.ts).
   * It must be idempotent per story id: a put that fails after it is retried with the same stories.
   */
  counts?: { add(stories: readonly TaggedStory[]): Promise<unknown> };
  /** Told how many stories each put stored (the stories-stored metric). */
  metrics?: { storiesStored(count: number): void };
  /** Serialises index appends: this process's mutex by default, the fleet's Redis lock in a fleet. */
  lock?: KeyedLock;
}

/** One put's share of an index append (see StoryStore.#appendIndex). */
interface PendingIndex {
  /** Index key → story id → entry. */
  buckets: Map<string, Map<string, string>>;
  /** The stories' URL keys, written with the index. */
  urls: Array<{ key: string; value: unknown; ttl: number }>;
  /** The put's story writes: its index entries go in only after them. */
  written: Promise<unknown>;
}

/** What dedup needs before storing: which ids are stored, and which canonical URLs are taken. */
export interface Known {
  ids: Set<string>;
  /** Canonical URL → the id of the story stored with it. */
  urls: Map<string, string>;
}

/**
 * The head of an index bucket, under the bucket's own key: how many sealed chunks precede it
 * (under `<bucket>#0` … `<bucket>#<sealed - 1>`, each exactly chunkIds entries) and the open tail
 * of fewer than chunkIds entries (see entryFor). A plain list under the bucket key is the layout
 * before chunks: it reads as a head with no sealed chunks. `ids` keeps its name so that both
 * layouts stay readable.
 */
interface Head {
  sealed: number;
  ids: string[];
}

function bucketOf(time: number): number {
  return Math.floor(time / BUCKET_MS);
}

function readHead(value: unknown): Head {
  if (Array.isArray(value)) return { sealed: 0, ids: value as string[] };
  if (value && typeof value === "object") {
    const { sealed, ids } = value as Partial<Head>;
    return {
      sealed: typeof sealed === "number" ? sealed : 0,
      ids: Array.isArray(ids) ? ids : [],
    };
  }
  return { sealed: 0, ids: [] };
}

/**
 * An index entry: the story id, a '.', and its publication time in ms (base 36), so that a lookup
 * can order a bucket without reading its stories. Ids are base64url digests and never hold a
 * '.'; an entry without one is a bare id, as indexes were written before times were kept.
 */
function entryFor(story: TaggedStory): string {
  return `${story.id}.${Date.parse(story.publishedAt).toString(36)}`;
}

function idOf(entry: string): string {
  const dot = entry.lastIndexOf(".");
  return dot === -1 ? entry : entry.slice(0, dot);
}

/** The time an entry names, or undefined for a bare id. */
function timeOf(entry: string): number | undefined {
  const dot = entry.lastIndexOf(".");
  if (dot === -1) return undefined;
  const time = Number.parseInt(entry.slice(dot + 1), 36);
  return Number.isFinite(time) ? time : undefined;
}

interface Candidate {
  id: string;
  time: number;
  /** Already read (a bare id's story is read to learn its time). */
  story?: TaggedStory;
}

function newestFirst(a: Candidate, b: Candidate): number {
  return b.time - a.time || a.id.localeCompare(b.id);
}

function chunkKey(bucket: string, n: number): string {
  return `${bucket}#${n}`;
}

/** One entry per key, the last given winning (a single multi-row upsert may not touch a row twice). */
function unique<T>(entries: Array<{ key: string; value: T; ttl: number }>) {
  return [...new Map(entries.map((e) => [e.key, e])).values()];
}

/**
 * Stories with their tags, kept for the retention window, plus hour-bucketed indexes per topic,
 * per feed and overall that lookups walk newest-first. Keyv has no secondary indexes, so a
 * bucket is a list of (id, time) entries under its own keys: a head holding the open tail, and
 * sealed chunks that are written once. An append reads and rewrites only heads, so its cost is
 * bounded by the chunk size and not by how many stories the bucket already holds.
 */
export class StoryStore {
  // Appends are read-modify-write cycles over many heads at once: one at a time, in this process
  // or (with the fleet's lock) in every process, or their index entries would overwrite each other's.
  readonly #lock: KeyedLock;
  readonly #indexer = new GroupCommit<PendingIndex, undefined>((puts) => this.#appendIndex(puts));
  readonly #chunkIds: number;
  readonly #counts: StoryStoreOptions["counts"];
  readonly #metrics: StoryStoreOptions["metrics"];

  constructor(
    private readonly kv: Keyv,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
    options: StoryStoreOptions = {},
  ) {
    this.#chunkIds = Math.max(1, Math.floor(options.chunkIds ?? DEFAULT_CHUNK_IDS));
    this.#counts = options.counts;
    this.#metrics = options.metrics;
    this.#lock = options.lock ?? new KeyedMutex();
  }

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
    return (await this.known(ids, [])).ids;
  }

  /** Canonical URLs already stored (from any feed), mapped to the story that has them. */
  async knownUrls(urls: string[]): Promise<Map<string, string>> {
    return (await this.known([], urls)).urls;
  }

  /** knownIds and knownUrls in one read. */
  async known(ids: string[], urls: string[]): Promise<Known> {
    const result: Known = { ids: new Set(), urls: new Map() };
    if (ids.length === 0 && urls.length === 0) return result;
    const values = await this.kv.getMany<unknown>([
      ...ids.map((id) => `story:${id}`),
      ...urls.map((u) => `url:${urlKeyFor(u)}`),
    ]);
    ids.forEach((id, i) => {
      if (values[i] !== undefined && values[i] !== null) result.ids.add(id);
    });
    urls.forEach((url, i) => {
      const id = values[ids.length + i];
      if (typeof id === "string") result.urls.set(url, id);
    });
    return result;
  }

  /**
   * Stores stories and indexes them. Stories are written first, so an index never names a
   * missing story: the index heads are read meanwhile, and written (with the URL keys) after.
   */
  async put(stories: TaggedStory[]): Promise<void> {
    if (stories.length === 0) return;
    // Counted first: counting is idempotent, so a failure below never leaves a stored story
    // uncounted (the poller offers the same stories again).
    await this.#counts?.add(stories);
    const ttl = this.retentionMs;
    const written = this.kv.setMany(
      unique(stories.map((s) => ({ key: `story:${s.id}`, value: s, ttl }))),
    );
    // Awaited by the index append; until then a failure must not count as unhandled.
    written.catch(() => {});
    const urls = unique(
      stories.flatMap((s) =>
        s.url ? [{ key: `url:${urlKeyFor(s.url)}`, value: s.id as unknown, ttl }] : [],
      ),
    );
    // Index key → story id → entry.
    const buckets = new Map<string, Map<string, string>>();
    for (const s of stories) {
      const bucket = bucketOf(Date.parse(s.publishedAt));
      const keys = [
        `idx:all:${bucket}`,
        `idx:feed:${s.feedId}:${bucket}`,
        ...s.topics.map((t) => `idx:topic:${t.id}:${bucket}`),
      ];
      for (const key of keys) {
        const entries = buckets.get(key) ?? new Map<string, string>();
        entries.set(s.id, entryFor(s));
        buckets.set(key, entries);
      }
    }
    await this.#indexer.submit({ buckets, urls, written });
    this.#metrics?.storiesStored(stories.length);
  }

  /**
   * Appends index entries for every waiting put at once, under the lock, after their stories
   * are written. Index key → story id → entry, merged over the puts.
   */
  async #appendIndex(puts: PendingIndex[]): Promise<undefined[]> {
    const buckets = new Map<string, Map<string, string>>();
    for (const put of puts) {
      for (const [key, entries] of put.buckets) {
        const merged = buckets.get(key) ?? new Map<string, string>();
        for (const [id, entry] of entries) merged.set(id, entry);
        buckets.set(key, merged);
      }
    }
    const urls = puts.flatMap((p) => p.urls);
    await this.#lock.run("story-index", async () => {
      const keys = [...buckets.keys()];
      const [, heads] = await Promise.all([
        Promise.all(puts.map((p) => p.written)),
        this.kv.getMany<unknown>(keys),
      ]);
      const indexTtl = this.retentionMs + DAY_MS;
      const chunks: Array<{ key: string; value: unknown; ttl: number }> = [];
      const changed: Array<{ key: string; value: unknown; ttl: number }> = [];
      keys.forEach((key, i) => {
        const head = readHead(heads[i]);
        const have = new Set(head.ids.map(idOf));
        const added = [...(buckets.get(key) ?? [])].flatMap(([id, entry]) =>
          have.has(id) ? [] : [entry],
        );
        if (added.length === 0) return;
        let tail = head.ids.concat(added);
        let sealed = head.sealed;
        while (tail.length >= this.#chunkIds) {
          chunks.push({
            key: chunkKey(key, sealed++),
            value: tail.slice(0, this.#chunkIds),
            ttl: indexTtl,
          });
          tail = tail.slice(this.#chunkIds);
        }
        changed.push({ key, value: { sealed, ids: tail } satisfies Head, ttl: indexTtl });
      });
      // A head names its sealed chunks, so they must be written before it (backends need not
      // write a setMany atomically or in order). Rarely needed: a chunk fills up once per
      // chunkIds ids a bucket receives.
      if (chunks.length > 0) await this.kv.setMany(chunks);
      await this.kv.setMany(unique([...urls, ...changed]));
    });
    return puts.map(() => undefined);
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
    const seen = new Set<string>();
    // Walk buckets from a day ahead (time zones, clock skew) back to the oldest wanted one.
    const first = bucketOf(now + DAY_MS);
    const last = bucketOf(oldest);
    for (let top = first; top >= last && found.length < query.limit; top -= BUCKETS_PER_READ) {
      const buckets: string[] = [];
      for (let b = top; b > top - BUCKETS_PER_READ && b >= last; b--)
        buckets.push(`${prefix}:${b}`);
      const heads = (await this.kv.getMany<unknown>(buckets)).map(readHead);
      const chunkKeys = buckets.flatMap((bucket, i) =>
        Array.from({ length: heads[i]?.sealed ?? 0 }, (_, n) => chunkKey(bucket, n)),
      );
      const chunks = chunkKeys.length > 0 ? await this.kv.getMany<string[]>(chunkKeys) : [];
      let chunk = 0;
      // Newest bucket first; every story of a bucket is newer than those of the buckets after
      // it, so once enough are found the older buckets cannot change the answer.
      for (const head of heads) {
        const entries = chunks
          .slice(chunk, chunk + head.sealed)
          .concat([head.ids])
          .flatMap((list) => list ?? []);
        chunk += head.sealed;
        const candidates = await this.#candidates(entries, seen);
        await this.#takeNewest(candidates, oldest, query.limit, found);
        if (found.length >= query.limit) break;
      }
    }
    return found;
  }

  /**
   * Ids of the stories published in [from, to), from the overall index alone (no story is read
   * unless its entry predates entry times). For rebuilding what is derived from stories, such as
   * the daily counts of /trends.
   */
  async idsPublished(from: number, to: number): Promise<string[]> {
    const buckets: string[] = [];
    for (let b = bucketOf(from); b <= bucketOf(to - 1); b++) buckets.push(`idx:all:${b}`);
    const ids: string[] = [];
    for (let i = 0; i < buckets.length; i += BUCKETS_PER_READ) {
      const batch = buckets.slice(i, i + BUCKETS_PER_READ);
      const heads = (await this.kv.getMany<unknown>(batch)).map(readHead);
      const chunkKeys = batch.flatMap((bucket, n) =>
        Array.from({ length: heads[n]?.sealed ?? 0 }, (_, c) => chunkKey(bucket, c)),
      );
      const chunks = chunkKeys.length > 0 ? await this.kv.getMany<string[]>(chunkKeys) : [];
      const entries = [...chunks.flatMap((c) => c ?? []), ...heads.flatMap((h) => h.ids)];
      for (const entry of entries) {
        const time = timeOf(entry);
        if (time === undefined || (time >= from && time < to)) ids.push(idOf(entry));
      }
    }
    return [...new Set(ids)];
  }

  /** A bucket's entries not seen before, with their times (a bare id's story is read for it). */
  async #candidates(entries: string[], seen: Set<string>): Promise<Candidate[]> {
    const candidates: Candidate[] = [];
    const bare: string[] = [];
    for (const entry of entries) {
      const id = idOf(entry);
      if (seen.has(id)) continue;
      seen.add(id);
      const time = timeOf(entry);
      if (time === undefined) bare.push(id);
      else candidates.push({ id, time });
    }
    // In slices, so that one read stays bounded on every backend (a bucket can hold thousands).
    for (let i = 0; i < bare.length; i += STORIES_PER_READ) {
      for (const story of await this.getMany(bare.slice(i, i + STORIES_PER_READ))) {
        if (story) candidates.push({ id: story.id, time: Date.parse(story.publishedAt), story });
      }
    }
    return candidates.sort(newestFirst);
  }

  /**
   * Appends to `found`, newest first, the stored stories of these candidates (sorted) that are
   * recent enough, until it holds `limit`: reading only about as many stories as are still
   * wanted (one may have expired since it was indexed).
   */
  async #takeNewest(
    candidates: Candidate[],
    oldest: number,
    limit: number,
    found: TaggedStory[],
  ): Promise<void> {
    const wanted = candidates.filter((c) => c.time >= oldest);
    for (let i = 0; i < wanted.length && found.length < limit; ) {
      const slice = wanted.slice(i, i + Math.min(STORIES_PER_READ, limit - found.length + 4));
      i += slice.length;
      const unread = slice.filter((c) => !c.story).map((c) => c.id);
      const read = new Map<string, TaggedStory>();
      for (const story of await this.getMany(unread)) if (story) read.set(story.id, story);
      for (const c of slice) {
        const story = c.story ?? read.get(c.id);
        if (!story || Date.parse(story.publishedAt) < oldest) continue;
        found.push(story);
        if (found.length >= limit) return;
      }
    }
  }
}
