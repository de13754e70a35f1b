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
}

/** A candidate must share this many title stems when it shares no name. */
const MIN_SHARED_STEMS = 2;
/** At most this many candidates are scored per story: those sharing the most keys with it. */
const MAX_COMPARED = 64;
/**
 * Keys held by more stories of the window than this find no candidates: at that point a word is
 * common for the window ("president" in a week of elections), not a mark of one event.
 */
const MAX_POSTING = 400;
/** Counting weight of a shared name against shared title stems (fewer than this per story). */
const NAME_STEP = 1024;

/**
 * Groups stories into events as they arrive: each story is compared with the stories of the
 * window (default 36 h) that share a name, a capitalised word or two title words with it, and
 * joins the cluster of the one it most likely reports the same event as, if that is likely
 * enough. Candidates come from an inverted index of those keys, so the cost per story grows with
 * the stories about the same things, not with all stories of the window.
 */
export class ClusterIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly byKey = new Map<string, Set<string>>();
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
    let best: { entry: Entry; p: number } | undefined;
    for (const entry of this.candidates(story.signature)) {
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
    this.add({ story, cluster });
    return { cluster, joined: best !== undefined, probability: best?.p ?? 0 };
  }

  /** Puts back a story with the cluster it was given earlier (rebuilding after a restart). */
  restore(story: ClusterStory, cluster: string): void {
    if (!this.entries.has(story.id)) this.add({ story, cluster });
  }

  /** Forget stories published before `before` (ms): they can no longer join or be joined. */
  evict(before: number): void {
    for (const [id, e] of this.entries) {
      if (e.story.at >= before) continue;
      this.entries.delete(id);
      this.countSource(e, -1);
      for (const key of keysOf(e.story.signature)) {
        const ids = this.byKey.get(key);
        ids?.delete(id);
        if (ids?.size === 0) this.byKey.delete(key);
      }
    }
  }

  private add(e: Entry): void {
    this.entries.set(e.story.id, e);
    this.countSource(e, 1);
    for (const key of keysOf(e.story.signature)) {
      const ids = this.byKey.get(key) ?? new Set<string>();
      ids.add(e.story.id);
      this.byKey.set(key, ids);
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

  private candidates(s: EventSignature): Entry[] {
    // Per candidate: shared names and capitals in the high bits, shared title stems in the low.
    const counts = new Map<string, number>();
    for (const key of keysOf(s)) {
      const ids = this.byKey.get(key);
      // A key most of the window shares names no event; walking it would cost the most.
      if (!ids || ids.size > MAX_POSTING) continue;
      const step = key.startsWith("n:") ? NAME_STEP : 1;
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + step);
    }
    const scored: Array<[string, number]> = [];
    for (const [id, packed] of counts) {
      const names = Math.floor(packed / NAME_STEP);
      const stems = packed % NAME_STEP;
      if (names > 0 || stems >= MIN_SHARED_STEMS) scored.push([id, names + stems]);
    }
    // In a busy window a common name ("Trump") makes hundreds of stories candidates; the ones
    // sharing the most keys are the likely same events, so only those are scored.
    if (scored.length > MAX_COMPARED) scored.sort((a, b) => b[1] - a[1]).length = MAX_COMPARED;
    const out: Entry[] = [];
    for (const [id] of scored) {
      const e = this.entries.get(id);
      if (e) out.push(e);
    }
    return out;
  }
}

/** Whether the index compares two stories at all: a shared name or capital, or two title stems. */
export function isCandidate(a: EventSignature, b: EventSignature): boolean {
  for (const n of a.names) if (b.names.has(n)) return true;
  for (const c of a.capitals) if (b.capitals.has(c)) return true;
  let shared = 0;
  for (const w of a.titleWords)
    if (b.titleWords.has(w) && ++shared >= MIN_SHARED_STEMS) return true;
  return false;
}

function* keysOf(s: EventSignature): Generator<string> {
  for (const n of s.names) yield `n:${n}`;
  for (const c of s.capitals) yield `n:c:${c}`;
  for (const w of s.titleWords) yield `t:${w}`;
}
