import { describe, expect, it } from "vitest";
import { corpusPath, loadCorpus, splitCorpus, TEST_SHARE } from "../../src/classify/corpus.js";
import { agreement, evaluate, formatEval, rowsOf } from "../../src/classify/eval.js";
import { loadClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { loadModel } from "../../src/classify/learned/model.js";

/**
 * The committed model on the real-text corpus's test split: whole outlet-days that neither the
 * model, its thresholds nor the lexicons were fitted on. The target is macro-F1 0.88
 * overall and 0.85 per language; the model does not reach it yet (README, "Topic quality on real
 * news"), so this gate holds the measured level and fails on any regression beyond noise.
 * Raise the floors as the model improves; the targets are where they must end.
 */
const FLOOR = { macro: 0.78, en: 0.8, de: 0.76, fr: 0.71 };
const RESERVED = [
  "rumca-js/RSS-Link-Database-2022",
  "defgsus/frontpage-archive",
  "defgsus/frontpage-archive-2026",
  "Yidi-Huang/LeMondeTopic2022",
  "wizzandrew/top-headlines",
];

const items = loadCorpus(corpusPath());
const { train, test } = splitCorpus(items);

describe("real-text corpus", () => {
  it("is large, trilingual, from many outlets, in the natural mix", () => {
    const byLang = (l: string) => items.filter((i) => i.lang === l && !i.extra).length;
    expect(items.length).toBeGreaterThanOrEqual(3000);
    expect(byLang("de")).toBeGreaterThanOrEqual(600);
    expect(byLang("fr")).toBeGreaterThanOrEqual(600);
    expect(new Set(items.map((i) => i.outlet)).size).toBeGreaterThanOrEqual(30);
    const untagged = items.filter((i) => i.topics.length === 0).length;
    expect(untagged / items.length).toBeGreaterThanOrEqual(0.35);
  });

  it("records where each item came from, and uses no reserved archive", () => {
    for (const it of items) {
      const repo = "repo" in it.source ? it.source.repo : new URL(it.source.url).hostname;
      expect(RESERVED).not.toContain(repo);
    }
  });

  it("is labelled twice on its whole test split, with the agreement reported", () => {
    expect(test.every((i) => i.double !== undefined)).toBe(true);
    const agree = agreement(items);
    expect(agree?.n).toBeGreaterThanOrEqual(300);
    expect(agree?.macroF1).toBeGreaterThan(0.9);
  });

  it("records the second reading of training items, settled only where the two readings differ", () => {
    const reread = items.filter((i) => i.reread !== undefined);
    expect(reread.length).toBeGreaterThanOrEqual(2000);
    expect(reread.filter((i) => i.double !== undefined)).toEqual([]);
    for (const it of reread) {
      if (!it.reread) continue;
      const { first, second } = it.reread;
      const both = first.filter((t) => second.includes(t));
      const either = new Set([...first, ...second]);
      expect(
        both.every((t) => it.topics.includes(t)),
        it.id,
      ).toBe(true);
      expect(
        it.topics.every((t) => either.has(t)),
        it.id,
      ).toBe(true);
    }
    const random = reread.filter((i) => i.reread?.sample === "random");
    expect(random.length).toBeGreaterThanOrEqual(300);
    const agree = agreement(
      random.map((i) => ({ double: { a: i.reread?.first ?? [], b: i.reread?.second ?? [] } })),
    );
    expect(agree?.microF1).toBeGreaterThan(0.9);
  });

  it("splits by outlet-day, with no day on both sides and supplements only in training", () => {
    const day = (i: { outlet: string; day: string; lang: string }) =>
      `${i.lang}|${i.outlet}|${i.day}`;
    const testDays = new Set(test.map(day));
    expect(train.filter((i) => testDays.has(day(i)))).toEqual([]);
    expect(test.some((i) => i.extra)).toBe(false);
    for (const lang of ["en", "de", "fr"]) {
      const core = items.filter((i) => i.lang === lang && !i.extra).length;
      expect(test.filter((i) => i.lang === lang).length).toBeGreaterThanOrEqual(TEST_SHARE * core);
    }
  });
});

describe("real-text test split", () => {
  it("the committed model was trained on this corpus's training split", () => {
    expect(loadModel().training.items).toBe(train.length);
  });

  it(`macro-F1 holds the measured level (≥ ${FLOOR.macro}, per language ≥ ${FLOOR.en} / ${FLOOR.de} / ${FLOOR.fr})`, () => {
    const classifier = loadClassifier(loadTaxonomy());
    const rows = rowsOf(test);
    const result = evaluate(classifier, rows);
    console.log(formatEval("real-text test split", result).join("\n"));
    expect(result.macro.f1).toBeGreaterThanOrEqual(FLOOR.macro);
    for (const lang of ["en", "de", "fr"] as const) {
      const r = evaluate(
        classifier,
        rows.filter((row) => row.lang === lang),
      );
      expect(r.macro.f1, lang).toBeGreaterThanOrEqual(FLOOR[lang]);
    }
  });
});
