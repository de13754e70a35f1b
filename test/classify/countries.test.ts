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

describe("country tagging: inflections", () => {
  it("finds German genitives of names and seats", () => {
    expect(countries("Russlands Krieg und Frankreichs Rolle", "", "de")).toEqual(["RU", "FR"]);
    expect(countries("Chinas Haltung", "Irans Drohnen und Israels Antwort.", "de")).toEqual([
      "CN",
      "IR",
      "IL",
    ]);
    expect(countries("Die Rolle der Ukraine", "Deutschlands Hilfe wächst.", "de")).toEqual([
      "UA",
      "DE",
    ]);
    expect(countries("Washingtons Kurs", "Teherans Antwort blieb aus.", "de")).toEqual([
      "US",
      "IR",
    ]);
  });

  it("finds French names after an elided article or preposition", () => {
    expect(countries("Les drones d'Iran", "Le soutien à l'Ukraine d’Israël.", "fr")).toEqual([
      "IR",
      "UA",
      "IL",
    ]);
    expect(countries("L'Iran et l'Irak", "", "fr")).toEqual(["IR", "IQ"]);
  });
});

describe("country tagging: what a story is not about", () => {
  it("credit lines tag nothing, in English, German and French", () => {
    expect(
      countries(
        "Talks resume",
        "Talks resumed on Monday.\nAssociated Press writers Jon Gambrell in Dubai, United Arab Emirates, and Samy Magdy in Cairo contributed to this report.",
        "en",
      ),
    ).toEqual([]);
    expect(
      countries(
        "Talks resume",
        "Talks resumed on Monday. Reuters' Jane Doe in Tehran contributed reporting.",
        "en",
      ),
    ).toEqual([]);
    expect(
      countries(
        "Talks resume",
        "Talks resumed on Monday.\n(Reporting by Parisa Hafezi in Dubai, Editing by Mark Heinrich)",
        "en",
      ),
    ).toEqual([]);
    expect(
      countries("Gespräche", "Die Gespräche dauerten an.\nMitarbeit: Anna Meier in Kiew", "de"),
    ).toEqual([]);
    expect(
      countries("Les pourparlers", "Les pourparlers ont repris.\nLe Monde avec AFP", "fr"),
    ).toEqual([]);
  });

  it("captions and links to other stories tag nothing", () => {
    expect(
      countries(
        "Talks resume",
        "Talks resumed on Monday.\nRead more: Why Iran's economy is shrinking\nFILE - Delegates in Oman, May 2, 2025. (AP Photo/Kamran Jebreili, File)",
        "en",
      ),
    ).toEqual([]);
    expect(
      countries("Gespräche", "Die Gespräche dauerten an.\nLesen Sie auch: Irans Wirtschaft", "de"),
    ).toEqual([]);
    expect(
      countries("Les pourparlers", "Les pourparlers ont repris.\nLire aussi : L'Iran isolé", "fr"),
    ).toEqual([]);
  });

  it("a country inside a media name does not tag", () => {
    const text =
      "USA Today, Al Jazeera, Russia Today, Deutsche Welle, France 24, Voice of America, Radio Free Europe, the Kyiv Independent, China Daily, the Times of India, the Jerusalem Post and The Washington Post all covered the summit.";
    expect(countries("Summit coverage", text, "en")).toEqual([]);
    expect(
      countries("Gipfel", "Die Deutsche Welle und der Deutschlandfunk berichteten.", "de"),
    ).toEqual([]);
    expect(
      countries("Sommet", "France 24 et l'Agence France-Presse ont couvert le sommet.", "fr"),
    ).toEqual([]);
  });

  it("an outlet's nationality does not tag, in English, German and French", () => {
    expect(
      countries(
        "Interview",
        "The minister told the British BBC and USA Today that talks go on.",
        "en",
      ),
    ).toEqual([]);
    expect(
      countries(
        "Interview",
        "The Qatari broadcaster said talks go on, Russian news agency TASS reported.",
        "en",
      ),
    ).toEqual([]);
    expect(
      countries(
        "Interview",
        "Der Minister sagte dem britischen Sender BBC, die Gespräche gingen weiter.",
        "de",
      ),
    ).toEqual([]);
    expect(
      countries(
        "Entretien",
        "Le ministre a déclaré à la chaîne britannique BBC que les discussions continuent.",
        "fr",
      ),
    ).toEqual([]);
    // A demonym after an outlet's name is the story's own, as in "to Le Monde: 'Russian army…'".
    expect(
      countries(
        "Interview",
        "Oleksandr Syrsky told Le Monde: 'Russian army losses are growing.'",
        "en",
      ),
    ).toEqual(["RU"]);
    // The country itself still counts where the story is about it.
    expect(
      countries("Sanctions", "The British government imposed sanctions, the BBC reported.", "en"),
    ).toEqual(["GB"]);
  });
});
