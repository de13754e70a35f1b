import { isBoilerplate, stripDateline } from "./boilerplate.js";
import { centrality, containsTerm, contentWords, overlap } from "./rank.js";
import { splitSentences } from "./sentences.js";
import { truncateAtWord } from "./truncate.js";

export { splitSentences } from "./sentences.js";

export interface SummaryInput {
  title: string;
  /** Plain text (HTML already stripped), paragraphs separated by newlines. */
  text: string;
  language?: string;
  /** Maximum length of the result in UTF-16 code units. */
  budget: number;
  /** Terms that earned the story its topics: sentences with them rank higher. */
  boostTerms?: string[];
  /** Terms of the one topic a reader subscribed to: sentences with them are strongly preferred. */
  focusTerms?: string[];
}

// Only the start of a long text is ranked: news puts what matters first, and the cap keeps a
// 1 MB "article" as cheap as a long one.
const MAX_CHARS = 50_000;
const MAX_SENTENCES = 200;
const LEAD_WEIGHT = 0.2;
const TITLE_WEIGHT = 0.4;
const BOOST_WEIGHT = 0.5;
const FOCUS_WEIGHT = 1;

interface Candidate {
  index: number;
  text: string;
  score: number;
}

function cleanSentences(text: string, language: string | undefined): string[] {
  const capped = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  return splitSentences(capped, language)
    .slice(0, MAX_SENTENCES)
    .map((s) => stripDateline(s).replace(/\s+/g, " ").trim())
    .filter((s) => s.length > 0 && !isBoilerplate(s));
}

function share(lower: string, terms: string[] | undefined): number {
  if (!terms || terms.length === 0) return 0;
  const hits = terms.filter((t) => containsTerm(lower, t)).length;
  return Math.min(1, hits / Math.min(terms.length, 2));
}

function rank(sentences: string[], input: SummaryInput): Candidate[] {
  const words = sentences.map(contentWords);
  const central = centrality(words);
  const titleWords = contentWords(input.title);
  return sentences.map((text, index) => {
    const lower = text.toLowerCase();
    const own = words[index] ?? [];
    // The headline says what the story is about; sentences that share its words carry it.
    const titleShare = titleWords.length
      ? titleWords.filter((w) => own.includes(w)).length / titleWords.length
      : 0;
    let score = (central[index] ?? 0) + LEAD_WEIGHT / (1 + index) + TITLE_WEIGHT * titleShare;
    score += BOOST_WEIGHT * share(lower, input.boostTerms);
    score += FOCUS_WEIGHT * share(lower, input.focusTerms);
    // A first sentence that only restates the headline tells the reader nothing new.
    if (overlap(own, titleWords) > 0.8 && own.length <= titleWords.length + 2) {
      score -= 1;
    }
    return { index, text, score };
  });
}

/**
 * An extractive summary: the sentences that best carry the story (centrality, lead position,
 * topic evidence, and the reader's topic when given), in their original order, within the budget.
 * Never longer than the budget and never ending in half a word.
 */
export function summarize(input: SummaryInput): string {
  const budget = Math.max(0, Math.floor(input.budget));
  if (budget === 0) return "";
  const sentences = cleanSentences(input.text ?? "", input.language);
  if (sentences.length === 0) return "";
  const whole = sentences.join(" ");
  // A teaser that fits is the summary; choosing among two sentences would only lose one.
  if (whole.length <= budget && !input.focusTerms?.length) return whole;
  const ranked = rank(sentences, input).sort((a, b) => b.score - a.score || a.index - b.index);
  const limit = Math.max(3, Math.floor(budget / 180));
  const chosen: Candidate[] = [];
  let used = 0;
  for (const candidate of ranked) {
    if (chosen.length >= limit) break;
    const cost = candidate.text.length + (chosen.length > 0 ? 1 : 0);
    if (used + cost > budget) continue;
    chosen.push(candidate);
    used += cost;
  }
  if (chosen.length === 0) return truncateAtWord((ranked[0] as Candidate).text, budget);
  return chosen
    .sort((a, b) => a.index - b.index)
    .map((c) => c.text)
    .join(" ");
}
