const words = new Intl.Segmenter("en", { granularity: "word" });
const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

export const ELLIPSIS = "…";

/**
 * The longest prefix of `text` that ends at a word boundary, with "…" appended, within `budget`
 * UTF-16 code units. Word segments never split a grapheme, so neither does this. A first word
 * longer than the budget (a URL, a CJK run) is cut at a grapheme boundary instead.
 */
export function truncateAtWord(text: string, budget: number): string {
  if (text.length <= budget) return text;
  if (budget < ELLIPSIS.length) return "";
  const room = budget - ELLIPSIS.length;
  let end = 0;
  for (const { index, segment, isWordLike } of words.segment(text)) {
    if (index + segment.length > room) break;
    if (isWordLike) end = index + segment.length;
  }
  if (end === 0) {
    for (const { index, segment } of graphemes.segment(text)) {
      if (index + segment.length > room) break;
      end = index + segment.length;
    }
  }
  const cut = text.slice(0, end).replace(/[\s,;:–—-]+$/u, "");
  return cut ? cut + ELLIPSIS : "";
}
