import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitSentences, summarize } from "../../src/summarize/index.js";

const EN_TITLE = "Baerbock raises Xinjiang, Ukraine and the 1.5-degree path with Wang Yi";
const EN_TEXT = [
  "The call, arranged at short notice, began with an exchange of courtesies and an overview of the agenda for the coming months.",
  "German Foreign Minister Annalena Baerbock, in a phone call with Chinese Foreign Minister Wang Yi, raised the mass detention of Uyghurs in Xinjiang and urged Beijing to respect human rights.",
  "Officials from both ministries listened in, and interpreters worked in shifts throughout the hour.",
  "She asked China to condemn Russia's war of aggression against Ukraine, which violates the UN Charter.",
  "A business delegation from Hamburg is expected in Shanghai next month to discuss port logistics.",
  "Baerbock also called for more ambitious climate targets so that the world stays on the 1.5-degree path agreed in Paris.",
  "Berlin was grey and rainy on Tuesday, and the ministry's press office closed early.",
  "Both sides agreed to remain in contact, a spokesperson said afterwards.",
].join(" ");
const EN_BOOST = [
  "xinjiang",
  "uyghurs",
  "human rights",
  "ukraine",
  "russia",
  "climate",
  "1.5-degree",
  "un charter",
];

const DE_TITLE = "Baerbock spricht mit Wang Yi über Xinjiang, die Ukraine und den 1,5-Grad-Pfad";
const DE_TEXT = [
  "Das kurzfristig vereinbarte Gespräch begann mit einem Austausch von Höflichkeiten und einem Überblick über die Termine der kommenden Monate.",
  "Bundesaußenministerin Annalena Baerbock hat in einem Telefonat mit dem chinesischen Außenminister Wang Yi die Masseninternierung von Uiguren in Xinjiang angesprochen und Peking aufgefordert, die Menschenrechte zu achten.",
  "Beamte beider Ministerien hörten zu, Dolmetscher wechselten sich ab.",
  "Sie forderte China auf, den russischen Angriffskrieg gegen die Ukraine zu verurteilen, der die Charta der Vereinten Nationen verletzt.",
  "Eine Hamburger Wirtschaftsdelegation wird im kommenden Monat in Shanghai erwartet.",
  "Zudem rief Baerbock zu ehrgeizigeren Klimazielen auf, damit die Welt auf dem in Paris vereinbarten 1,5-Grad-Pfad bleibt.",
  "In Berlin war es am Dienstag grau und regnerisch.",
].join(" ");
const DE_BOOST = [
  "xinjiang",
  "uiguren",
  "menschenrecht",
  "ukraine",
  "angriffskrieg",
  "klima",
  "1,5-grad",
  "vereinten nationen",
];

describe("summaries", () => {
  it("carry all three threads of the headline story in English, within 500 characters", () => {
    const summary = summarize({
      title: EN_TITLE,
      text: EN_TEXT,
      language: "en",
      budget: 500,
      boostTerms: EN_BOOST,
    });
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary).toContain("Xinjiang");
    expect(summary).toContain("Ukraine");
    expect(summary).toMatch(/climate targets/);
    expect(summary).not.toContain("rainy");
    // Original order is kept.
    expect(summary.indexOf("Xinjiang")).toBeLessThan(summary.indexOf("Ukraine"));
    expect(summary.indexOf("Ukraine")).toBeLessThan(summary.indexOf("climate"));
  });

  it("carry all three threads of the headline story in German", () => {
    const summary = summarize({
      title: DE_TITLE,
      text: DE_TEXT,
      language: "de",
      budget: 500,
      boostTerms: DE_BOOST,
    });
    expect(summary.length).toBeLessThanOrEqual(500);
    expect(summary).toContain("Xinjiang");
    expect(summary).toContain("Ukraine");
    expect(summary).toMatch(/Klimazielen/);
    expect(summary).not.toContain("regnerisch");
  });

  it("prefer the subscriber's topic when the budget allows one sentence", () => {
    const base = {
      title: EN_TITLE,
      text: EN_TEXT,
      language: "en",
      budget: 200,
      boostTerms: EN_BOOST,
    };
    expect(summarize({ ...base, focusTerms: ["climate", "1.5-degree"] })).toMatch(
      /climate targets/,
    );
    expect(summarize({ ...base, focusTerms: ["ukraine", "russia"] })).toMatch(/war of aggression/);
    expect(summarize({ ...base, focusTerms: ["xinjiang", "uyghurs"] })).toMatch(/Uyghurs/);
  });

  it("are the teaser itself, cleaned, when the feed gives only a teaser", () => {
    const teaser =
      "BRUSSELS (Reuters) - EU ministers agreed   new sanctions on Thursday.\nRead more";
    expect(summarize({ title: "EU sanctions", text: teaser, budget: 500 })).toBe(
      "EU ministers agreed new sanctions on Thursday.",
    );
  });

  it("drop boilerplate and keep the sentence after a dateline", () => {
    const text =
      "KYIV, Nov 27 (AP) — Ukraine's parliament approved the budget. The post Budget passed appeared first on Example News. Click here to subscribe. © 2026 Example Media";
    expect(summarize({ title: "Budget", text, budget: 500 })).toBe(
      "Ukraine's parliament approved the budget.",
    );
  });

  it("are empty for empty text and bounded for a megabyte of it", () => {
    expect(summarize({ title: "t", text: "", budget: 500 })).toBe("");
    expect(summarize({ title: "t", text: "   \n ", budget: 500 })).toBe("");
    const huge = "The council met again and discussed the ceasefire in detail. ".repeat(17_000);
    const started = performance.now();
    const summary = summarize({
      title: "Council",
      text: huge,
      budget: 500,
      boostTerms: ["ceasefire"],
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.length).toBeLessThanOrEqual(500);
  });

  it("cut a single over-long sentence at a word boundary with an ellipsis", () => {
    const text =
      "Negotiators in Geneva worked through the night on a draft text covering humanitarian corridors, prisoner exchanges and the monitoring of a ceasefire line";
    const summary = summarize({ title: "Talks", text, budget: 60 });
    expect(summary.length).toBeLessThanOrEqual(60);
    expect(summary.endsWith("…")).toBe(true);
    expect(text.startsWith(summary.slice(0, -1))).toBe(true);
    expect(text[summary.length - 1]).toBe(" "); // the cut falls between words
  });
});

describe("sentence splitting", () => {
  it("does not split after abbreviations, initials or in numbers", () => {
    expect(
      splitSentences(
        "The U.S. and the U.K. met Dr. Smith at 3.5 p.m. on Jan. 5. He said J. K. Rowling was there. Then they left.",
      ),
    ).toEqual([
      "The U.S. and the U.K. met Dr. Smith at 3.5 p.m. on Jan. 5.",
      "He said J. K. Rowling was there.",
      "Then they left.",
    ]);
    expect(
      splitSentences(
        "Am 3. Oktober feiert Deutschland. Die Ministerin traf z. B. Vertreter der Nr. 1 Partei u. a. in Berlin. Dann reiste sie ab.",
        "de",
      ),
    ).toEqual([
      "Am 3. Oktober feiert Deutschland.",
      "Die Ministerin traf z. B. Vertreter der Nr. 1 Partei u. a. in Berlin.",
      "Dann reiste sie ab.",
    ]);
    expect(
      splitSentences(
        "M. Macron a rencontré Mme Dupont à Paris. Ils ont parlé de l'inflation de 2,5 %.",
        "fr",
      ),
    ).toEqual([
      "M. Macron a rencontré Mme Dupont à Paris.",
      "Ils ont parlé de l'inflation de 2,5 %.",
    ]);
  });

  it("ends a sentence at a paragraph break", () => {
    expect(splitSentences("First paragraph without a stop\nSecond one.")).toEqual([
      "First paragraph without a stop",
      "Second one.",
    ]);
  });
});

describe("the budget", () => {
  const graphemes = (s: string) =>
    [...new Intl.Segmenter("en", { granularity: "grapheme" }).segment(s)].map((g) => g.segment);
  const fragment = fc.constantFrom(
    "Talks resumed in Doha.",
    "The minister said",
    "👨‍👩‍👧‍👦",
    "🇺🇦",
    "é",
    "e\u0301",
    "中国外交部周二表示。",
    "U.S.",
    "Dr.",
    "\n",
    " ",
    "a",
    "supercalifragilisticexpialidocious",
    "https://example.org/a/very/long/path",
    "!",
    "?",
  );
  const text = fc
    .array(fc.oneof(fragment, fc.string({ maxLength: 30 })), { maxLength: 60 })
    .map((parts) => parts.join(" "));

  it("is never exceeded, never breaks a grapheme or a word, and is deterministic", () => {
    fc.assert(
      fc.property(
        text,
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.constantFrom("talks", "minister", "中国"), { maxLength: 3 }),
        (t, budget, terms) => {
          const input = { title: "Title", text: t, budget, boostTerms: terms };
          const summary = summarize(input);
          expect(summary.length).toBeLessThanOrEqual(budget);
          expect(summarize(input)).toBe(summary);
          if (summary.endsWith("…")) {
            const body = summary.slice(0, -1);
            // Every grapheme of the cut text is a whole grapheme of the source text.
            const source = graphemes(t.replace(/\s+/g, " "));
            const cut = graphemes(body);
            expect(source.join("").includes(body) || cut.every((g) => source.includes(g))).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
