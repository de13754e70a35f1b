import { describe, expect, it } from "vitest";
import { type Classification, loadClassifier, loadTaxonomy } from "../../src/classify/index.js";

const classifier = loadClassifier(loadTaxonomy());

const EN = {
  title: "Baerbock raises Xinjiang, Ukraine and the 1.5-degree path with Wang Yi",
  text: "German Foreign Minister Annalena Baerbock, in a phone call with Chinese Foreign Minister Wang Yi, raised the mass detention of Uyghurs in Xinjiang and urged Beijing to respect human rights. She asked China to condemn Russia's war of aggression against Ukraine, which violates the UN Charter. Baerbock also called for more ambitious climate targets so that the world stays on the 1.5-degree path agreed in Paris.",
};

const DE = {
  title: "Baerbock spricht mit Wang Yi über Xinjiang, die Ukraine und den 1,5-Grad-Pfad",
  text: "Bundesaußenministerin Annalena Baerbock hat in einem Telefonat mit dem chinesischen Außenminister Wang Yi die Masseninternierung von Uiguren in Xinjiang angesprochen und Peking aufgefordert, die Menschenrechte zu achten. Sie forderte China auf, den russischen Angriffskrieg gegen die Ukraine zu verurteilen, der die Charta der Vereinten Nationen verletzt. Zudem rief Baerbock zu ehrgeizigeren Klimazielen auf, damit die Welt auf dem in Paris vereinbarten 1,5-Grad-Pfad bleibt.",
};

// The UN Charter is named only as the yardstick for Russia's war, not as the story's subject, so
// by the topic guide the story is not un-multilateral (the lexicon alone used to tag it).
const EXPECTED = ["human-rights", "china", "russia-ukraine", "climate"];

function terms(result: Classification, id: string): string[] {
  return result.topics.find((t) => t.id === id)?.evidence.map((e) => e.term) ?? [];
}

describe.each([
  ["en", EN],
  ["de", DE],
] as const)("headline story (%s)", (lang, story) => {
  const result = classifier.classify(story);

  it("detects the language", () => {
    expect(result.language).toBe(lang);
  });

  it("is tagged with exactly the four expected topics", () => {
    expect(result.topics.map((t) => t.id).sort()).toEqual([...EXPECTED].sort());
  });

  it("explains each topic with the right evidence", () => {
    expect(terms(result, "human-rights").join(" ")).toMatch(/xinjiang|uyghur|uigur/i);
    expect(terms(result, "china").join(" ")).toMatch(/xinjiang|uyghur|uigur/i);
    expect(terms(result, "russia-ukraine").join(" ")).toMatch(/ukraine/i);
    expect(terms(result, "russia-ukraine").join(" ")).toMatch(/russ/i);
    expect(terms(result, "climate").join(" ")).toMatch(/1\.5 (degree|grad)/i);
    expect(terms(result, "climate").join(" ")).toMatch(/climate target|klimaziel/i);
  });

  it("tags the countries involved", () => {
    expect(result.countries).toEqual(expect.arrayContaining(["DE", "CN", "RU", "UA"]));
    expect(result.countries[0]).toBe("CN");
  });

  it("orders topics best first with scores in 0..1", () => {
    const scores = result.topics.map((t) => t.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).toBeGreaterThan(0);
    for (const s of scores) expect(s).toBeLessThanOrEqual(1);
  });
});

describe("headline story without a language hint or detection", () => {
  it("still finds the topics with all lexicons (language 'und' hint)", () => {
    const result = classifier.classify({ ...DE, language: "und" });
    expect(result.language).toBe("und");
    expect(result.topics.map((t) => t.id)).toEqual(expect.arrayContaining(EXPECTED));
  });
});
