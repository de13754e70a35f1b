import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEV_SET_PATH, evaluate, formatEval, loadDevSet } from "../../src/classify/eval.js";
import { createClassifier, loadTaxonomy } from "../../src/classify/index.js";

const classifier = createClassifier(loadTaxonomy());

describe("evaluate()", () => {
  it("computes per-topic, micro and macro P/R/F1", () => {
    const rows = [
      {
        id: "a",
        lang: "en",
        title: "NATO summit",
        text: "NATO allies agreed to raise defence spending.",
        topics: ["security-defence" as const],
      },
      {
        id: "b",
        lang: "en",
        title: "Nothing here",
        text: "The weather was mild.",
        topics: ["energy" as const],
      },
      { id: "c", lang: "en", title: "A quiet day", text: "Nothing happened.", topics: [] },
    ];
    const r = evaluate(classifier, rows);
    expect(r.perTopic["security-defence"]).toMatchObject({ tp: 1, fp: 0, fn: 0, f1: 1 });
    expect(r.perTopic.energy).toMatchObject({ tp: 0, fp: 0, fn: 1, recall: 0, f1: 0 });
    expect(r.perTopic.climate).toMatchObject({ tp: 0, fp: 0, fn: 0, f1: 1 });
    expect(r.micro.precision).toBe(1);
    expect(r.micro.recall).toBe(0.5);
    expect(r.errors).toEqual([{ id: "b", fp: [], fn: ["energy"] }]);
    expect(formatEval("x", r).join("\n")).toMatch(/macro/);
  });
});

describe("dev set", () => {
  if (!existsSync(DEV_SET_PATH)) {
    console.warn(`[classify eval] ${DEV_SET_PATH} is absent: skipping the macro-F1 check.`);
    it.skip("macro-F1 ≥ 0.85 on the whole dev set (file absent)", () => {});
    return;
  }
  const rows = loadDevSet();

  it("macro-F1 ≥ 0.85 on the whole dev set", () => {
    const r = evaluate(classifier, rows);
    console.log(formatEval("dev set (all)", r).join("\n"));
    expect(r.macro.f1).toBeGreaterThanOrEqual(0.85);
  });
});

describe("dev set languages", () => {
  it.runIf(existsSync(DEV_SET_PATH))("detects the labelled language of every story", () => {
    const wrong = loadDevSet()
      .map((r) => ({ id: r.id, want: r.lang, got: classifier.classify(r).language }))
      .filter((x) => x.got !== x.want);
    expect(wrong).toEqual([]);
  });
});
