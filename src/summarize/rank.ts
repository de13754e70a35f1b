import { STOPWORDS } from "../text/stopwords.js";

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*/gu;

/** Lower-case words that carry meaning: no stopwords, nothing shorter than three characters. */
export function contentWords(sentence: string): string[] {
  const out: string[] = [];
  for (const match of sentence.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    if (word.length > 2 && !STOPWORDS.has(word)) out.push(word);
  }
  return out;
}

/**
 * Centrality of each sentence: cosine similarity of its TF-IDF vector to the centroid of the
 * *other* sentences. Linear in the text, unlike TextRank's pairwise graph, and for news just as
 * good at finding what the whole story is about. Leaving the sentence itself out of the centroid
 * keeps one long sentence from looking central merely because it is a large part of the text.
 * Words become integer ids first: typed arrays instead of a Map per sentence keep this cheap.
 */
export function centrality(sentences: readonly string[][]): number[] {
  const n = sentences.length;
  if (n < 2) return sentences.map(() => 0);
  const ids = new Map<string, number>();
  const encoded: number[][] = [];
  for (const words of sentences) {
    const row: number[] = [];
    for (const w of words) {
      let id = ids.get(w);
      if (id === undefined) {
        id = ids.size;
        ids.set(w, id);
      }
      row.push(id);
    }
    encoded.push(row);
  }
  const vocabulary = ids.size;
  const df = new Float64Array(vocabulary);
  const lastSeen = new Int32Array(vocabulary).fill(-1);
  encoded.forEach((row, s) => {
    for (const id of row) {
      if (lastSeen[id] !== s) {
        lastSeen[id] = s;
        df[id] = (df[id] ?? 0) + 1;
      }
    }
  });
  const idf = df.map((d) => Math.log(1 + n / d));
  // Term frequency × idf summed over all sentences is the centroid; a sentence's own vector is
  // its ids' counts × idf, so both dot products come from one pass over its ids.
  const centroid = new Float64Array(vocabulary);
  for (const row of encoded)
    for (const id of row) centroid[id] = (centroid[id] ?? 0) + (idf[id] ?? 0);
  let centroidSq = 0;
  for (const x of centroid) centroidSq += x * x;
  const tf = new Float64Array(vocabulary);
  return encoded.map((row) => {
    for (const id of row) tf[id] = (tf[id] ?? 0) + 1;
    let dot = 0;
    let ownSq = 0;
    for (const id of row) {
      const count = tf[id] ?? 0;
      if (count === 0) continue;
      const x = count * (idf[id] ?? 0);
      dot += x * (centroid[id] ?? 0);
      ownSq += x * x;
      tf[id] = 0;
    }
    const restSq = centroidSq - 2 * dot + ownSq;
    if (ownSq === 0 || restSq <= 1e-12) return 0;
    return Math.max(0, dot - ownSq) / Math.sqrt(ownSq * restSq);
  });
}

/** Share of the smaller word set found in the other: 1 when one sentence repeats the other. */
export function overlap(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const setA = new Set(a);
  const setB = new Set(b);
  let shared = 0;
  for (const w of setA) if (setB.has(w)) shared++;
  return shared / Math.min(setA.size, setB.size);
}

export interface TermMatcher {
  /** Whether the lower-cased sentence contains the term. */
  test(lowerSentence: string): boolean;
}

const LETTER = "[\\p{L}\\p{M}\\p{N}]";
const matchers = new Map<string, TermMatcher | null>();

/**
 * A lexicon term ("human right*", "*menschenrecht*", "politische* gefangene*", "eu") as a matcher.
 * Terms of four or more characters match anywhere, also inside a longer word, so German compounds
 * count ("menschenrecht" in "Menschenrechtsverletzungen", "klima" in "Weltklimarat"); shorter
 * ones must stand as a word, or "un" would match "under" and "eu" "neutral".
 */
function compile(term: string): TermMatcher | null {
  const t = term.toLowerCase().replace(/\s+/g, " ").trim();
  const core = t.replace(/\*/g, "");
  if (core.trim().length < 2) return null;
  const inner = t.replace(/^\*+|\*+$/g, "").trim();
  const short = core.length < 4;
  if (!short && !inner.includes("*")) return { test: (s) => s.includes(inner) };
  const parts = inner.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const start = short && !t.startsWith("*") ? `(?<!${LETTER})` : "";
  const end = short && !t.endsWith("*") ? `(?!${LETTER})` : "";
  const re = new RegExp(`${start}${parts.join(`${LETTER}*`)}${end}`, "u");
  // A plain substring test first: most sentences lack the term entirely, and includes() is cheap.
  const literal = inner.split("*").reduce((a, b) => (b.length > a.length ? b : a), "");
  return { test: (s) => s.includes(literal) && re.test(s) };
}

export function compileTerms(terms: readonly string[] | undefined): TermMatcher[] {
  if (!terms || terms.length === 0) return [];
  const out: TermMatcher[] = [];
  for (const term of new Set(terms)) {
    if (typeof term !== "string") continue;
    let m = matchers.get(term);
    if (m === undefined) {
      m = compile(term);
      // Terms come from a fixed lexicon, but stay bounded should a caller pass free text.
      if (matchers.size >= 5000) matchers.clear();
      matchers.set(term, m);
    }
    if (m) out.push(m);
  }
  return out;
}

/** 0 without a hit, 0.5 for one term, 1 for two or more (or the only term there is). */
export function termShare(lowerSentence: string, terms: readonly TermMatcher[]): number {
  if (terms.length === 0) return 0;
  let hits = 0;
  for (const m of terms) {
    if (m.test(lowerSentence) && ++hits >= 2) break;
  }
  return Math.min(1, hits / Math.min(terms.length, 2));
}

export interface RankOptions {
  titleWords: readonly string[];
  boost: readonly TermMatcher[];
  focus: readonly TermMatcher[];
}

// Weights on top of centrality (0…1). The lead bias reflects the inverted pyramid of news: the
// first sentence usually is the story. Topic evidence outweighs position, and a reader's own
// topic outweighs everything, so a one-sentence alert shows why it reached that channel.
const LEAD_WEIGHT = 0.3;
const TITLE_WEIGHT = 0.5;
const BOOST_WEIGHT = 0.5;
const FOCUS_WEIGHT = 1.2;

/** A score per sentence; higher is better. */
export function scoreSentences(
  sentences: readonly string[],
  words: readonly string[][],
  options: RankOptions,
): number[] {
  const central = centrality(words);
  const titleSet = new Set(options.titleWords);
  return sentences.map((text, index) => {
    const own = words[index] ?? [];
    let titleHits = 0;
    for (const w of new Set(own)) if (titleSet.has(w)) titleHits++;
    const titleShare = titleSet.size ? titleHits / titleSet.size : 0;
    const lower = options.boost.length || options.focus.length ? text.toLowerCase() : "";
    return (
      (central[index] ?? 0) +
      LEAD_WEIGHT / (1 + index) +
      TITLE_WEIGHT * titleShare +
      BOOST_WEIGHT * termShare(lower, options.boost) +
      FOCUS_WEIGHT * termShare(lower, options.focus)
    );
  });
}
