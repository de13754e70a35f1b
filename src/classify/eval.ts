import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Classifier } from "./index.js";
import { parseJsonLines } from "./jsonl.js";
import { TOPIC_IDS, type TopicId } from "./taxonomy.js";

export interface DevRow {
  id: string;
  lang: string;
  title: string;
  text: string;
  topics: TopicId[];
  split?: "tune" | "holdout";
}

export interface Prf {
  precision: number;
  recall: number;
  f1: number;
}

export interface TopicCounts extends Prf {
  tp: number;
  fp: number;
  fn: number;
}

export interface EvalResult {
  perTopic: Record<TopicId, TopicCounts>;
  micro: Prf;
  macro: Prf;
  /** Stories evaluated. */
  n: number;
  /** Per-story errors, for tuning: predicted-but-not-labelled and labelled-but-missed. */
  errors: Array<{ id: string; fp: TopicId[]; fn: TopicId[] }>;
}

const rowSchema = z.object({
  id: z.string(),
  lang: z.string(),
  title: z.string(),
  text: z.string(),
  topics: z.array(z.enum(TOPIC_IDS)),
  split: z.enum(["tune", "holdout"]).optional(),
});

export const DEV_SET_PATH = fileURLToPath(
  new URL("../../test/fixtures/classify-dev.jsonl", import.meta.url),
);

/** Parse a JSONL dev set; a bad line throws with its line number. */
export function parseDevSet(jsonl: string): DevRow[] {
  return parseJsonLines(jsonl, rowSchema, "dev set");
}

export function loadDevSet(path: string = DEV_SET_PATH): DevRow[] {
  return parseDevSet(readFileSync(path, "utf8"));
}

export function prf(tp: number, fp: number, fn: number): Prf {
  // Conventions for empty denominators: nothing predicted and nothing to find is perfect.
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (fp === 0 ? 1 : 0) : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Multi-label evaluation of `classifier.classify` (thresholded topics) against the labels. */
export function evaluate(classifier: Classifier, rows: readonly DevRow[]): EvalResult {
  const counts = new Map<TopicId, { tp: number; fp: number; fn: number }>(
    TOPIC_IDS.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]),
  );
  const errors: EvalResult["errors"] = [];
  for (const row of rows) {
    const predicted = new Set(
      classifier.classify({ title: row.title, text: row.text }).topics.map((t) => t.id),
    );
    const gold = new Set(row.topics);
    const fp: TopicId[] = [];
    const fn: TopicId[] = [];
    for (const id of TOPIC_IDS) {
      const c = counts.get(id) as { tp: number; fp: number; fn: number };
      const p = predicted.has(id);
      const g = gold.has(id);
      if (p && g) c.tp++;
      else if (p) {
        c.fp++;
        fp.push(id);
      } else if (g) {
        c.fn++;
        fn.push(id);
      }
    }
    if (fp.length > 0 || fn.length > 0) errors.push({ id: row.id, fp, fn });
  }
  const perTopic = {} as Record<TopicId, TopicCounts>;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let sp = 0;
  let sr = 0;
  let sf = 0;
  for (const id of TOPIC_IDS) {
    const c = counts.get(id) as { tp: number; fp: number; fn: number };
    const m = prf(c.tp, c.fp, c.fn);
    perTopic[id] = { ...c, ...m };
    tp += c.tp;
    fp += c.fp;
    fn += c.fn;
    sp += m.precision;
    sr += m.recall;
    sf += m.f1;
  }
  const k = TOPIC_IDS.length;
  return {
    perTopic,
    micro: prf(tp, fp, fn),
    macro: { precision: sp / k, recall: sr / k, f1: sf / k },
    n: rows.length,
    errors,
  };
}

const pct = (x: number) => (x * 100).toFixed(1).padStart(6);

/** Plain-text table of an evaluation. */
export function formatEval(name: string, r: EvalResult): string[] {
  const lines = [
    `== ${name} (${r.n} stories)`,
    `${"topic".padEnd(20)}    tp    fp    fn   prec    rec     f1`,
  ];
  for (const id of TOPIC_IDS) {
    const t = r.perTopic[id];
    lines.push(
      `${id.padEnd(20)}${String(t.tp).padStart(6)}${String(t.fp).padStart(6)}${String(t.fn).padStart(6)}${pct(t.precision)}${pct(t.recall)}${pct(t.f1)}`,
    );
  }
  lines.push(
    `${"micro".padEnd(38)}${pct(r.micro.precision)}${pct(r.micro.recall)}${pct(r.micro.f1)}`,
  );
  lines.push(
    `${"macro".padEnd(38)}${pct(r.macro.precision)}${pct(r.macro.recall)}${pct(r.macro.f1)}`,
  );
  return lines;
}

/** Corpus items as evaluation rows: the lead is the story text, exactly as a feed gives it. */
export function rowsOf(
  items: ReadonlyArray<{
    id: string;
    lang: string;
    title: string;
    lead: string;
    topics: TopicId[];
  }>,
): DevRow[] {
  return items.map((it) => ({
    id: it.id,
    lang: it.lang,
    title: it.title,
    text: it.lead,
    topics: it.topics,
  }));
}

export interface Agreement {
  n: number;
  macroF1: number;
  microF1: number;
  /** Share of items whose two label sets are identical. */
  exact: number;
  perTopic: Record<TopicId, number>;
}

/**
 * Agreement of two independent labellings, as F1 of one against the other (symmetric), per topic
 * and averaged; undefined when no item carries a second labelling.
 */
export function agreement(
  items: ReadonlyArray<{ double?: { a: TopicId[]; b: TopicId[] } | undefined }>,
): Agreement | undefined {
  const both = items.flatMap((it) => (it.double ? [it.double] : []));
  if (both.length === 0) return undefined;
  let exact = 0;
  let tp = 0;
  let fx = 0;
  const perTopic = {} as Record<TopicId, number>;
  const counts = TOPIC_IDS.map(() => ({ tp: 0, f: 0 }));
  for (const it of both) {
    const a = new Set(it.a);
    const b = new Set(it.b);
    if (a.size === b.size && [...a].every((t) => b.has(t))) exact++;
    TOPIC_IDS.forEach((id, i) => {
      const c = counts[i] as { tp: number; f: number };
      if (a.has(id) && b.has(id)) c.tp++;
      else if (a.has(id) || b.has(id)) c.f++;
    });
  }
  let sum = 0;
  TOPIC_IDS.forEach((id, i) => {
    const c = counts[i] as { tp: number; f: number };
    tp += c.tp;
    fx += c.f;
    const f1 = c.tp + c.f === 0 ? 1 : (2 * c.tp) / (2 * c.tp + c.f);
    perTopic[id] = f1;
    sum += f1;
  });
  return {
    n: both.length,
    macroF1: sum / TOPIC_IDS.length,
    microF1: tp + fx === 0 ? 1 : (2 * tp) / (2 * tp + fx),
    exact: exact / both.length,
    perTopic,
  };
}
