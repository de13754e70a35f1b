/**
 * Full-text search over stored stories, kept in memory with MiniSearch. Keyv has no text index,
 * and a news bot's retention window (tens of thousands of stories) fits comfortably in RAM: the
 * index is built once at start from the store and then fed by the pipeline as stories arrive.
 */
import MiniSearch, { type SearchResult } from "minisearch";
import type { TaggedStory, TopicTag } from "../enrich/types.js";
import type { StoryStore } from "../store/stories.js";
import { foldForSearch } from "../text/fold.js";

/** What the index keeps per story: enough to show a result without a storage round trip. */
export interface IndexedStory {
  id: string;
  title: string;
  url?: string;
  feedId: string;
  feedName: string;
  publishedAt: string;
  summary: string;
  language: string;
  topics: Array<Pick<TopicTag, "id" | "score">>;
  /** What the story card shows besides (see src/discord/story-card.ts). */
  countries: string[];
  author?: string;
  imageUrl?: string;
  /** The event it reports (see TaggedStory.cluster): results show an event once. */
  cluster?: string;
}

export interface SearchHit {
  story: IndexedStory;
  score: number;
  /** Index terms that matched (folded), for "matched: …" hints. */
  terms: string[];
}

export interface StoryIndexOptions {
  /** Stories published before now − retention are dropped, as the store drops them. */
  retentionMs: number;
  now?: () => number;
  /** Upper bound on indexed stories; the oldest go first when it is passed. */
  maxDocs?: number;
}

export interface SearchOptions {
  limit: number;
  /** Only stories tagged with this topic. */
  topic?: string;
}

const DEFAULT_MAX_DOCS = 100_000;
/** Body text beyond this adds index size but rarely changes which stories match. */
const MAX_INDEXED_TEXT = 4000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** Newer stories get up to +50 % score, halving every three days: news search wants news. */
const RECENCY_BOOST = 0.5;
const RECENCY_HALF_LIFE_MS = 3 * 86_400_000;

// Function words of the bot's main languages: they match everything and would make AND queries
// ("sanctions on Russia") fail on stories that happen not to contain "on".
const STOP_WORDS = new Set(
  (
    "a an and are as at be by for from has have in is it its of on or that the to was were will with " +
    "der die das den dem des ein eine einer und oder ist sind im in zu zum zur von mit auf fur bei aus nach " +
    "le la les un une des du de et ou est sont au aux en dans pour par sur avec"
  ).split(" "),
);

function processTerm(term: string): string | null {
  const folded = foldForSearch(term).replace(/\s+/g, "");
  if (folded.length < 2 || STOP_WORDS.has(folded)) return null;
  return folded;
}

/** The distinct words of a text as the index keeps them (folded, function words left out). */
export function indexTerms(text: string): Set<string> {
  const out = new Set<string>();
  for (const word of foldForSearch(text).split(" ")) {
    const term = processTerm(word);
    if (term) out.add(term);
  }
  return out;
}

interface Doc {
  id: string;
  title: string;
  summary: string;
  text: string;
}

const DAY_MS = 86_400_000;
/** How far back a fleet's gateway looks for stories other processes stored (see catchUp). */
const CATCH_UP_MS = 2 * DAY_MS;

export class StoryIndex {
  readonly #docs = new Map<string, IndexedStory>();
  readonly #now: () => number;
  readonly #maxDocs: number;
  #lastPrune = 0;
  readonly #mini: MiniSearch<Doc>;

  constructor(private readonly options: StoryIndexOptions) {
    this.#now = options.now ?? Date.now;
    this.#maxDocs = options.maxDocs ?? DEFAULT_MAX_DOCS;
    this.#mini = new MiniSearch<Doc>({
      idField: "id",
      fields: ["title", "summary", "text"],
      storeFields: [],
      processTerm,
      searchOptions: {
        boost: { title: 3 },
        // Prefix and typo tolerance only for words long enough that they do not match everything.
        prefix: (term) => term.length >= 3,
        fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
        boostDocument: (id) => this.#recency(String(id)),
      },
    });
  }

  /** Builds an index from what the store holds now (newest `limit` stories). */
  static async fromStore(
    stories: StoryStore,
    options: StoryIndexOptions,
    limit = 20_000,
  ): Promise<StoryIndex> {
    const index = new StoryIndex(options);
    index.add(await stories.latest({ limit }));
    return index;
  }

  /**
   * Adds what other processes of a fleet stored: the pipeline tells this index only about the
   * stories its own process stored, so at each tick it reads the ids published in the last
   * `windowMs` (and a day ahead, for clocks and zones) that it lacks. Returns how many it added.
   */
  async catchUp(
    stories: Pick<StoryStore, "idsPublished" | "getMany">,
    windowMs = CATCH_UP_MS,
  ): Promise<number> {
    const now = this.#now();
    const missing = (await stories.idsPublished(now - windowMs, now + DAY_MS)).filter(
      (id) => !this.#docs.has(id),
    );
    if (missing.length === 0) return 0;
    const found = (await stories.getMany(missing)).filter((s) => s !== undefined);
    this.add(found);
    return found.length;
  }

  get size(): number {
    return this.#docs.size;
  }

  get(id: string): IndexedStory | undefined {
    return this.#docs.get(id);
  }

  /** Every indexed story, for rankings other than by text (e.g. "more like this"). */
  stories(): IterableIterator<IndexedStory> {
    this.#maybePrune();
    return this.#docs.values();
  }

  /** Adds or replaces stories; the pipeline calls this after it has stored them. */
  add(stories: readonly TaggedStory[]): void {
    const cutoff = this.#cutoff();
    for (const s of stories) {
      if (Date.parse(s.publishedAt) < cutoff) continue;
      if (this.#docs.has(s.id)) this.#mini.discard(s.id);
      this.#docs.set(s.id, slim(s));
      this.#mini.add({
        id: s.id,
        title: s.title,
        summary: s.summary,
        text: s.text.length > MAX_INDEXED_TEXT ? s.text.slice(0, MAX_INDEXED_TEXT) : s.text,
      });
    }
    if (this.#docs.size > this.#maxDocs) this.#evictOldest(this.#docs.size - this.#maxDocs);
    this.#maybePrune();
  }

  remove(id: string): void {
    if (!this.#docs.delete(id)) return;
    this.#mini.discard(id);
  }

  /**
   * Stories matching every word of the query (prefix and typo tolerant), best first; when no
   * story has all the words, those with any of them.
   */
  search(query: string, options: SearchOptions): SearchHit[] {
    this.#maybePrune();
    const filter = options.topic
      ? (r: SearchResult) =>
          this.#docs.get(String(r.id))?.topics.some((t) => t.id === options.topic) === true
      : undefined;
    let results = this.#mini.search(query, { combineWith: "AND", filter });
    if (results.length === 0) results = this.#mini.search(query, { combineWith: "OR", filter });
    const hits: SearchHit[] = [];
    for (const r of results) {
      const story = this.#docs.get(String(r.id));
      if (story) hits.push({ story, score: r.score, terms: r.terms });
      if (hits.length >= options.limit) break;
    }
    return hits;
  }

  /** Drops stories older than the retention window; returns how many. */
  prune(): number {
    this.#lastPrune = this.#now();
    const cutoff = this.#cutoff();
    let removed = 0;
    for (const [id, s] of this.#docs) {
      if (Date.parse(s.publishedAt) < cutoff) {
        this.remove(id);
        removed++;
      }
    }
    return removed;
  }

  #cutoff(): number {
    return this.#now() - this.options.retentionMs;
  }

  #maybePrune(): void {
    if (this.#now() - this.#lastPrune >= PRUNE_EVERY_MS) this.prune();
  }

  #evictOldest(count: number): void {
    const oldest = [...this.#docs.values()]
      .sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt))
      // Evict a tenth more than needed so a full index does not sort on every add.
      .slice(0, count + Math.floor(this.#maxDocs / 10));
    for (const s of oldest) this.remove(s.id);
  }

  #recency(id: string): number {
    const story = this.#docs.get(id);
    if (!story) return 1;
    const age = Math.max(0, this.#now() - Date.parse(story.publishedAt));
    return 1 + RECENCY_BOOST * 0.5 ** (age / RECENCY_HALF_LIFE_MS);
  }
}

function slim(s: TaggedStory): IndexedStory {
  return {
    id: s.id,
    title: s.title,
    url: s.url,
    feedId: s.feedId,
    feedName: s.feedName,
    publishedAt: s.publishedAt,
    summary: s.summary,
    language: s.language,
    topics: s.topics.map((t) => ({ id: t.id, score: t.score })),
    countries: s.countries ?? [],
    ...(s.author ? { author: s.author } : {}),
    ...(s.imageUrl ? { imageUrl: s.imageUrl } : {}),
    ...(s.cluster ? { cluster: s.cluster } : {}),
  };
}
