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

/** The `limit` stories most like `source` among `candidates`, best first (see above). */
export function similarStories(
  source: SimilarSource,
  candidates: Iterable<IndexedStory>,
  limit: number,
): SimilarHit[] {
  const topics = new Set(source.topics.map((t) => t.id));
  const countries = new Set(source.countries ?? []);
  const words = indexTerms(`${source.title} ${source.summary}`);
  const event = eventOf(source);
  const best = new Map<string, SimilarHit>();
  for (const story of candidates) {
    if (story.id === source.id || eventOf(story) === event) continue;
    const sharedTopics = story.topics.filter((t) => topics.has(t.id)).length;
    const sharedCountries = new Set(story.countries.filter((c) => countries.has(c))).size;
    if (sharedTopics === 0 && sharedCountries === 0) continue;
    const overlap = jaccard(words, termsOf(story));
    const score =
      TOPIC_POINTS * sharedTopics + COUNTRY_POINTS * sharedCountries + TERM_POINTS * overlap;
    const key = eventOf(story);
    const held = best.get(key);
    if (!held || before({ story, score }, held)) best.set(key, { story, score });
  }
  return [...best.values()].sort((a, b) => (before(a, b) ? -1 : 1)).slice(0, limit);
}

/** Whether `a` ranks before `b`: higher score, then newer, then smaller id. */
function before(a: SimilarHit, b: SimilarHit): boolean {
  if (a.score !== b.score) return a.score > b.score;
  const ta = Date.parse(a.story.publishedAt) || 0;
  const tb = Date.parse(b.story.publishedAt) || 0;
  if (ta !== tb) return ta > tb;
  return a.story.id < b.story.id;
}
