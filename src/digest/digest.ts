/**
 * A period's top stories. Outlets often report the same event under near-identical headlines;
 * a digest shows such reports as ONE story ("also reported by: …"), and an event many outlets
 * covered ranks above one only a single outlet did.
 */
import type { TaggedStory } from "../enrich/types.js";
import { foldForSearch } from "../text/fold.js";

export interface DigestOptions {
  /** Rank (and colour) by this topic's score; otherwise by each story's best topic. */
  topic?: string;
  /** Title similarity (Jaccard over normalised words) from which two reports are one story. */
  threshold?: number;
  /** Reports further apart than this are never one story (a weekly column reuses its title). */
  maxGapMs?: number;
}

export interface DigestGroup {
  /** The report shown: the best-scoring one, the earliest among equals. */
  lead: TaggedStory;
  /** Every report of the event, lead first, then by time. */
  stories: TaggedStory[];
  /** Distinct outlet names, the lead's first. */
  outlets: string[];
  topicScore: number;
  latestAt: number;
}

export const DEFAULT_THRESHOLD = 0.5;
const DEFAULT_MAX_GAP_MS = 36 * 3600_000;
/** Two short headlines sharing one or two words ("Talks resume") are not yet the same story. */
const MIN_SHARED_WORDS = 3;

// Headline words that say nothing about which event it is.
const STOP_WORDS = new Set(
  (
    "a an and are as at be by for from has have in is it its of on or that the to was were will with " +
    "after over new says said amid us about into than this what why how who live update updates " +
    "der die das den dem des ein eine und oder ist im in zu von mit auf fur bei aus nach nach " +
    "le la les un une des du de et ou est au aux en dans pour par sur avec apres"
  ).split(" "),
);

/** Headline → its content words, lightly stemmed so "sanctions" and "sanction" agree. */
export function titleWords(title: string): Set<string> {
  const words = new Set<string>();
  for (const raw of foldForSearch(title).split(" ")) {
    if (raw.length < 2 || STOP_WORDS.has(raw)) continue;
    words.add(stem(raw));
  }
  return words;
}

function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith("s") && !word.endsWith("ss")) return word.slice(0, -1);
  return word;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

function sharedCount(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const w of a) if (b.has(w)) n++;
  return n;
}

function scoreFor(story: TaggedStory, topic: string | undefined): number {
  if (topic) return story.topics.find((t) => t.id === topic)?.score ?? 0;
  return story.topics[0]?.score ?? 0;
}

/**
 * Partitions reports into events: two reports are one event when they share their canonical URL
 * or their cluster, or come from different outlets within `maxGapMs` with similar headlines. Linking is transitive
 * (union–find), so A≈B and B≈C puts all three together.
 */
export function groupReports(
  stories: readonly TaggedStory[],
  options: Pick<DigestOptions, "threshold" | "maxGapMs"> = {},
): TaggedStory[][] {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const maxGap = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  const words = stories.map((s) => titleWords(s.title));
  const times = stories.map((s) => Date.parse(s.publishedAt));
  const parent = stories.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    while (parent[i] !== root) {
      const next = parent[i] as number;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  // One canonical URL, or one event as the clusterer saw it when the stories arrived.
  const byKey = new Map<string, number>();
  const join = (key: string, i: number) => {
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, i);
    else union(seen, i);
  };
  stories.forEach((s, i) => {
    if (s.url) join(`u:${s.url}`, i);
    if (s.cluster) join(`c:${s.cluster}`, i);
  });

  // Only pairs sharing a word can be similar: an inverted index skips the rest.
  const postings = new Map<string, number[]>();
  words.forEach((set, i) => {
    for (const w of set) {
      const list = postings.get(w) ?? [];
      list.push(i);
      postings.set(w, list);
    }
  });
  const checked = new Set<number>();
  for (let i = 0; i < stories.length; i++) {
    const a = stories[i] as TaggedStory;
    const wa = words[i] as Set<string>;
    checked.clear();
    for (const w of wa) {
      for (const j of postings.get(w) ?? []) {
        if (j <= i || checked.has(j)) continue;
        checked.add(j);
        const b = stories[j] as TaggedStory;
        if (a.feedId === b.feedId) continue;
        if (Math.abs((times[i] ?? 0) - (times[j] ?? 0)) > maxGap) continue;
        const wb = words[j] as Set<string>;
        if (sharedCount(wa, wb) < Math.min(MIN_SHARED_WORDS, wa.size, wb.size)) continue;
        if (jaccard(wa, wb) >= threshold) union(i, j);
      }
    }
  }

  const groups = new Map<number, TaggedStory[]>();
  stories.forEach((s, i) => {
    const root = find(i);
    const list = groups.get(root) ?? [];
    list.push(s);
    groups.set(root, list);
  });
  return [...groups.values()];
}

/**
 * Events of the period, most important first: covered by more outlets, then more strongly on
 * topic, then more recent.
 */
export function buildDigest(
  stories: readonly TaggedStory[],
  options: DigestOptions = {},
): DigestGroup[] {
  const relevant = options.topic
    ? stories.filter((s) => s.topics.some((t) => t.id === options.topic))
    : stories;
  const groups = groupReports(relevant, options).map((reports): DigestGroup => {
    const byTime = [...reports].sort(
      (a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || a.id.localeCompare(b.id),
    );
    const lead = byTime.reduce((best, s) =>
      scoreFor(s, options.topic) > scoreFor(best, options.topic) ? s : best,
    );
    const ordered = [lead, ...byTime.filter((s) => s !== lead)];
    const outlets = [...new Set(ordered.map((s) => s.feedName.trim() || s.feedId))];
    return {
      lead,
      stories: ordered,
      outlets,
      topicScore: Math.max(...reports.map((s) => scoreFor(s, options.topic))),
      latestAt: Math.max(...reports.map((s) => Date.parse(s.publishedAt) || 0)),
    };
  });
  return groups.sort(
    (a, b) =>
      b.outlets.length - a.outlets.length ||
      b.topicScore - a.topicScore ||
      b.latestAt - a.latestAt ||
      a.lead.id.localeCompare(b.lead.id),
  );
}

/** A list entry standing for every listed report of one event. */
export interface EventEntry<S> {
  /** The report shown: the first of the event in the list's order. */
  lead: S;
  /** Distinct outlet names, the lead's first. */
  outlets: string[];
}

/**
 * Reports of one event (the same cluster) as one entry, in the order the list gives (newest
 * first, best match first): /topic and /search show an event once, with its outlets.
 */
export function byEvent<
  S extends { id: string; cluster?: string; feedId: string; feedName: string },
>(stories: readonly S[]): Array<EventEntry<S>> {
  const entries = new Map<string, EventEntry<S>>();
  for (const s of stories) {
    const key = s.cluster ?? s.id;
    const outlet = s.feedName.trim() || s.feedId;
    const entry = entries.get(key);
    if (!entry) entries.set(key, { lead: s, outlets: [outlet] });
    else if (!entry.outlets.includes(outlet)) entry.outlets.push(outlet);
  }
  return [...entries.values()];
}
