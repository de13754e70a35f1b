import { prepareSentences } from "./prepare.js";
import { compileTerms, contentWords, overlap, scoreSentences, termShare } from "./rank.js";
import { truncateAtWord } from "./truncate.js";

export { splitSentences } from "./sentences.js";

export interface SummaryInput {
  title: string;
  /** Plain text (HTML already stripped), paragraphs separated by newlines. */
  text: string;
  /** ISO 639-1 hint ("en", "de", "fr", …) for sentence splitting and abbreviations. */
  language?: string;
  /** Maximum length of the result in UTF-16 code units (hence also in graphemes). */
  budget: number;
  /** Terms that earned the story its topics: sentences with them rank higher. */
  boostTerms?: string[];
  /** Terms of the one topic a reader subscribed to: sentences with them are strongly preferred. */
  focusTerms?: string[];
  /**
   * The evidence terms of each topic found, one list per topic. Without a focus, the summary
   * covers as many of these threads as the budget allows instead of the most central one only.
   */
  topicTerms?: string[][];
}

// Roughly one sentence per 160 characters of budget, but at least three: an alert (~500) gets
// its 2–3 sentences, a full embed (4,096) a couple of dozen.
const CHARS_PER_SENTENCE = 160;
const MIN_SENTENCES = 3;
// Two sentences sharing this much of their vocabulary say the same thing; show one.
const REDUNDANT = 0.8;
// A sentence worth less than this share of the best one is a side note: leaving budget unused
// beats padding a focused alert with "Both sides agreed to remain in contact."
const MIN_RELATIVE_SCORE = 0.3;
// Maximal marginal relevance for the general summary (no reader topic): how much similarity to a
// chosen sentence costs, and what covering a not yet covered topic is worth, both against a
// relevance of 0…1 (the sentence's score over the best one's). A sentence adding two new topics
// earns the full bonus, one adding one half of it.
const SIMILARITY_PENALTY = 0.5;
const COVERAGE_WEIGHT = 0.5;
const COVERAGE_FULL = 2;

interface Candidates {
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
function selectByScore(c: Candidates): Selection {
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
function topicsPerSentence(
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

/** Shared words over the geometric mean of the two sets' sizes: 0 (nothing shared) … 1. */
function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const w of small) if (large.has(w)) shared++;
  return shared / Math.sqrt(a.size * b.size);
}

/**
 * Maximal marginal relevance over the story's threads. Each pick maximises
 *   relevance − SIMILARITY_PENALTY × (similarity to the closest sentence already chosen)
 *             + COVERAGE_WEIGHT × (share of topics it adds that no chosen sentence covers),
 * so a second sentence on Xinjiang loses to the first on Russia's war, and a story with one
 * thread still gets its most central sentences. Greedy, O(limit × sentences).
 */
function selectForCoverage(c: Candidates, topics: Uint32Array): Selection {
  const n = c.sentences.length;
  const best = c.scores[c.order[0] ?? 0] ?? 0;
  if (best <= 0) return selectByScore(c);
  const floor = best * MIN_RELATIVE_SCORE;
  const sets = c.words.map((w) => new Set(w));
  const closest = new Float64Array(n);
  const taken = new Uint8Array(n);
  const chosen: number[] = [];
  let covered = 0;
  let used = 0;
  let chosenScore = 0;
  while (chosen.length < c.limit) {
    let pick = -1;
    let pickValue = Number.NEGATIVE_INFINITY;
    for (const i of c.order) {
      const score = c.scores[i] ?? 0;
      if (score < floor) break;
      if (taken[i]) continue;
      const length = (c.sentences[i] ?? "").length + (chosen.length > 0 ? 1 : 0);
      if (used + length > c.budget) continue;
      if ((closest[i] ?? 0) >= REDUNDANT) continue;
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
    taken[pick] = 1;
    chosen.push(pick);
    covered |= topics[pick] ?? 0;
    used += (c.sentences[pick] ?? "").length + (chosen.length > 1 ? 1 : 0);
    chosenScore += c.scores[pick] ?? 0;
    const own = sets[pick] ?? new Set<string>();
    for (let j = 0; j < n; j++) {
      if (taken[j]) continue;
      const s = similarity(own, sets[j] ?? new Set<string>());
      if (s > (closest[j] ?? 0)) closest[j] = s;
    }
  }
  return { chosen, chosenScore };
}

function normaliseBudget(budget: number): number {
  // NaN and negative budgets from a misconfiguration must not turn into "no limit".
  if (typeof budget !== "number" || Number.isNaN(budget) || budget <= 0) return 0;
  return Math.floor(budget);
}

/**
 * An extractive summary: the sentences that best carry the story (centrality, lead position,
 * headline words, topic evidence, and the reader's topic when given; without a reader's topic,
 * also coverage of the story's several topics), in their original order, joined by a space. Never longer than the budget, never ending in half a word or grapheme.
 * Deterministic: same input, same output.
 */
export function summarize(input: SummaryInput): string {
  const budget = normaliseBudget(input.budget);
  if (budget === 0) return "";
  const title = typeof input.title === "string" ? input.title : "";
  const text = typeof input.text === "string" ? input.text : "";
  const { sentences, words } = prepareSentences(title, text, input.language);
  if (sentences.length === 0) return "";
  // A teaser that fits is the summary: choosing among its sentences could only lose some.
  const whole = sentences.join(" ");
  if (whole.length <= budget) return whole;

  const scores = scoreSentences(sentences, words, {
    titleWords: contentWords(title),
    boost: compileTerms(input.boostTerms),
    focus: compileTerms(input.focusTerms),
  });
  const score = (i: number) => scores[i] ?? 0;
  const order = sentences.map((_, i) => i).sort((a, b) => score(b) - score(a) || a - b);

  const limit = Math.max(MIN_SENTENCES, Math.floor(budget / CHARS_PER_SENTENCE));
  const candidates: Candidates = { sentences, words, scores, order, budget, limit };
  const hasFocus = (input.focusTerms?.length ?? 0) > 0;
  // A reader's topic keeps its priority: their alert is ranked by score alone. The general
  // summary is chosen for coverage of the story's threads as well.
  const { chosen, chosenScore } = hasFocus
    ? selectByScore(candidates)
    : selectForCoverage(candidates, topicsPerSentence(sentences, input.topicTerms));

  // When the best sentence does not fit and what does fit is worth less, the reader gets the
  // best sentence cut at a word rather than the side notes.
  const best = order[0] ?? 0;
  if (!chosen.includes(best) && chosenScore < score(best)) {
    for (const i of order) {
      const cut = truncateAtWord(sentences[i] ?? "", budget);
      if (cut) return cut;
    }
  }
  return chosen
    .sort((a, b) => a - b)
    .map((i) => sentences[i])
    .join(" ");
}
