import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CorpusItem,
  foldsOf,
  parseCorpus,
  splitCorpus,
  TEST_SHARE,
} from "../../src/classify/corpus.js";
import { agreement } from "../../src/classify/eval.js";
import { encodeModel, loadModel, parseModel, toScore } from "../../src/classify/learned/model.js";
import {
  bestThreshold,
  type Example,
  predict,
  trainLogistic,
} from "../../src/classify/learned/train.js";

const OPTS = { topics: 2, l2: 1e-3, epochs: 15, rate: 0.3, seed: 7, minCount: 1 };

/** Topic 0 when bucket 1 is present, topic 1 when bucket 2 is; bucket 3 is noise. */
function toyExamples(n: number): Example[] {
  const out: Example[] = [];
  for (let i = 0; i < n; i++) {
    const a = i % 2 === 0;
    const b = i % 3 === 0;
    const index = [3 + (i % 5)];
    if (a) index.push(1);
    if (b) index.push(2);
    out.push({ index, value: index.map(() => 1), labels: [a, b] });
  }
  return out;
}

describe("trainLogistic", () => {
  it("learns which features make which topic", () => {
    const m = trainLogistic(toyExamples(120), OPTS);
    const onlyA = predict(m, { index: [1], value: [1] });
    const onlyB = predict(m, { index: [2], value: [1] });
    const none = predict(m, { index: [4], value: [1] });
    expect(onlyA[0]).toBeGreaterThan(0.8);
    expect(onlyA[1]).toBeLessThan(0.5);
    expect(onlyB[1]).toBeGreaterThan(0.7);
    expect(none[0]).toBeLessThan(0.3);
  });

  it("is deterministic for a seed, and the seed matters", () => {
    const ex = toyExamples(90);
    const a = trainLogistic(ex, OPTS);
    const b = trainLogistic(ex, OPTS);
    expect([...a.bias]).toEqual([...b.bias]);
    expect([...(a.weights.get(1) ?? [])]).toEqual([...(b.weights.get(1) ?? [])]);
    const c = trainLogistic(ex, { ...OPTS, seed: 8 });
    expect([...(c.weights.get(1) ?? [])]).not.toEqual([...(a.weights.get(1) ?? [])]);
  });

  it("drops buckets seen in fewer than minCount examples", () => {
    const ex = [...toyExamples(20), { index: [999], value: [1], labels: [true, false] }];
    expect(trainLogistic(ex, { ...OPTS, minCount: 2 }).weights.has(999)).toBe(false);
    expect(trainLogistic(ex, { ...OPTS, minCount: 1 }).weights.has(999)).toBe(true);
  });

  it("pulls towards a prior where the data says nothing", () => {
    const prior = { weights: new Map([[77, [5, 0]]]), bias: [-2, -2] };
    const m = trainLogistic(
      toyExamples(40).concat([
        { index: [77], value: [1], labels: [true, false] },
        { index: [77], value: [1], labels: [true, false] },
      ]),
      { ...OPTS, prior },
    );
    expect(m.weights.get(77)?.[0]).toBeGreaterThan(4);
  });
});

describe("model file", () => {
  const trained = trainLogistic(toyExamples(120), OPTS);
  const file = encodeModel({
    topics: ["human-rights", "climate"],
    bias: [...trained.bias],
    thresholds: [0.4, 0.6],
    weights: trained.weights,
    training: { seed: 7 },
  });

  it("round-trips: the loaded model gives the trained logits (int16 quantisation)", () => {
    const model = parseModel(JSON.parse(JSON.stringify(file)));
    const fv = { index: [1, 4], value: [1, 1], ev: [null, null], refs: [] };
    const z = model.logits(fv);
    const p = predict(trained, fv);
    for (let k = 0; k < 2; k++) {
      expect(1 / (1 + Math.exp(-(z[k] as number)))).toBeCloseTo(p[k] as number, 3);
    }
    expect(model.thresholds).toEqual([0.4, 0.6]);
  });

  it("names the file it cannot read or parse", () => {
    const dir = mkdtempSync(join(tmpdir(), "fd-model-"));
    expect(() => loadModel(join(dir, "missing.json"))).toThrow(
      /Cannot read topic model .*missing\.json/,
    );
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => loadModel(join(dir, "bad.json"))).toThrow(
      /Topic model .*bad\.json is not valid JSON/,
    );
    writeFileSync(join(dir, "old.json"), JSON.stringify({ ...file, version: 2 }));
    expect(() => loadModel(join(dir, "old.json"))).toThrow(/topic model[\s\S]*old\.json/);
  });

  it("refuses a corrupt file with a reason", () => {
    expect(() => parseModel({ ...file, format: "other" })).toThrow(/topic model/);
    expect(() =>
      parseModel({ ...file, weights: Buffer.from([1, 2, 3]).toString("base64") }),
    ).toThrow(/weight bytes/);
    expect(() => parseModel({ ...file, thresholds: [0.5] })).toThrow(/one per topic/);
    expect(() => parseModel({ ...file, thresholds: [0, 1.2] })).toThrow(/topic model/);
  });
});

describe("toScore", () => {
  it("puts the learned threshold on the taxonomy's, and keeps order", () => {
    expect(toScore(0.3, 0.3, 0.55)).toBe(0.55);
    expect(toScore(0.29, 0.3, 0.55)).toBeLessThan(0.55);
    expect(toScore(0.31, 0.3, 0.55)).toBeGreaterThan(0.55);
    expect(toScore(1, 0.3, 0.55)).toBe(1);
    expect(toScore(0, 0.3, 0.55)).toBe(0);
    const xs = [0.01, 0.1, 0.25, 0.3, 0.5, 0.9];
    const ys = xs.map((x) => toScore(x, 0.3, 0.55));
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
  });
});

describe("bestThreshold", () => {
  it("finds the threshold that separates the classes", () => {
    const scores = [0.05, 0.1, 0.2, 0.3, 0.62, 0.7, 0.8, 0.9];
    const gold = [false, false, false, false, true, true, true, true];
    const t = bestThreshold(scores, gold);
    expect(t).toBeGreaterThan(0.3);
    expect(t).toBeLessThanOrEqual(0.62);
  });
});

function item(i: number, lang: "en" | "de" | "fr", outlet: string, day: string): CorpusItem {
  return {
    id: `${lang}${i}`,
    lang,
    outlet,
    title: `t${i}`,
    lead: "",
    day,
    source: { url: "https://example.org/a" },
    topics: [],
  };
}

describe("corpus split", () => {
  const items: CorpusItem[] = [];
  let n = 0;
  for (const lang of ["en", "de", "fr"] as const) {
    for (let o = 0; o < 6; o++) {
      for (let d = 1; d <= 9; d++) {
        for (let k = 0; k < 1 + ((o + d) % 4); k++) {
          items.push(item(n++, lang, `outlet${o}`, `2026-01-0${d}`));
        }
      }
    }
  }

  it("keeps every outlet-day on one side, and gives each language its share", () => {
    const { train, test } = splitCorpus(items);
    const side = new Map<string, string>();
    for (const [name, list] of [
      ["train", train],
      ["test", test],
    ] as const) {
      for (const it of list) {
        const key = `${it.lang}|${it.outlet}|${it.day}`;
        expect(side.get(key) ?? name).toBe(name);
        side.set(key, name);
      }
    }
    for (const lang of ["en", "de", "fr"]) {
      const all = items.filter((i) => i.lang === lang).length;
      const t = test.filter((i) => i.lang === lang).length;
      expect(t / all).toBeGreaterThanOrEqual(TEST_SHARE);
      expect(t / all).toBeLessThan(0.4);
    }
    expect(train.length + test.length).toBe(items.length);
  });

  it("is the same split every time, whatever the input order", () => {
    const a = splitCorpus(items)
      .test.map((i) => i.id)
      .sort();
    const b = splitCorpus([...items].reverse())
      .test.map((i) => i.id)
      .sort();
    expect(b).toEqual(a);
  });

  it("makes folds of whole outlet-days", () => {
    const folds = foldsOf(items, 5);
    const seen = new Map<string, number>();
    items.forEach((it, i) => {
      const key = `${it.outlet}|${it.day}`;
      expect(seen.get(key) ?? folds[i]).toBe(folds[i]);
      seen.set(key, folds[i] as number);
    });
    expect(new Set(folds).size).toBe(5);
  });
});

describe("corpus file", () => {
  it("names the line and field of a bad item", () => {
    const good = JSON.stringify(item(1, "en", "bbc", "2026-01-01"));
    expect(parseCorpus(`${good}\n`)).toHaveLength(1);
    expect(() => parseCorpus(`${good}\n{"id":"x"}\n`)).toThrow(/corpus line 2/);
    expect(() =>
      parseCorpus(JSON.stringify({ ...item(1, "en", "bbc", "2026-01-01"), topics: ["sport"] })),
    ).toThrow(/corpus line 1/);
  });
});

describe("agreement", () => {
  it("is F1 of one labelling against the other, per topic and averaged", () => {
    const r = agreement([
      { double: { a: ["china"], b: ["china"] } },
      { double: { a: ["china", "climate"], b: ["china"] } },
      { double: { a: [], b: [] } },
      {},
    ]);
    expect(r?.n).toBe(3);
    expect(r?.perTopic.china).toBe(1);
    expect(r?.perTopic.climate).toBe(0);
    expect(r?.exact).toBeCloseTo(2 / 3);
    expect(r?.microF1).toBeCloseTo((2 * 2) / (2 * 2 + 1));
  });
});

describe("training supplements", () => {
  it("never move the test split, and never come from a test outlet-day", () => {
    const core: CorpusItem[] = [];
    for (let d = 1; d <= 9; d++) {
      for (let o = 0; o < 4; o++) core.push(item(d * 10 + o, "en", `o${o}`, `2026-02-0${d}`));
    }
    const before = splitCorpus(core).test.map((i) => i.id);
    const extras = core.map((c, i) => ({ ...c, id: `x${i}`, extra: true }));
    const after = splitCorpus([...core, ...extras]);
    expect(after.test.map((i) => i.id)).toEqual(before);
    expect(after.test.some((i) => i.extra)).toBe(false);
    const testDays = new Set(after.test.map((i) => `${i.outlet}|${i.day}`));
    expect(after.train.filter((i) => i.extra && testDays.has(`${i.outlet}|${i.day}`))).toEqual([]);
    expect(after.train.filter((i) => i.extra).length).toBe(extras.length - before.length);
  });
});
