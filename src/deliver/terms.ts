/**
 * Subscription terms (keywords and exclusions) and how they are found in a story: whole words or
 * phrases, ignoring case and accents, so "Eurovision" finds "EUROVISION" and "election" finds
 * "élection", "Fussball" finds "Fußball", while "EU" does not find "Europe".
 */

const PATTERN_CACHE_LIMIT = 2000;
const patternCache = new Map<string, RegExp>();

/** Case, accents and compatibility forms folded away: what terms and texts are compared as. */
export function foldText(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/\p{M}+/gu, "")
      .toLowerCase()
      // Full case folding of ß (German writers swap it for "ss" freely).
      .replace(/ß/g, "ss")
  );
}

/** A term as subscriptions and alert-log entries store and compare it. */
export function termKey(term: string): string {
  return foldText(term).trim().replace(/\s+/g, " ");
}

/** A folded term as a whole-word pattern over folded text; phrases match across any whitespace. */
function termPattern(key: string): RegExp {
  const cached = patternCache.get(key);
  if (cached) return cached;
  const body = key
    .split(" ")
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("\\s+");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, "u");
  // Terms come from admins and are few; the bound only stops unbounded growth.
  if (patternCache.size >= PATTERN_CACHE_LIMIT) patternCache.clear();
  patternCache.set(key, pattern);
  return pattern;
}

/** The keys of the terms found in the text (text folded once by the caller or here). */
export function termHits(terms: Iterable<string>, text: string, folded = false): string[] {
  const haystack = folded ? text : foldText(text);
  const hits = new Set<string>();
  for (const term of terms) {
    const key = termKey(term);
    if (key && termPattern(key).test(haystack)) hits.add(key);
  }
  return [...hits];
}

/** Whether any of the terms appears in the text. */
export function anyTermIn(terms: readonly string[], text: string): boolean {
  return termHits(terms, text).length > 0;
}
