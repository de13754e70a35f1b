import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { type NewsItem, newsItemSchema } from "../classify/corpus.js";
import { parseJsonLines } from "../classify/jsonl.js";
import { fnv1a } from "../classify/learned/hash.js";

/**
 * Labelled pairs of real news items, "same event" or not, for fitting and measuring the
 * clustering (`test/fixtures/cluster-pairs/`, with how they were drawn and labelled).
 */
export const DEFAULT_PAIRS_PATH = fileURLToPath(
  new URL("../../test/fixtures/cluster-pairs/pairs.jsonl", import.meta.url),
);

const pairSchema = z.object({
  pair: z.string().min(1),
  stratum: z.string(),
  a: newsItemSchema,
  b: newsItemSchema,
  /** Same event, after settling any disagreement. */
  same: z.boolean(),
  /** Two independent readings, where the pair was labelled twice. */
  double: z.object({ a: z.boolean(), b: z.boolean() }).optional(),
});

export type PairItem = NewsItem;
export type LabelledPair = z.infer<typeof pairSchema>;

export function parsePairs(jsonl: string): LabelledPair[] {
  return parseJsonLines(jsonl, pairSchema, "pairs");
}

export function loadPairs(path: string = DEFAULT_PAIRS_PATH): LabelledPair[] {
  return parsePairs(readFileSync(path, "utf8"));
}

/** "en", "de", "fr", or "de-en" for a pair across languages. */
export const pairLanguage = (p: LabelledPair) =>
  p.a.lang === p.b.lang ? p.a.lang : [p.a.lang, p.b.lang].sort().join("-");

/** The earlier publication day of the two (ISO dates sort as strings). */
export const firstDay = (p: LabelledPair): string => [p.a.day, p.b.day].sort()[0] ?? p.a.day;

/**
 * Half the days fit the model and its threshold, the other half measure it: a day's pairs share
 * items and events, so they stay on one side.
 */
export function splitPairs(pairs: readonly LabelledPair[]): {
  dev: LabelledPair[];
  test: LabelledPair[];
} {
  const dev: LabelledPair[] = [];
  const test: LabelledPair[] = [];
  for (const p of pairs) {
    (fnv1a(`cluster-split|${firstDay(p)}`) % 2 === 0 ? dev : test).push(p);
  }
  return { dev, test };
}
