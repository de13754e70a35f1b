import type { Analysis } from "../classify/analyze.js";
import { INITIAL_CAP, SENTENCE_END } from "../classify/tokenize.js";
import { FOLDED_STOPWORDS } from "../text/stopwords.js";

/**
 * What identifies a news event in one story, in a form two stories can be compared by: its
 * content words (stemmed, so "sanctions"/"sanctioned" and "Flüchtlinge"/"Flüchtlingen" meet),
 * the names it mentions (gazetteer actors by id, so "Xi" and "Xi Jinping" meet, and capitalised
 * words that are not the first of a sentence), its countries and its numbers. Names, countries
 * and numbers survive translation, so a German and an English report of one event still share them.
 */
export interface EventSignature {
  language: string;
  words: ReadonlySet<string>;
  titleWords: ReadonlySet<string>;
  names: ReadonlySet<string>;
  /** Stems of words written with a capital mid-sentence, German nouns included. */
  capitals: ReadonlySet<string>;
  countries: ReadonlySet<string>;
  numbers: ReadonlySet<string>;
}

/** Words share a stem when their first six letters match (cheap, and language-neutral enough). */
const STEM = 6;
const MIN_WORD = 3;
/** Years and small counts say little about which event it is: "2026", "two", "3". */
const YEAR = /^(19|20)\d\d$/;

export const stemOf = (word: string) => (word.length > STEM ? word.slice(0, STEM) : word);

function isNumber(w: string): boolean {
  const c = w.charCodeAt(0);
  return c >= 48 && c <= 57;
}

function salientNumber(w: string): boolean {
  if (YEAR.test(w)) return false;
  return w.includes(".") || Number(w) >= 10;
}

/**
 * Body words read at most: the model learned from titles and leads, and an article's later
 * paragraphs (background, other threads) would dilute what identifies its event.
 */
export const LEAD_WORDS = 120;

export function signatureOf(a: Analysis, maxBodyWords = LEAD_WORDS): EventSignature {
  const { flags, titleEnd } = a.tokens;
  const end = Math.min(a.tokens.words.length, titleEnd + maxBodyWords);
  const words = a.tokens.words;
  const all = new Set<string>();
  const title = new Set<string>();
  const names = new Set<string>();
  const capitals = new Set<string>();
  const numbers = new Set<string>();
  for (let i = 0; i < end; i++) {
    const w = words[i] as string;
    if (isNumber(w)) {
      if (salientNumber(w)) numbers.add(w);
      continue;
    }
    if (w.length < MIN_WORD || FOLDED_STOPWORDS.has(w)) continue;
    const stem = stemOf(w);
    all.add(stem);
    if (i < titleEnd) title.add(stem);
    const sentenceStart = i === 0 || i === titleEnd || ((flags[i - 1] ?? 0) & SENTENCE_END) !== 0;
    // Mid-sentence capitals are names in English and French; German capitalises every noun, so
    // there a capital alone is no name (the gazetteer and the countries still carry names there).
    if (!sentenceStart && ((flags[i] ?? 0) & INITIAL_CAP) !== 0) {
      capitals.add(stem);
      if (a.language !== "de") names.add(w);
    }
  }
  for (const h of a.actors) {
    if (h.start >= end) continue;
    const id = a.actorDefs[h.entry.payload.actor]?.id;
    if (id) names.add(`@${id}`);
  }
  return {
    language: a.language,
    words: all,
    titleWords: title,
    names,
    capitals,
    countries: new Set(a.countries),
    numbers,
  };
}
