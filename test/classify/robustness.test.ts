import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy, MAX_TEXT_CHARS } from "../../src/classify/index.js";

const classifier = createClassifier(loadTaxonomy());

describe("odd input", () => {
  it("empty input gives no topics and does not throw", () => {
    const r = classifier.classify({ title: "", text: "" });
    expect(r.topics).toEqual([]);
    expect(r.countries).toEqual([]);
    expect(r.language).toBe("und");
    expect(classifier.allScores({ title: "", text: "" })).toHaveLength(12);
  });

  it("tolerates missing fields from untyped callers", () => {
    const r = classifier.classify({} as never);
    expect(r.topics).toEqual([]);
  });

  it("strips HTML defensively and decodes entities", () => {
    const r = classifier.classify({
      title: "<b>NATO</b> allies pledge more &amp; faster defence spending",
      text: '<p>Allies agreed at the <a href="https://example.org/nato">NATO summit</a> to raise <em>defence spending</em>.</p><script>var climate = "change";</script>',
    });
    expect(r.topics.map((t) => t.id)).toContain("security-defence");
    // The script body is dropped, so its "climate change" does not count.
    expect(r.topics.map((t) => t.id)).not.toContain("climate");
  });

  it("finishes a 1 MB text quickly with a sane result", () => {
    const para =
      "Ukraine and Russia exchanged prisoners on Tuesday as talks continued. Markets were calm and the weather was mild. ";
    const big = para.repeat(Math.ceil(1_000_000 / para.length));
    expect(big.length).toBeGreaterThanOrEqual(1_000_000);
    const t0 = performance.now();
    const r = classifier.classify({ title: "Prisoner exchange", text: big });
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1_000);
    expect(r.topics[0]?.id).toBe("russia-ukraine");
    expect(r.topics.length).toBeLessThanOrEqual(3);
    // Evidence counts are bounded by the analysed prefix, not the whole text.
    const ukraine = r.topics[0]?.evidence.find((e) => e.term === "ukraine");
    expect(ukraine?.count).toBeLessThanOrEqual(Math.ceil(MAX_TEXT_CHARS / para.length) + 1);
  });

  it("a 1 MB single 'word' does not blow up", () => {
    const r = classifier.classify({ title: "x", text: "a".repeat(1_000_000) });
    expect(r.topics).toEqual([]);
  });
});

describe("properties", () => {
  const arbitraryText = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.string({ unit: "grapheme", maxLength: 200 }),
    fc
      .array(
        fc.constantFrom(
          "Ukraine",
          "climate",
          "of",
          "fear",
          "UN",
          "un",
          "Klimaschutzziele",
          "<b>",
          "&amp;",
          "’s",
          "1,5-Grad",
          "réfugiés",
          "Gaza",
          "NATO",
          "fine",
          "china",
          "Georgia",
          "Tbilisi",
          " ",
          "\n",
          "ß",
          "İ",
          "ﬁ",
          "🇺🇦",
        ),
        { maxLength: 60 },
      )
      .map((a) => a.join(" ")),
  );

  it("never throws; scores in [0,1]; topics sorted and above threshold; deterministic", () => {
    fc.assert(
      fc.property(
        arbitraryText,
        arbitraryText,
        fc.option(fc.string({ maxLength: 6 })),
        (title, text, lang) => {
          const input = { title, text, language: lang ?? undefined };
          const a = classifier.classify(input);
          const b = classifier.classify(input);
          expect(b).toEqual(a);
          const all = classifier.allScores(input);
          expect(all).toHaveLength(12);
          for (const s of all) {
            expect(s.score).toBeGreaterThanOrEqual(0);
            expect(s.score).toBeLessThanOrEqual(1);
            expect(Math.round(s.score * 1000) / 1000).toBe(s.score);
          }
          for (let i = 1; i < a.topics.length; i++) {
            expect(a.topics[i - 1]?.score).toBeGreaterThanOrEqual(a.topics[i]?.score ?? 0);
          }
          for (const c of a.countries) expect(c).toMatch(/^[A-Z]{2}$/);
          expect(a.language).toMatch(/^([a-z]{2}|und)$/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
