const words = new Intl.Segmenter("en", { granularity: "word" });

export const ELLIPSIS = "…";

const SPACE = /^\s/u;
// Scripts written without spaces: a word boundary inside a run of them is a legitimate cut.
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
// What a cut must not end in: a dangling comma, dash, opening bracket or quote, or a final dot
// that the ellipsis replaces.
const TRAILING = /[\s,;:.\-–—([{"'“‘«„/]+$/u;

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

function unspaced(codePoint: number | undefined): boolean {
  return codePoint !== undefined && UNSPACED.test(String.fromCodePoint(codePoint));
}

/**
 * Whether text may be cut between two adjacent word-segmenter segments. Between two runs of
 * letters joined by punctuation ("1.5-degree", "U.S.", a URL) it may not: that would leave half
 * a word. Inside a run of a script written without spaces it may, when a character of that
 * script is on either side: ICU's dictionaries sometimes glue a foreign letter to a Thai word.
 * Word-segmenter boundaries are grapheme boundaries, so no cut splits a grapheme.
 */
function cuttable(previous: string, next: string): boolean {
  if (SPACE.test(next)) return !SPACE.test(previous);
  if (SPACE.test(previous)) return false;
  // The base character of the last grapheme, not a trailing modifier or combining mark.
  const last = graphemes.segment(previous).containing(previous.length - 1)?.segment ?? "";
  return unspaced(last.codePointAt(0)) || unspaced(next.codePointAt(0));
}

/**
 * The longest run of whole words from the start of `text` with "…" appended, within `budget`
 * UTF-16 code units (so within `budget` graphemes, too). "" when not even the first word fits:
 * half a word (a cut URL, a cut name) would mislead more than nothing.
 */
export function truncateAtWord(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const room = budget - ELLIPSIS.length;
  if (room <= 0) return "";
  let end = 0;
  let previous = "";
  for (const { index, segment } of words.segment(text)) {
    if (index > room) break;
    if (previous && cuttable(previous, segment)) end = index;
    previous = segment;
  }
  const cut = text.slice(0, end).replace(TRAILING, "");
  return cut ? cut + ELLIPSIS : "";
}
