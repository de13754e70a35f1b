/**
 * Folding text for comparison: what "Fußball", "FUSSBALL" and "fussball", or "é" and "e", or
 * "ﬁ" and "fi" become so that they compare equal. One base, and the variants built on it.
 */

/**
 * Compatibility forms (ligatures, full-width letters) decomposed, accents and other combining
 * marks dropped, lower case, and ß as "ss" (German writers swap them freely). Punctuation stays.
 */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss");
}

/**
 * `fold`, and anything but letters and digits turned into single spaces, trimmed: for matching
 * what a user typed against names and words ("Côte-d'Ivoire" → "cote d ivoire").
 */
export function foldForSearch(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
