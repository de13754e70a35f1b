import { describe, expect, it } from "vitest";
import { loadActors } from "../../src/classify/actors.js";
import { createAnalyzer } from "../../src/classify/analyze.js";
import { loadTaxonomy } from "../../src/classify/taxonomy.js";
import { chooseThreshold, fitLogistic, pairCounts } from "../../src/cluster/fit.js";
import { buildIdf } from "../../src/cluster/idf.js";
import { signatureOf } from "../../src/cluster/signature.js";
import { pairFeatures as features } from "../../src/cluster/similarity.js";

const analyzer = createAnalyzer(loadTaxonomy(), loadActors().actors);
const sig = (title: string, text: string, language?: string) =>
  signatureOf(analyzer.analyze({ title, text, ...(language ? { language } : {}) }));

describe("event signature", () => {
  it("stems words so inflections meet, and drops stopwords", () => {
    const s = sig("EU sanctions Russian banks", "The bloc sanctioned twelve banks on Tuesday.");
    expect(s.words.has("sancti")).toBe(true);
    expect(s.words.has("the")).toBe(false);
    expect(s.titleWords.has("banks")).toBe(true);
  });

  it("takes mid-sentence capitals as names in English, not German nouns, and actors by id", () => {
    const en = sig(
      "Quake hits Maiduguri",
      "Officials in Maiduguri said Xi Jinping sent condolences.",
    );
    expect(en.names.has("maiduguri")).toBe(true);
    expect(en.names.has("@xi-jinping")).toBe(true);
    const de = sig("Erdbeben", "Die Behörden melden viele Verletzte in der Stadt.", "de");
    expect(de.names.has("behorden")).toBe(false);
    expect(de.names.has("stadt")).toBe(false);
  });

  it("keeps numbers that identify an event, not years or small counts", () => {
    const s = sig("A 7.3 quake kills 130", "In 2026, 3 aftershocks followed.");
    expect([...s.numbers].sort()).toEqual(["130", "7.3"]);
  });
});

describe("pair features", () => {
  const idf = buildIdf([], 1);
  const pairFeatures = (a: ReturnType<typeof sig>, b: ReturnType<typeof sig>) =>
    features(a, b, idf);
  const quakeEn = sig(
    "Magnitude 7.3 earthquake strikes off Vanuatu, 14 dead",
    "A powerful earthquake struck off Port Vila, the capital of Vanuatu, killing 14 people.",
  );
  const quakeEn2 = sig(
    "Vanuatu earthquake: death toll rises to 14",
    "The 7.3 magnitude quake hit near Port Vila on Tuesday, officials said.",
  );
  const quakeDe = sig(
    "Erdbeben der Stärke 7,3 erschüttert Vanuatu",
    "Bei dem Beben nahe Port Vila kamen mindestens 14 Menschen ums Leben.",
    "de",
  );
  const tariffs = sig(
    "US raises tariffs on Chinese steel",
    "Washington announced new duties on steel imports from China on Tuesday.",
  );

  it("finds the same event in other words, and in another language by names and numbers", () => {
    const same = pairFeatures(quakeEn, quakeEn2);
    const other = pairFeatures(quakeEn, tariffs);
    expect(same.words).toBeGreaterThan(other.words);
    expect(same.sharedNumbers).toBeGreaterThan(0);
    const cross = pairFeatures(quakeEn, quakeDe);
    expect(cross.sameLanguage).toBe(0);
    expect(cross.sharedNumbers).toBeGreaterThan(0);
    expect(cross.countries).toBeGreaterThan(0);
    expect(pairFeatures(quakeDe, tariffs).sharedNumbers).toBe(0);
  });

  it("is symmetric", () => {
    expect(pairFeatures(quakeEn, quakeDe)).toEqual(pairFeatures(quakeDe, quakeEn));
  });
});

describe("fitting the same-event model", () => {
  const examples = Array.from({ length: 80 }, (_, i) => {
    const same = i % 2 === 0;
    const noise = ((i * 37) % 10) / 100;
    return { x: [same ? 0.6 + noise : 0.1 + noise, (i % 3) / 3], same };
  });

  it("learns which feature separates same from different events", () => {
    const { weights } = fitLogistic(examples);
    expect(weights[0]).toBeGreaterThan(2);
    expect(Math.abs(weights[1] ?? 0)).toBeLessThan(Math.abs(weights[0] ?? 0));
  });

  it("chooses the lowest threshold that reaches the precision asked for", () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.4, 0.3];
    const gold = [true, true, false, true, false, false];
    const t = chooseThreshold(scores, gold, 0.99);
    expect(pairCounts(scores, gold, t).precision).toBe(1);
    expect(t).toBeGreaterThan(0.7);
    expect(t).toBeLessThanOrEqual(0.8);
  });
});
