/**
 * "More like this": the stored stories closest to one story, from the in-memory index.
 *
 * Ranking (higher first), chosen to be explainable in one sentence to a reader:
 * - each topic both stories carry: 2 points (topics are what a reader subscribes to);
 * - each country both name: 1 point;
 * - the words of their headlines and summaries: up to 3 points, the share of distinct words
 *   they have in common (Jaccard), so two stories on the same sub-subject rise above two that
 *   only share a topic and a country.
 * Only stories sharing at least a topic or a country are candidates. Ties go to the newer
 * story, then to the id, so the order is stable. The story itself and the other reports of its
 * event (same cluster) are left out, and each other event is shown once (its best report).
 */
import { type IndexedStory, indexTerms } from "./index.js";

export const TOPIC_POINTS = 2;
export const COUNTRY_POINTS = 1;
export const TERM_POINTS = 3;

/** What is compared: a stored story or an index entry. */
export interface SimilarSource {
  id: string;
  title: string;
  summary: string;
  topics: ReadonlyArray<{ id: string }>;
  countries?: readonly string[];
  cluster?: string;
}

export interface SimilarHit {
  story: IndexedStory;
  score: number;
}

/** Index entries are replaced, never changed, on update: their words can be kept per object. */
const termsCache = new WeakMap<IndexedStory, Set<string>>();

function termsOf(story: IndexedStory): Set<string> {
  let terms = termsCache.get(story);
  if (!terms) {
    terms = indexTerms(`${story.title} ${story.summary}`);
    termsCache.set(story, terms);
  }
  return terms;
}

const eventOf = (s: { id: string; cluster?: string }): string => s.cluster ?? s.id;

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * The `limit` stories most like `source` among `candidates`, best first (see above). Topics and
 * countries are counted for every candidate (set lookups); the words, the costly part, only for
 * candidates that could still make the list: visited from the most shared topics and countries
 * down, the walk stops once even full word overlap could not lift one past the current last.
 */
export function similarStories(
  source: SimilarSource,
  candidates: Iterable<IndexedStory>,
  limit: number,
): SimilarHit[] {
  const topics = new Set(source.topics.map((t) => t.id));
  const countries = new Set(source.countries ?? []);
  const event = eventOf(source);
  // Candidates by their points from topics and countries (small integers), most first.
  const byPoints: IndexedStory[][] = [];
  for (const story of candidates) {
    if (story.id === source.id || eventOf(story) === event) continue;
    const sharedTopics = story.topics.filter((t) => topics.has(t.id)).length;
    const sharedCountries = new Set(story.countries.filter((c) => countries.has(c))).size;
    if (sharedTopics === 0 && sharedCountries === 0) continue;
    const points = TOPIC_POINTS * sharedTopics + COUNTRY_POINTS * sharedCountries;
    const bucket = byPoints[points];
    if (bucket) bucket.push(story);
    else byPoints[points] = [story];
  }
  const words = indexTerms(`${source.title} ${source.summary}`);
  const best = new Map<string, SimilarHit>();
  let floor = Number.NEGATIVE_INFINITY;
  for (let points = byPoints.length - 1; points > 0; points--) {
    if (points + TERM_POINTS < floor) break;
    for (const story of byPoints[points] ?? []) {
      const score = points + TERM_POINTS * jaccard(words, termsOf(story));
      const key = eventOf(story);
      const held = best.get(key);
      if (!held || before({ story, score }, held)) best.set(key, { story, score });
    }
    if (best.size >= limit) floor = lastKept(best, limit);
  }
  return [...best.values()].sort((a, b) => (before(a, b) ? -1 : 1)).slice(0, limit);
}

/** The score of the `limit`-th best hit so far. */
function lastKept(best: ReadonlyMap<string, SimilarHit>, limit: number): number {
  const scores = [...best.values()].map((h) => h.score).sort((a, b) => b - a);
  return scores[limit - 1] ?? Number.NEGATIVE_INFINITY;
}

/** Whether `a` ranks before `b`: higher score, then newer, then smaller id. */
function before(a: SimilarHit, b: SimilarHit): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const ta = Date.parse(a.story.publishedAt) || 0;
  const tb = Date.parse(b.story.publishedAt) || 0;
  if (ta !== tb) return ta > tb;
  return a.story.id < b.story.id;
}
