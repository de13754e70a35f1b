import { truncateAtWord } from "../text/truncate.js";
import { prepareSentences } from "./prepare.js";
import { compileTerms, contentWords, scoreSentences } from "./rank.js";
import { type Candidates, selectFocused, selectForCoverage, topicsPerSentence } from "./select.js";

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

function normaliseBudget(budget: number): number {
  // NaN and negative budgets from a misconfiguration must not turn into "no limit".
  if (typeof budget !== "number" || Number.isNaN(budget) || budget <= 0) return 0;
  return Math.floor(budget);
}

/**
 * An extractive summary: the sentences that best carry the story (centrality, lead position,
 * headline words, topic evidence, and the reader's topic when given; without a reader's topic,
 * also coverage of the story's several topics), in their original order, joined by a space.
 * Never longer than the budget, never ending in half a word or grapheme.
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

  const focus = compileTerms(input.focusTerms);
  const scores = scoreSentences(sentences, words, {
    titleWords: contentWords(title),
    boost: compileTerms(input.boostTerms),
    focus,
  });
  const score = (i: number) => scores[i] ?? 0;
  const order = sentences.map((_, i) => i).sort((a, b) => score(b) - score(a) || a - b);

  const limit = Math.max(MIN_SENTENCES, Math.floor(budget / CHARS_PER_SENTENCE));
  const candidates: Candidates = { sentences, words, scores, order, budget, limit };
  const topics = topicsPerSentence(sentences, input.topicTerms);
  // A reader's topic keeps its priority: their alert takes its sentences first, by score. The
  // general summary, and what budget the reader's topic leaves, go to the story's threads.
  const { chosen, chosenScore } =
    focus.length > 0
      ? selectFocused(candidates, topics, focus)
      : selectForCoverage(candidates, topics);

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
