import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy } from "../../src/classify/index.js";

const classifier = createClassifier(loadTaxonomy());
const countries = (title: string, text = "", language?: string) =>
  classifier.classify({ title, text, language }).countries;

describe("country tagging", () => {
  it("finds names in en/de/fr, including alternative names", () => {
    expect(countries("Talks between Russia and Ukraine resume", "", "en")).toEqual(["RU", "UA"]);
    expect(countries("Gespräche zwischen Russland und der Ukraine", "", "de")).toEqual([
      "RU",
      "UA",
    ]);
    expect(countries("Pourparlers entre la Russie et l'Ukraine", "", "fr")).toEqual(["RU", "UA"]);
    expect(countries("Türkiye and the UAE sign deal", "", "en")).toEqual(["TR", "AE"]);
    expect(countries("Côte d'Ivoire votes", "", "en")).toEqual(["CI"]);
    expect(countries("Vereinigte Staaten und Großbritannien", "", "de")).toEqual(["US", "GB"]);
  });

  it("finds demonyms and adjectives", () => {
    expect(countries("Russian and Chinese ships drill", "", "en")).toEqual(["RU", "CN"]);
    expect(countries("Die russischen und chinesischen Schiffe", "", "de")).toEqual(["RU", "CN"]);
    expect(countries("Les navires russes et chinois", "", "fr")).toEqual(["RU", "CN"]);
    expect(countries("Israeli strikes on Palestinian towns", "", "en")).toEqual(["IL", "PS"]);
    expect(countries("Der deutsche Außenminister", "", "de")).toEqual(["DE"]);
  });

  it("finds capitals and seats of power used as metonyms", () => {
    expect(countries("The Kremlin rejects Kyiv's offer", "", "en")).toEqual(["RU", "UA"]);
    expect(countries("Peking und Moskau vertiefen Bande", "", "de")).toEqual(["CN", "RU"]);
    expect(countries("Pékin et Moscou", "", "fr")).toEqual(["CN", "RU"]);
    expect(countries("Downing Street and the Élysée disagree", "", "en")).toEqual(["GB", "FR"]);
    expect(countries("Tehran warns Washington", "", "en")).toEqual(["IR", "US"]);
    expect(countries("Kreml reagiert auf Kiew", "", "de")).toEqual(["RU", "UA"]);
  });

  it("does not treat Brussels or Paris venues as countries", () => {
    expect(countries("EU ministers meet in Brussels", "", "en")).toEqual([]);
    expect(countries("The Paris Agreement at ten", "", "en")).toEqual([]);
  });

  it("orders by number of mentions", () => {
    expect(
      countries(
        "Iran and Iraq",
        "Iraq's prime minister said Iraq would not take sides. Baghdad is worried.",
        "en",
      ),
    ).toEqual(["IQ", "IR"]);
  });

  it("US needs capitals; the pronoun 'us' is not a country", () => {
    expect(countries("Join us for the talk", "Let us know.", "en")).toEqual([]);
    expect(countries("US and U.S. officials", "", "en")).toEqual(["US"]);
  });

  describe("false positives", () => {
    it("fine china and china shops are not China", () => {
      expect(
        countries("Auction of fine china", "A bull in a china shop. Bone china cups.", "en"),
      ).toEqual([]);
    });

    it("the bird is not Turkey", () => {
      expect(
        countries(
          "How to roast a turkey",
          "Roast turkey for Thanksgiving; the turkey needs four hours.",
          "en",
        ),
      ).toEqual([]);
      expect(countries("Turkey hosts talks", "", "en")).toEqual(["TR"]);
    });

    it("Georgia the US state is not tagged without Georgian context", () => {
      expect(
        countries(
          "Georgia governor signs bill",
          "Atlanta lawmakers in Georgia passed the bill.",
          "en",
        ),
      ).toEqual([]);
      expect(
        countries(
          "Protests in Georgia",
          "Thousands marched in Tbilisi against the Georgian Dream government.",
          "en",
        ),
      ).toEqual(["GE"]);
    });

    it("Jordan and Chad as first names need context", () => {
      expect(
        countries("Jordan scores 40", "Chad and Jordan led the team to victory.", "en"),
      ).toEqual([]);
      expect(
        countries("Jordan hosts summit", "King Abdullah welcomed leaders in Amman.", "en"),
      ).toEqual(["JO"]);
    });

    it("lowercase 'china' and Russian salad do not count", () => {
      expect(
        countries("Dinner plates", "the good china came out with a Russian salad", "en"),
      ).toEqual([]);
    });

    it("US states and regions with country names are not countries", () => {
      expect(countries("New Mexico and New Jersey", "", "en")).toEqual([]);
      expect(countries("Latin America and South America trade", "", "en")).toEqual([]);
    });
  });
});
