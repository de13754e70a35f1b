import { abbreviationsFor } from "./abbreviations.js";

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(language: string): Intl.Segmenter {
  let s = segmenters.get(language);
  if (!s) {
    s = new Intl.Segmenter(language, { granularity: "sentence" });
    segmenters.set(language, s);
  }
  return s;
}

function supported(language: string | undefined): string {
  if (!language) return "en";
  try {
    return Intl.Segmenter.supportedLocalesOf([language]).length > 0 ? language : "en";
  } catch {
    return "en";
  }
}

const LAST_TOKEN = /(\S+)\s*$/;
const MONTHS =
  /^(januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)\b/i;

/**
 * Whether a split between `before` and `after` is false: an abbreviation, an initial ("J. K."),
 * an ordinal date ("am 3. Oktober"), or a split after which the text goes on in lower case.
 */
function falseSplit(before: string, after: string, abbreviations: ReadonlySet<string>): boolean {
  const trimmed = before.trimEnd();
  if (!trimmed.endsWith(".")) return false;
  const last = LAST_TOKEN.exec(trimmed)?.[1] ?? "";
  const word = last.slice(0, -1).replace(/^[("'“‘«]+/, "");
  const next = after.trimStart();
  if (abbreviations.has(word.toLowerCase())) return true;
  // A single letter: an initial ("J. K. Rowling") or half of "z. B.", "u. a.", "d. h.".
  if (/^\p{L}$/u.test(word)) return true;
  // Dotted abbreviations not in the table: "U.S.", "z.B.", "e.V."
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true;
  // "am 3. Oktober", "der 20. Parteitag": a number, then a month or a lower-case word.
  if (/^\d{1,4}$/.test(word) && (MONTHS.test(next) || /^\p{Ll}/u.test(next))) return true;
  // Text that continues in lower case was not a sentence end ("etc. and so on").
  if (/^\p{Ll}/u.test(next)) return true;
  return false;
}

/**
 * Sentences of a text. Intl.Segmenter does the hard part (quotes, "?!", CJK full stops), and this
 * repairs its splits after abbreviations. Paragraph breaks always end a sentence.
 */
export function splitSentences(text: string, language?: string): string[] {
  const lang = supported(language);
  const abbreviations = abbreviationsFor(lang.slice(0, 2));
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n+/)) {
    if (!paragraph.trim()) continue;
    let current = "";
    for (const { segment } of segmenter(lang).segment(paragraph)) {
      if (current && !falseSplit(current, segment, abbreviations)) {
        sentences.push(current.trim());
        current = "";
      }
      current += segment;
    }
    if (current.trim()) sentences.push(current.trim());
  }
  return sentences;
}
