import {
  type AbbreviationTable,
  abbreviationsFor,
  CAN_END_SENTENCE,
  MONTHS,
} from "./abbreviations.js";

const segmenters = new Map<string, Intl.Segmenter>();
const locales = new Map<string, string>();

/** A locale Intl.Segmenter accepts for the hint; "en" for none, "und" or a malformed tag. */
function segmenterLocale(language: string | undefined): string {
  if (!language) return "en";
  let locale = locales.get(language);
  if (locale === undefined) {
    try {
      locale = Intl.Segmenter.supportedLocalesOf([language])[0] ?? "en";
    } catch {
      locale = "en";
    }
    // Hints come from feeds, so the set of strings is open-ended: keep the cache bounded.
    if (locales.size >= 256) locales.clear();
    locales.set(language, locale);
  }
  return locale;
}

function sentenceSegmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (!s) {
    s = new Intl.Segmenter(locale, { granularity: "sentence" });
    segmenters.set(locale, s);
  }
  return s;
}

const OPENERS = /^[("'“‘«„[]+/u;
const SINGLE_LETTER = /^\p{L}$/u;
const DOTTED = /^(?:\p{L}\.)+\p{L}$/u;
const ORDINAL = /^\d{1,3}$/;
const FIRST_WORD = /^\p{L}+/u;

function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x3000
  );
}

/** The last two whitespace-separated words of a right-trimmed string; a scan from the end. */
function lastTwoWords(s: string): [string, string] {
  let i = s.length;
  while (i > 0 && !isSpace(s.charCodeAt(i - 1))) i--;
  const last = s.slice(i);
  while (i > 0 && isSpace(s.charCodeAt(i - 1))) i--;
  const end = i;
  while (i > 0 && !isSpace(s.charCodeAt(i - 1))) i--;
  return [s.slice(i, end), last];
}

/**
 * Whether Intl's split between `before` and `after` is false: an abbreviation, an initial
 * ("J. K."), an ordinal date ("am 3. Oktober"), or a split after which the text goes on in lower
 * case.
 */
function continues(before: string, after: string, table: AbbreviationTable): boolean {
  const next = after.trimStart();
  if (!next) return true;
  // Text that goes on in lower case was not a sentence end: "etc. and", "\"Why?\" he asked".
  if (/^\p{Ll}/u.test(next)) return true;
  const trimmed = before.trimEnd();
  if (!trimmed.endsWith(".")) return false;
  const [previousWord, lastWord] = lastTwoWords(trimmed);
  const token = lastWord.slice(0, -1).replace(OPENERS, "");
  if (!token) return false;
  const lower = token.toLowerCase();
  if (CAN_END_SENTENCE.has(lower)) return false;
  if (table.always.has(lower)) return true;
  if (table.beforeNumber.has(lower) && /^\d/.test(next)) return true;
  // Initials ("J. K. Rowling", "M. Macron") and halves of "z. B.", "u. a.", "d. h.".
  if (SINGLE_LETTER.test(token)) return true;
  // Dotted abbreviations not in the table: "U.S.", "z.B.", "e.V."
  if (DOTTED.test(token)) return true;
  if (ORDINAL.test(token)) {
    const nextWord = FIRST_WORD.exec(next)?.[0].toLowerCase() ?? "";
    if (token.length <= 2 && MONTHS.has(nextWord)) return true;
    if (table.ordinalLeads.has(previousWord.toLowerCase())) return true;
  }
  return false;
}

/**
 * Sentences of a text, at most `max` of them. Intl.Segmenter does the hard part (quotes, "?!",
 * decimals, CJK full stops) and this repairs its splits after abbreviations. Line breaks always
 * end a sentence: callers turn paragraphs and <br> into them. `paragraphStarts`, when given,
 * receives the index of each paragraph's first sentence.
 */
export function splitSentencesUpTo(
  text: string,
  language: string | undefined,
  max: number,
  paragraphStarts?: number[],
): string[] {
  const segmenter = sentenceSegmenter(segmenterLocale(language));
  const table = abbreviationsFor(language);
  const sentences: string[] = [];
  for (const paragraph of text.split(/[\r\n\u2028\u2029]+/)) {
    if (sentences.length >= max) break;
    if (!paragraph.trim()) continue;
    paragraphStarts?.push(sentences.length);
    let current = "";
    for (const { segment } of segmenter.segment(paragraph)) {
      if (current && !continues(current, segment, table)) {
        const sentence = current.trim();
        if (sentence) sentences.push(sentence);
        if (sentences.length >= max) return sentences;
        current = "";
      }
      current += segment;
    }
    const sentence = current.trim();
    if (sentence) sentences.push(sentence);
  }
  return sentences.length > max ? sentences.slice(0, max) : sentences;
}

export function splitSentences(text: string, language?: string): string[] {
  return splitSentencesUpTo(text, language, Number.POSITIVE_INFINITY);
}
