import { compileTerms, overlap, type TermMatcher, termShare } from "./rank.js";

/**
 * Which of a story's ranked sentences make its summary: by score alone (a reader's topic keeps its
 * priority), or for coverage of the story's threads as well (the general summary).
 */

// Two sentences sharing this much of their vocabulary say the same thing; show one.
const REDUNDANT = 0.8;
// A sentence worth less than this share of the best one is a side note: leaving budget unused
// beats padding a focused alert with "Both sides agreed to remain in contact."
const MIN_RELATIVE_SCORE = 0.3;
// Maximal marginal relevance for the general summary (no reader topic): how much similarity to a
// chosen sentence costs, and what covering a not yet covered topic is worth, both against a
// relevance of 0…1 (the sentence's score over the best one's). A sentence that adds a topic no
// chosen sentence covers earns the whole bonus: with half of it, a second, more central sentence
// on Xinjiang beat the only one on the 1.5-degree path (relevance 0.82 against 0.39).
const SIMILARITY_PENALTY = 0.5;
const COVERAGE_WEIGHT = 0.5;
const COVERAGE_FULL = 1;

export interface Candidates {
  sentences: readonly string[];
  words: readonly string[][];
  scores: readonly number[];
  /** Sentence indices, best score first. */
  order: readonly number[];
  budget: number;
  limit: number;
}

interface Selection {
  chosen: number[];
  chosenScore: number;
}

/** Best-scoring sentences that fit, skipping near-repeats and side notes. */
export function selectByScore(c: Candidates): Selection {
  const score = (i: number) => c.scores[i] ?? 0;
  const floor = score(c.order[0] ?? 0) * MIN_RELATIVE_SCORE;
  const chosen: number[] = [];
  let used = 0;
  let chosenScore = 0;
  for (const i of c.order) {
    if (chosen.length >= c.limit || score(i) < floor) break;
    const length = (c.sentences[i] ?? "").length + (chosen.length > 0 ? 1 : 0);
    if (used + length > c.budget) continue;
    const own = c.words[i] ?? [];
    if (chosen.some((j) => overlap(own, c.words[j] ?? []) >= REDUNDANT)) continue;
    chosen.push(i);
    used += length;
    chosenScore += score(i);
  }
  return { chosen, chosenScore };
}

/**
 * Per sentence, a bit set of the topics whose evidence it carries (at most 31 topics; the
 * taxonomy has 12). Empty with fewer than two topics: there is no second thread to cover.
 */
export function topicsPerSentence(
  sentences: readonly string[],
  topicTerms: readonly string[][] | undefined,
): Uint32Array {
  const groups = (topicTerms ?? [])
    .slice(0, 31)
    .map((terms) => compileTerms(Array.isArray(terms) ? terms : []))
    .filter((g) => g.length > 0);
  const out = new Uint32Array(groups.length > 1 ? sentences.length : 0);
  if (groups.length < 2) return out;
  sentences.forEach((sentence, i) => {
    const lower = sentence.toLowerCase();
    let mask = 0;
    groups.forEach((group, g) => {
      if (termShare(lower, group) > 0) mask |= 1 << g;
    });
    out[i] = mask;
  });
  return out;
}

function bitCount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/**
 * How alike two sentences' word sets are: `similarity` is the shared words over the geometric
 * mean of the sizes (for the MMR penalty), `containment` over the smaller size (1 when one repeats
 * the other, as `overlap` measures it for the redundancy cut).
 */
function likeness(
  a: ReadonlySet<string>,
  b: ReadonlySet<string>,
): { similarity: number; containment: number } {
  if (a.size === 0 || b.size === 0) return { similarity: 0, containment: 0 };
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return { similarity: shared / Math.sqrt(a.size * b.size), containment: shared / small.size };
}

/**
 * Maximal marginal relevance over the story's threads. Each pick maximises
 *   relevance − SIMILARITY_PENALTY × (similarity to the closest sentence already chosen)
 *             + COVERAGE_WEIGHT × (share of topics it adds that no chosen sentence covers),
 * so a second sentence on Xinjiang loses to the first on Russia's war, and a story with one
 * thread still gets its most central sentences. Greedy, O(limit × sentences).
 */
export function selectForCoverage(
  c: Candidates,
  topics: Uint32Array,
  /** Sentences already chosen (a reader's topic's), in the order they were picked. */
  seed: readonly number[] = [],
): Selection {
  const n = c.sentences.length;
  const best = c.scores[c.order[0] ?? 0] ?? 0;
  if (best <= 0) return selectByScore(c);
  const floor = best * MIN_RELATIVE_SCORE;
  const sets = c.words.map((w) => new Set(w));
  // Per sentence, its highest similarity and containment with respect to any chosen sentence.
  const closest = new Float64Array(n);
  const repeats = new Float64Array(n);
  const taken = new Uint8Array(n);
  const chosen: number[] = [];
  let covered = 0;
  let used = 0;
  let chosenScore = 0;
  const take = (pick: number) => {
    taken[pick] = 1;
    chosen.push(pick);
    covered |= topics[pick] ?? 0;
    used += (c.sentences[pick] ?? "").length + (chosen.length > 1 ? 1 : 0);
    chosenScore += c.scores[pick] ?? 0;
    const own = sets[pick] ?? new Set<string>();
    for (let j = 0; j < n; j++) {
      if (taken[j]) continue;
      const { similarity, containment } = likeness(own, sets[j] ?? new Set<string>());
      if (similarity > (closest[j] ?? 0)) closest[j] = similarity;
      if (containment > (repeats[j] ?? 0)) repeats[j] = containment;
    }
  };
  for (const i of seed) take(i);
  while (chosen.length < c.limit) {
    let pick = -1;
    let pickValue = Number.NEGATIVE_INFINITY;
    for (const i of c.order) {
      const score = c.scores[i] ?? 0;
      if (score < floor) break;
      if (taken[i]) continue;
      const length = (c.sentences[i] ?? "").length + (chosen.length > 0 ? 1 : 0);
      if (used + length > c.budget) continue;
      if ((repeats[i] ?? 0) >= REDUNDANT) continue;
      const fresh = bitCount((topics[i] ?? 0) & ~covered);
      const value =
        score / best -
        SIMILARITY_PENALTY * (closest[i] ?? 0) +
        COVERAGE_WEIGHT * Math.min(1, fresh / COVERAGE_FULL);
      if (value > pickValue) {
        pickValue = value;
        pick = i;
      }
    }
    if (pick < 0) break;
    take(pick);
  }
  return { chosen, chosenScore };
}

/**
 * A reader's alert: the sentences on their topic first, by score alone (their topic keeps its
 * priority); the budget they leave goes to the story's other threads, chosen for coverage. With
 * fewer than two topics known there are no other threads, and the choice is by score alone.
 */
export function selectFocused(
  c: Candidates,
  topics: Uint32Array,
  focus: readonly TermMatcher[],
): Selection {
  if (topics.length === 0) return selectByScore(c);
  const onFocus = c.order.filter((i) => termShare((c.sentences[i] ?? "").toLowerCase(), focus) > 0);
  const first = selectByScore({ ...c, order: onFocus });
  return selectForCoverage(c, topics, first.chosen);
}
