import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { detectLanguage, normalizeLanguageHint } from "../../src/classify/language.js";

const classifier = createClassifier(loadTaxonomy());
const ids = (r: { topics: Array<{ id: string }> }) => r.topics.map((t) => t.id);

describe("French", () => {
  it("tags a French story on asylum and the Mediterranean", () => {
    const r = classifier.classify({
      title: "L'UE adopte le pacte sur la migration et l'asile",
      text: "Les États membres de l'Union européenne ont adopté mardi le pacte sur la migration et l'asile, qui prévoit un filtrage renforcé aux frontières extérieures et une solidarité obligatoire pour accueillir les demandeurs d'asile. Le HCR a salué un pas en avant tout en appelant à protéger les réfugiés.",
    });
    expect(r.language).toBe("fr");
    expect(ids(r)).toContain("migration");
  });

  it("tags a French story on Gaza aid with middle-east and humanitarian", () => {
    const r = classifier.classify({
      title: "Gaza : l'ONU alerte sur la famine",
      text: "Le Programme alimentaire mondial a averti que la famine menace le nord de la bande de Gaza, où l'aide humanitaire n'arrive qu'au compte-gouttes. Le secrétaire général de l'ONU, António Guterres, a appelé Israël à lever les restrictions.",
    });
    expect(r.language).toBe("fr");
    expect(ids(r)).toEqual(
      expect.arrayContaining(["middle-east", "humanitarian", "un-multilateral"]),
    );
    expect(r.countries).toEqual(expect.arrayContaining(["PS", "IL"]));
  });

  it("the French article 'un' is not the UN", () => {
    const r = classifier.allScores({
      title: "Un nouveau musée ouvre à Lyon",
      text: "Un musée consacré à la photographie a ouvert ses portes samedi, avec un café et un jardin.",
    });
    expect(r.find((s) => s.id === "un-multilateral")?.score).toBe(0);
  });
});

describe("language detection", () => {
  it("maps franc's ISO 639-3 codes to ISO 639-1", () => {
    expect(
      detectLanguage(
        "Die Bundesregierung hat am Mittwoch neue Maßnahmen zur Stärkung der Wirtschaft beschlossen.",
      ),
    ).toBe("de");
    expect(
      detectLanguage("The government announced on Wednesday new measures to support the economy."),
    ).toBe("en");
    expect(
      detectLanguage(
        "Le gouvernement a annoncé mercredi de nouvelles mesures pour soutenir l'économie du pays.",
      ),
    ).toBe("fr");
    expect(
      detectLanguage(
        "El gobierno anunció el miércoles nuevas medidas para apoyar la economía del país entero.",
      ),
    ).toBe("es");
  });

  it("returns und for text too short to judge", () => {
    expect(detectLanguage("Ukraine talks")).toBe("und");
    expect(detectLanguage("")).toBe("und");
  });

  it("short titles fall back to all lexicons", () => {
    const r = classifier.classify({ title: "Klimagipfel endet", text: "" });
    expect(r.language).toBe("und");
    expect(ids(r)).toContain("climate");
  });

  it("an explicit hint wins over detection, region subtags are dropped", () => {
    expect(normalizeLanguageHint("en-GB")).toBe("en");
    expect(normalizeLanguageHint("DE")).toBe("de");
    expect(normalizeLanguageHint("deu")).toBeUndefined();
    const r = classifier.classify({ title: "Klimagipfel endet", text: "", language: "de-AT" });
    expect(r.language).toBe("de");
  });

  it("uses all lexicons for other languages", () => {
    const r = classifier.classify({
      title: "Negociaciones de paz",
      text: "El Kremlin dijo el martes que Putin no viajará a Kiev, mientras la OTAN discute en Bruselas nuevas ayudas militares para el país.",
    });
    expect(r.language).toBe("es");
    // Spanish spellings differ, but names shared with the en/de/fr lexicons still count.
    expect(ids(r)).toContain("russia-ukraine");
  });
});

describe("fast path for en/de/fr", () => {
  it("agrees with franc and leaves unclear text to it", async () => {
    const { quickDetect } = await import("../../src/classify/language.js");
    const { tokenizeText } = await import("../../src/classify/tokenize.js");
    const en =
      "The foreign ministers met on Tuesday and said that the talks had been constructive, but they did not agree on a joint statement for the press.";
    const de =
      "Die Außenminister trafen sich am Dienstag und sagten, dass die Gespräche konstruktiv gewesen seien, aber sie einigten sich nicht auf eine gemeinsame Erklärung.";
    const fr =
      "Les ministres des affaires étrangères se sont réunis mardi et ont dit que les discussions avaient été constructives, mais ils ne se sont pas mis d'accord sur une déclaration.";
    const es =
      "Los ministros de asuntos exteriores se reunieron el martes y dijeron que las conversaciones habían sido constructivas, pero no acordaron una declaración conjunta.";
    expect(quickDetect(tokenizeText(en).words)).toBe("en");
    expect(quickDetect(tokenizeText(de).words)).toBe("de");
    expect(quickDetect(tokenizeText(fr).words)).toBe("fr");
    expect(quickDetect(tokenizeText(es).words)).toBeUndefined();
    expect(quickDetect(tokenizeText("Ukraine talks").words)).toBeUndefined();
    for (const [lang, text] of [
      ["en", en],
      ["de", de],
      ["fr", fr],
      ["es", es],
    ] as const) {
      expect(classifier.classify({ title: "", text }).language).toBe(lang);
    }
  });
});
