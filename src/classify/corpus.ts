import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseJsonLines } from "./jsonl.js";
import { fnv1a } from "./learned/hash.js";
import { TOPIC_IDS } from "./taxonomy.js";

/**
 * The real-text corpus: news items as outlets published them (title and lead), with where each
 * came from and the topics an editor gives it by the topic guide. It is committed beside the
 * tests (`test/fixtures/news-corpus/`, with how it was made), so training, evaluation and the
 * real-text gate run on every clone; `NEWS_CORPUS` points them at another file.
 */
export const DEFAULT_CORPUS_PATH = fileURLToPath(
  new URL("../../test/fixtures/news-corpus/items.jsonl", import.meta.url),
);

export function corpusPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.NEWS_CORPUS && env.NEWS_CORPUS.trim() !== "" ? env.NEWS_CORPUS : DEFAULT_CORPUS_PATH;
}

const topicList = z.array(z.enum(TOPIC_IDS));

/** A news item as an outlet published it, and where it was found: shared by every real-text set. */
export const newsItemSchema = z.object({
  id: z.string().min(1),
  lang: z.enum(["en", "de", "fr"]),
  outlet: z.string().min(1),
  title: z.string(),
  lead: z.string(),
  published: z.string().nullable().optional(),
  /** Publication day (YYYY-MM-DD): with the outlet, the unit the test split is drawn by. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  source: z.union([
    z.object({ repo: z.string(), commit: z.string().regex(/^[0-9a-f]{40}$/), path: z.string() }),
    z.object({ url: z.string().url() }),
  ]),
});

export type NewsItem = z.infer<typeof newsItemSchema>;

const itemSchema = newsItemSchema.extend({
  /** The topics by the topic guide (for doubly labelled items, after resolving disagreements). */
  topics: topicList,
  /** The two independent labellings of the agreement sample, as each labeller gave them. */
  double: z.object({ a: topicList, b: topicList }).optional(),
  /**
   * A training supplement: labelled once, and drawn only from outlet-days outside the test split
   * (which is decided on the other items alone, so adding supplements never moves it).
   */
  extra: z.boolean().optional(),
  /**
   * A training item read a second time, blind to the first labelling and to the model: every item
   * the model's cross-validation disagreed with, and a random sample that measures how reliable
   * the once-labelled training split is. `topics` is the settled answer (a third reading against
   * the guide where the two differed).
   */
  reread: z
    .object({ first: topicList, second: topicList, sample: z.enum(["disagreement", "random"]) })
    .optional(),
});

export type CorpusItem = z.infer<typeof itemSchema>;

export function parseCorpus(jsonl: string): CorpusItem[] {
  return parseJsonLines(jsonl, itemSchema, "corpus");
}

export function loadCorpus(path: string = corpusPath()): CorpusItem[] {
  return parseCorpus(readFileSync(path, "utf8"));
}

export const SPLIT_SEED = "foreigndesk-2026";
/** Each language's test split holds at least this share of its items. */
export const TEST_SHARE = 0.21;

const groupOf = (it: CorpusItem) => `${it.outlet}|${it.day}`;
const rank = (group: string) => fnv1a(`${SPLIT_SEED}|${group}`);

/**
 * Test split by outlet-day: whole outlet-days are drawn, in a seeded order, until each language
 * has its share, so no outlet-day is in both splits and near-identical items of one day's feed
 * cannot leak from training into the test.
 */
export function splitCorpus(items: readonly CorpusItem[]): {
  train: CorpusItem[];
  test: CorpusItem[];
} {
  const testGroups = new Set<string>();
  for (const lang of ["en", "de", "fr"] as const) {
    const ofLang = items.filter((it) => it.lang === lang && !it.extra);
    const sizes = new Map<string, number>();
    for (const it of ofLang) sizes.set(groupOf(it), (sizes.get(groupOf(it)) ?? 0) + 1);
    const groups = [...sizes.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
    let n = 0;
    for (const g of groups) {
      if (n >= TEST_SHARE * ofLang.length) break;
      testGroups.add(`${lang}|${g}`);
      n += sizes.get(g) ?? 0;
    }
  }
  const train: CorpusItem[] = [];
  const test: CorpusItem[] = [];
  for (const it of items) {
    const inTest = testGroups.has(`${it.lang}|${groupOf(it)}`);
    // A supplement from a test outlet-day would leak that day into training: it is left out.
    if (inTest && it.extra) continue;
    (inTest ? test : train).push(it);
  }
  return { train, test };
}

/** k folds of whole outlet-days, balanced by size, for cross-validation on the training split. */
export function foldsOf(items: readonly CorpusItem[], k: number): number[] {
  const sizes = new Map<string, number>();
  for (const it of items) sizes.set(groupOf(it), (sizes.get(groupOf(it)) ?? 0) + 1);
  const groups = [...sizes.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
  const load = new Array<number>(k).fill(0);
  const foldOf = new Map<string, number>();
  for (const g of groups) {
    let f = 0;
    for (let i = 1; i < k; i++) if ((load[i] as number) < (load[f] as number)) f = i;
    foldOf.set(g, f);
    load[f] = (load[f] as number) + (sizes.get(g) ?? 0);
  }
  return items.map((it) => foldOf.get(groupOf(it)) ?? 0);
}
