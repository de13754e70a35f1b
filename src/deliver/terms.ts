/**
 * Subscription terms (keywords and exclusions) and how they are found in a story: whole words or
 * phrases, ignoring case and accents, so "Eurovision" finds "EUROVISION" and "election" finds
 * "élection", "Fussball" finds "Fußball", while "EU" does not find "Europe".
 */

import { fold } from "../text/fold.js";

const PATTERN_CACHE_LIMIT = 2000;
const patternCache = new Map<string, RegExp>();

/**
 * What terms and texts are compared as: case, accents and compatibility forms folded away, and
 * punctuation kept (a term's "U.S." or "1.5" must stay whole to be found as a word).
 */
export const foldText = fold;

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
