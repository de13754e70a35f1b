/** A forum post's title and tag, from an alert. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tagForTopic, threadTitle } from "../../src/deliver/forum.js";
import { taxonomy } from "./fixtures.js";

const UNTITLED = "(ohne Titel)";
/** A high surrogate without its low one, or a low one without its high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const topic = (id: string) => taxonomy.topics.find((t) => t.id === id);

describe("forum posts", () => {
  it("titles a post with the headline on one line, cut at a word within 100 characters", () => {
    expect(threadTitle("  EU weighs\nnew sanctions  ", UNTITLED)).toBe("EU weighs new sanctions");
    const long = `${"Negotiators agree ".repeat(8)}on finance`;
    const title = threadTitle(long, UNTITLED);
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title).toMatch(/(Negotiators|agree)…$/);
    // One overlong word is cut rather than lost.
    expect(threadTitle("x".repeat(150), UNTITLED)).toHaveLength(100);
    // A blank headline takes the server's word for untitled.
    expect(threadTitle("  \n ", UNTITLED)).toBe("(ohne Titel)");
  });

  it("cuts non-ASCII headlines between characters and graphemes, never inside one", () => {
    const bold = threadTitle(`${"x".repeat(98)}${"𝐀".repeat(5)}`, UNTITLED);
    expect(bold.length).toBeLessThanOrEqual(100);
    expect(bold).not.toMatch(LONE_SURROGATE);
    // é as e + combining accent: the mark stays with its letter.
    const marked = threadTitle(`${"e\u0301".repeat(60)}`, UNTITLED);
    expect(marked.length).toBeLessThanOrEqual(100);
    expect(marked.normalize("NFC")).toMatch(/^é+…$/u);
    expect(threadTitle(`Gespräche über 𝐀𝐁𝐂 ${"Ausgleichszahlungen ".repeat(6)}`, UNTITLED)).toBe(
      "Gespräche über 𝐀𝐁𝐂 Ausgleichszahlungen Ausgleichszahlungen Ausgleichszahlungen…",
    );
  });

  it("any headline: at most 100 UTF-16 units, no lone surrogate, whole words where they fit", () => {
    const letter = fc.constantFrom("a", "Z", "é", "e\u0301", "ß", "𝐀", "𝒵", "ñ", "o\u0308", "Ж");
    const word = fc.array(letter, { minLength: 1, maxLength: 14 }).map((l) => l.join(""));
    const gap = fc.constantFrom(" ", "  ", "\n", "\t ");
    fc.assert(
      fc.property(fc.array(fc.tuple(word, gap), { minLength: 1, maxLength: 40 }), (parts) => {
        const headline = parts.map(([w, g]) => w + g).join("");
        const words = parts.map(([w]) => w);
        const title = threadTitle(headline, UNTITLED);
        expect(title.length).toBeLessThanOrEqual(100);
        expect(title.length).toBeGreaterThan(0);
        expect(title).not.toMatch(LONE_SURROGATE);
        const line = words.join(" ");
        if (line.length <= 100) {
          expect(title).toBe(line);
          return;
        }
        expect(title.endsWith("…")).toBe(true);
        // When the first word fits, the title is the first few words, none of them cut.
        if ((words[0] as string).length <= 99) {
          const kept = title.slice(0, -1).split(" ");
          expect(kept).toEqual(words.slice(0, kept.length));
        }
      }),
      { numRuns: 300 },
    );
    // Anything at all, emoji and stray surrogates included, and one long token (a run-together
    // name or URL of astral letters) that can only be cut inside.
    const token = fc.string({
      unit: fc.constantFrom("x", "𝐀", "𝒵", "e\u0301"),
      minLength: 40,
      maxLength: 120,
    });
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 200 }),
        fc.string({ unit: "binary", maxLength: 150 }),
        token,
        (a, b, c) => {
          for (const text of [a, b, c, a + b, b + c]) {
            const title = threadTitle(text, UNTITLED);
            expect(title.length).toBeLessThanOrEqual(100);
            if (!LONE_SURROGATE.test(text)) expect(title).not.toMatch(LONE_SURROGATE);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("picks the tag named after the topic by label or id, ignoring case and accents", () => {
    const tags = [
      { id: "1", name: "Russia and Ukraine" },
      { id: "2", name: "CLIMATE" },
      { id: "3", name: "migration", moderated: true },
      { id: "4", name: "énergie" },
    ];
    expect(tagForTopic(tags, topic("russia-ukraine"))?.id).toBe("1");
    expect(tagForTopic(tags, topic("climate"))?.id).toBe("2");
    // Only moderators may apply it: the bot is not one.
    expect(tagForTopic(tags, topic("migration"))).toBeUndefined();
    expect(tagForTopic([{ id: "5", name: "russia-ukraine" }], topic("russia-ukraine"))?.id).toBe(
      "5",
    );
    expect(tagForTopic(tags, topic("china"))).toBeUndefined();
  });

  it("picks a tag named after the topic in any language the taxonomy has", () => {
    const tags = [
      { id: "1", name: "KLIMA" },
      { id: "2", name: "Énergie" },
      { id: "3", name: "Handel und Sanktionen" },
      { id: "4", name: "Securite & defense" },
      { id: "5", name: "Russie et Ukraine" },
    ];
    expect(tagForTopic(tags, topic("climate"))?.id).toBe("1");
    expect(tagForTopic(tags, topic("energy"))?.id).toBe("2");
    expect(tagForTopic(tags, topic("trade-sanctions"))?.id).toBe("3");
    expect(tagForTopic(tags, topic("security-defence"))?.id).toBe("4");
    expect(tagForTopic(tags, topic("russia-ukraine"))?.id).toBe("5");
    expect(tagForTopic([{ id: "6", name: "Klimat" }], topic("climate"))).toBeUndefined();
  });

  it("ignores punctuation and spacing in tag names, as admins type them", () => {
    expect(tagForTopic([{ id: "7", name: "Moyen Orient" }], topic("middle-east"))?.id).toBe("7");
    expect(tagForTopic([{ id: "8", name: "middle-east" }], topic("middle-east"))?.id).toBe("8");
    expect(tagForTopic([{ id: "9", name: "Russia/Ukraine" }], topic("russia-ukraine"))?.id).toBe(
      "9",
    );
    expect(tagForTopic([{ id: "10", name: "Middle" }], topic("middle-east"))).toBeUndefined();
  });
});
