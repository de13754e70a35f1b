/**
 * One tokenisation pass shared by topic scoring, country tagging and the lexicon compiler, so a
 * term written in topics.json is folded exactly the way the story text is.
 */

/** Bit flags kept per token: the folded form loses case, but a few terms need it (UN vs "un"). */
export const INITIAL_CAP = 1;
export const ALL_CAPS = 2;
/** The word ends a sentence (".", "!" or "?" and then a space or the end follow it). */
export const SENTENCE_END = 4;

export interface Tokens {
  /** Folded words: NFKC, lowercase, diacritics removed, ß → ss, decimal comma → point. */
  words: string[];
  flags: number[];
  /** words[0 .. titleEnd) come from the title; phrases never straddle this boundary. */
  titleEnd: number;
  /** The words as written, for evidence shown to readers ("Flüchtlinge", not "fluchtlinge"). */
  raw?: string[];
}

// A number (keeping one decimal separator so "1,5-Grad" and "1.5-degree" both give "1.5"), or a
// word starting with a letter ("g20", "cop28" stay whole). Everything else separates tokens, so
// hyphenated compounds ("UN-Charta", "Nato-Gipfel") split into their parts.
const TOKEN = /\p{N}+(?:[.,]\p{N}+)?|\p{L}[\p{L}\p{M}\p{N}]*/gu;
const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\u0000-\u007f]/;

// Folding is the costly part of tokenising; news vocabulary repeats heavily, so memoise it. The
// cache is cleared when full rather than LRU-managed: cheaper, and refills within a few stories.
const FOLD_CACHE_MAX = 200_000;
const foldCache = new Map<string, string>();

export function foldWord(raw: string): string {
  const cached = foldCache.get(raw);
  if (cached !== undefined) return cached;
  let folded = raw.toLowerCase();
  if (NON_ASCII.test(folded)) {
    folded = folded
      .normalize("NFKD")
      .replace(MARKS, "")
      .replace(/ß/g, "ss")
      .replace(/æ/g, "ae")
      .replace(/œ/g, "oe")
      .replace(/ø/g, "o")
      .replace(/ı/g, "i")
      .normalize("NFC");
  }
  const c0 = folded.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) folded = folded.replace(",", ".");
  if (foldCache.size >= FOLD_CACHE_MAX) foldCache.clear();
  foldCache.set(raw, folded);
  return folded;
}

function caseFlags(raw: string): number {
  const c = raw.charCodeAt(0);
  // ASCII fast path; the general path handles "Ägypten", "ÉLYSÉE" etc.
  let initial: boolean;
  if (c < 128) initial = c >= 65 && c <= 90;
  else {
    const ch = raw[0] ?? "";
    initial = ch !== ch.toLowerCase();
  }
  if (!initial) return 0;
  return raw === raw.toUpperCase() ? INITIAL_CAP | ALL_CAPS : INITIAL_CAP;
}

const CLOSERS = new Set(['"', "'", "”", "’", "»", ")", "]"]);

function sentenceEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && CLOSERS.has(text[i] as string)) i++;
  const c = text[i];
  if (c !== "." && c !== "!" && c !== "?") return 0;
  i++;
  while (i < text.length && CLOSERS.has(text[i] as string)) i++;
  return i >= text.length || /\s/.test(text[i] as string) ? SENTENCE_END : 0;
}

/** Words longer than this are junk (URLs, base64); skipping them keeps matching cheap. */
const MAX_WORD = 64;

function pushTokens(text: string, words: string[], flags: number[], raws: string[]): void {
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const raw = m[0];
    if (raw.length > MAX_WORD) continue;
    // English possessive: "Russia's war" must read as "russia war", not "russia s war".
    if ((raw === "s" || raw === "S") && m.index > 0) {
      const prev = text.charCodeAt(m.index - 1);
      if (prev === 39 || prev === 0x2019) continue;
    }
    words.push(foldWord(raw));
    flags.push(caseFlags(raw) | sentenceEnd(text, m.index + raw.length));
    raws.push(raw);
  }
}

export function tokenize(title: string, text: string): Tokens {
  const words: string[] = [];
  const flags: number[] = [];
  const raw: string[] = [];
  pushTokens(title, words, flags, raw);
  const titleEnd = words.length;
  pushTokens(text, words, flags, raw);
  return { words, flags, titleEnd, raw };
}

/** Tokenise one string as body text (used for lexicon entries and tests). */
export function tokenizeText(text: string): Tokens {
  return tokenize("", text);
}
