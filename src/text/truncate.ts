/**
 * Cutting text to a length without cutting a word: for stored titles and texts, summaries, and
 * everything shortened for Discord (titles, descriptions, field values, footers).
 */
const words = new Intl.Segmenter("en", { granularity: "word" });

export const ELLIPSIS = "…";

const SPACE = /^\s/u;
// Scripts written without spaces: a word boundary inside a run of them is a legitimate cut.
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
// What a cut must not end in: a dangling comma, dash, opening bracket or quote, or a final dot
// that the ellipsis replaces. A backslash too: in escaped Discord text `\-` or `1\.` would
// otherwise lose its character and leave the escape to act on the ellipsis.
const TRAILING = /[\s,;:.\-–—([{"'“‘«„/\\]+$/u;

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

/** The longest whole-grapheme prefix within `room` code units, trailing blanks dropped. */
function graphemePrefix(text: string, room: number): string {
  const kept: string[] = [];
  let used = 0;
  for (const { segment } of graphemes.segment(text.slice(0, room + 64))) {
    if (used + segment.length > room) break;
    kept.push(segment);
    used += segment.length;
  }
  while (kept.length > 0 && (kept[kept.length - 1] as string).trim() === "") kept.pop();
  const out = kept.join("");
  // An odd run of backslashes at the end is an escape whose character was cut off.
  const slashes = /\\+$/.exec(out)?.[0].length ?? 0;
  return slashes % 2 === 1 ? out.slice(0, -1) : out;
}

/**
 * `text` within `max` UTF-16 code units: whole words and "…" (see truncateAtWord). Only when
 * not even the first word fits (a 300-character token where 256 are allowed) is it cut at a
 * grapheme, because Discord refuses an empty title or field and the token cannot be shown whole.
 * Never splits a backslash escape from its character, so it may cut sanitised text.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return "";
  // Segmenting megabytes would be slow; boundaries before `max` do not depend on text far after it.
  const head = text.length > max + 64 ? text.slice(0, max + 64) : text;
  const cut = truncateAtWord(head, max);
  if (cut) return cut;
  const room = max - ELLIPSIS.length;
  // The first word fits but nothing before it worth keeping does (only marks, "- ", "1\. ").
  const firstBlank = head.search(/\s/);
  if (firstBlank !== -1 && firstBlank <= room) return ELLIPSIS;
  return graphemePrefix(head, room) + ELLIPSIS;
}
