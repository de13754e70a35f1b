import type { Analysis } from "../classify/analyze.js";
import type { TaggedStory } from "../enrich/types.js";
import { ClusterIndex } from "./index.js";
import type { ClusterModel } from "./model.js";
import { type EventSignature, signatureOf } from "./signature.js";

/** What the clusterer needs of a story: its id and when it was published. */
export interface ClusteredStory {
  id: string;
  publishedAt: string;
  /** The feed it came from: a feed's own stories never make one event. */
  feedId: string;
  cluster?: string;
}

/** Evicting walks the whole index: at most this often. */
const EVICT_EVERY_MS = 10 * 60_000;

/**
 * The pipeline's clustering stage: gives each arriving story the id of the event it reports
 * (the first story of its cluster), from the stories of the model's window. The index lives in
 * memory; `restore` rebuilds it at start from the stories stored with their clusters, so a
 * restart neither forgets an event nor renames it.
 */
export class StoryClusterer {
  readonly #index: ClusterIndex;
  readonly #windowMs: number;
  #evictedAt = 0;

  constructor(
    model: ClusterModel,
    private readonly now: () => number = Date.now,
  ) {
    this.#index = new ClusterIndex(model);
    this.#windowMs = model.windowHours * 3_600_000;
  }

  /** Stories the index holds (for status and tests). */
  get size(): number {
    return this.#index.size;
  }

  /** Stories published this long before now are no longer joined. */
  get windowMs(): number {
    return this.#windowMs;
  }

  /** The event `story` reports: a known one's first story id, or its own id. Idempotent. */
  assign(story: ClusteredStory, analysis: Analysis): string {
    return this.assignSignature(story, signatureOf(analysis));
  }

  /** As assign, from the signature alone (what a worker thread hands back: it clones cheaply). */
  assignSignature(story: ClusteredStory, signature: EventSignature): string {
    this.#evictOld();
    return this.#index.assign({
      id: story.id,
      at: timeOf(story, this.now()),
      signature,
      source: story.feedId,
    }).cluster;
  }

  /**
   * Puts stored stories back with the clusters they were given (stories stored before clustering
   * start their own). `analyze` reads a story as the enricher did.
   */
  restore(stories: readonly TaggedStory[], analyze: (s: TaggedStory) => Analysis): number {
    const floor = this.now() - this.#windowMs;
    const inWindow = stories
      .map((s) => ({ s, at: timeOf(s, this.now()) }))
      .filter((x) => x.at >= floor)
      .sort((a, b) => a.at - b.at || (a.s.id < b.s.id ? -1 : 1));
    for (const { s, at } of inWindow) {
      this.#index.restore(
        { id: s.id, at, signature: signatureOf(analyze(s)), source: s.feedId },
        s.cluster ?? s.id,
      );
    }
    return inWindow.length;
  }

  #evictOld(): void {
    const now = this.now();
    if (now - this.#evictedAt < EVICT_EVERY_MS) return;
    this.#evictedAt = now;
    this.#index.evict(now - this.#windowMs);
  }
}

/** Publication time; a story dated in the future (a feed's clock) counts as now. */
function timeOf(story: ClusteredStory, now: number): number {
  const t = Date.parse(story.publishedAt);
  return Number.isFinite(t) ? Math.min(t, now) : now;
}
