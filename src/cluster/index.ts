import { hashOf } from "./hash.js";
import { type ClusterModel, sameEventProbability } from "./model.js";
import type { EventSignature } from "./signature.js";
import { pairFeatures } from "./similarity.js";

export interface ClusterStory {
  id: string;
  /** Publication (or first-seen) time, ms. */
  at: number;
  signature: EventSignature;
  /**
   * The outlet (feed) that published it. An event holds one report per outlet: an outlet's second
   * story on a subject is its follow-up, which its readers expect as a story of its own.
   */
  source?: string;
}

export interface Assignment {
  /** The id of the cluster's first story: what was alerted, and what later members refer to. */
  cluster: string;
  /** False when the story starts a cluster of its own. */
  joined: boolean;
  /** The same-event probability against the member it matched best. */
  probability: number;
}

interface Entry {
  story: ClusterStory;
  cluster: string;
  /** Its index keys, made once (`keysOf`). */
  keys: number[];
}

/**
 * A candidate shares at least this many keys (names, capitalised words, title stems) with the
 * story. Of the 900 labelled pairs, none the model calls one event shares fewer; pairs that do
 * are most of what would be scored in a busy window.
 */
const MIN_SHARED_KEYS = 3;
/** At most this many candidates are scored per story: those sharing the most keys with it. */
const MAX_COMPARED = 64;
/**
 * Keys held by more stories of the window than this find no candidates: at that point a word is
 * common for the window ("president" in a week of elections), not a mark of one event.
 */
const MAX_POSTING = 400;

/**
 * Groups stories into events as they arrive: each story is compared with the stories of the
 * window (default 36 h) that share a name, a capitalised word or two title words with it, and
 * joins the cluster of the one it most likely reports the same event as, if that is likely
 * enough. Candidates come from an inverted index of those keys, so the cost per story grows with
 * the stories about the same things, not with all stories of the window.
 */
export class ClusterIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<number, Set<Entry>>();
  /** Per cluster, its members per outlet. */
  private readonly sources = new Map<string, Map<string, number>>();
  /** Pairs scored so far: what the candidate rule saves is visible in benches. */
  comparisons = 0;

  constructor(private readonly model: ClusterModel) {}

  get size(): number {
    return this.entries.size;
  }

  assign(story: ClusterStory): Assignment {
    const known = this.entries.get(story.id);
    if (known)
      return { cluster: known.cluster, joined: known.cluster !== story.id, probability: 1 };
    const windowMs = this.model.windowHours * 3_600_000;
    const keys = keysOf(story.signature);
    let best: { entry: Entry; p: number } | undefined;
    for (const entry of this.candidates(keys)) {
      if (Math.abs(entry.story.at - story.at) > windowMs) continue;
      if (story.source && this.sources.get(entry.cluster)?.has(story.source)) continue;
      this.comparisons++;
      const p = sameEventProbability(
        this.model,
        pairFeatures(story.signature, entry.story.signature, this.model.idf),
      );
      if (p >= this.model.threshold && (!best || p > best.p)) best = { entry, p };
    }
    const cluster = best ? best.entry.cluster : story.id;
    this.add({ story, cluster, keys });
    return { cluster, joined: best !== undefined, probability: best?.p ?? 0 };
  }

  /** Puts back a story with the cluster it was given earlier (rebuilding after a restart). */
  restore(story: ClusterStory, cluster: string): void {
    if (!this.entries.has(story.id)) this.add({ story, cluster, keys: keysOf(story.signature) });
  }

  /** Forget stories published before `before` (ms): they can no longer join or be joined. */
  evict(before: number): void {
    for (const [id, e] of this.entries) {
      if (e.story.at >= before) continue;
      this.entries.delete(id);
      this.countSource(e, -1);
      for (const key of e.keys) {
        const posting = this.byKey.get(key);
        posting?.delete(e);
        if (posting?.size === 0) this.byKey.delete(key);
      }
    }
  }

  private add(e: Entry): void {
    this.entries.set(e.story.id, e);
    this.countSource(e, 1);
    for (const key of e.keys) {
      const posting = this.byKey.get(key);
      if (posting) posting.add(e);
      else this.byKey.set(key, new Set([e]));
    }
  }

  private countSource(e: Entry, delta: number): void {
    const { source } = e.story;
    if (!source) return;
    const counts = this.sources.get(e.cluster) ?? new Map<string, number>();
    const n = (counts.get(source) ?? 0) + delta;
    if (n > 0) counts.set(source, n);
    else counts.delete(source);
    if (counts.size > 0) this.sources.set(e.cluster, counts);
    else this.sources.delete(e.cluster);
  }

  private candidates(keys: readonly number[]): Entry[] {
    const counts = new Map<Entry, number>();
    for (const key of keys) {
      const posting = this.byKey.get(key);
      // A key most of the window shares names no event; walking it would cost the most.
      if (!posting || posting.size > MAX_POSTING) continue;
      for (const e of posting) counts.set(e, (counts.get(e) ?? 0) + 1);
    }
    const scored: Array<[Entry, number]> = [];
    for (const [e, shared] of counts) if (shared >= MIN_SHARED_KEYS) scored.push([e, shared]);
    // In a busy window a common name ("Trump") makes hundreds of stories candidates; the ones
    // sharing the most keys are the likely same events, so only those are scored.
    if (scored.length > MAX_COMPARED) scored.sort((a, b) => b[1] - a[1]).length = MAX_COMPARED;
    return scored.map(([e]) => e);
  }
}

/**
 * Whether the index compares two stories at all: they share three keys (`keysOf`). The index
 * applies this rule through its posting lists (`candidates`), here it is for one pair.
 */
export function isCandidate(a: EventSignature, b: EventSignature): boolean {
  const theirs = new Set(keysOf(b));
  let shared = 0;
  for (const key of keysOf(a)) if (theirs.has(key) && ++shared >= MIN_SHARED_KEYS) return true;
  return false;
}

/** Seeds that keep a name, a capitalised stem and a title stem spelt alike apart as keys. */
const NAME_SEED = 0x811c9dc5;
const CAPITAL_SEED = 0x2f6b1a3d;
const TITLE_SEED = 0x5bd1e995;

/**
 * A story's index keys as hashes (cheaper to make and look up than strings). Two keys hashing
 * alike only make an extra candidate, which the model then scores.
 */
function keysOf(s: EventSignature): number[] {
  const keys: number[] = [];
  for (const n of s.names) keys.push(hashOf(n, NAME_SEED));
  for (const c of s.capitals) keys.push(hashOf(c, CAPITAL_SEED));
  for (const w of s.titleWords) keys.push(hashOf(w, TITLE_SEED));
  return keys;
}
