/**
 * Nothing shortened for Discord ends in half a word: titles, summaries, field values, footers,
 * autocomplete names and stored titles all cut between words, within the limit, and never split a
 * backslash escape from its character.
 */
import type { APIEmbed } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DigestGroup } from "../../src/digest/digest.js";
import { alsoReportedBy, digestMessage } from "../../src/digest/format.js";
import { fitEmbeds, joinLines, linesToDescriptions, storyEmbed } from "../../src/discord/format.js";
import { safeText, sanitize, truncate } from "../../src/discord/safe-text.js";
import { buildStoryCard, EMBED_LIMITS } from "../../src/discord/story-card.js";
import { normalizeItem } from "../../src/feeds/normalize.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { truncateText } from "../../src/text/truncate.js";
import { FEED, story, tag, taxonomy } from "../deliver/fixtures.js";
import { validateMessageBody } from "../discord-emulator/validate.js";

const english = loadMessages().for("en-US");

const ENDS_IN_WORD = /[\p{L}\p{M}\p{N}]$/u;
const STARTS_WORD = /^[\p{L}\p{M}\p{N}]/u;
const ODD_BACKSLASHES = /(?<!\\)(?:\\\\)*\\$/;

/**
 * `out` is `full` or a cut of it: a prefix that does not end inside a word, plus "…", within
 * `max`, with no escape left without its character.
 */
function expectWholeWords(out: string, full: string, max: number): void {
  expect(out.length).toBeLessThanOrEqual(max);
  if (out === full) return;
  expect(out.endsWith("…")).toBe(true);
  const kept = out.slice(0, -1);
  expect(full.startsWith(kept)).toBe(true);
  expect(kept).not.toMatch(ODD_BACKSLASHES);
  // The one exception: a first word longer than the whole limit is cut at a grapheme, since
  // Discord refuses an empty title or field.
  const blank = full.search(/\s/);
  if ((blank === -1 ? full.length : blank) > max - 1) return;
  const rest = full.slice(kept.length);
  expect(ENDS_IN_WORD.test(kept) && STARTS_WORD.test(rest)).toBe(false);
}

// Words in spaced scripts (scripts without spaces may legitimately be cut between characters),
// with Markdown, mention and masked-link syntax mixed in so that escapes are cut around.
const word = fc.oneof(
  fc.constantFrom(
    "affair",
    "Außenministerin",
    "Kyiv",
    "1.5-degree",
    "U.S.",
    "Москва",
    "Αθήνα",
    "القاهرة",
    "**bold**",
    "_x_",
    "`code`",
    "@everyone",
    "<@123>",
    "[link](https://e.example)",
    "https://example.org/a/b",
    "1.",
    "-",
    "#",
    ">",
    "\\",
    "🇺🇦",
    "e\u0301te\u0301",
    "—",
    "(UN)",
    "«non»",
  ),
  fc.stringMatching(/^[a-zA-Zäöüéèß0-9*_~|`\\.,;:!?'"()-]{1,12}$/),
);
const sep = fc.constantFrom(" ", " ", " ", "\n", "  ", " - ", "\n\n1. ", "\n# ");
const prose = fc
  .array(fc.tuple(word, sep), { minLength: 1, maxLength: 120 })
  .map((parts) => parts.map(([w, s]) => w + s).join(""));
const budget = fc.integer({ min: 16, max: 600 });

describe("cutting between words", () => {
  it("does not cut the word the review found cut", () => {
    const text =
      "The ministry said the arrest of the journalist was an internal affair of the state and rejected all criticism.";
    expect(truncate(text, 60)).toBe("The ministry said the arrest of the journalist was an…");
    expect(safeText(text, 60)).toBe("The ministry said the arrest of the journalist was an…");
  });

  it("keeps an escape with its character when the cut falls next to it", () => {
    // "- item" and "1. item" are escaped as "\- item" and "1\. item".
    expect(truncate(sanitize("1. Sanktionen gegen Moskau"), 12)).toBe("1…");
    expect(truncate(sanitize("- Sanktionen gegen Moskau"), 12)).toBe("…");
    expect(truncate(sanitize("Moskau\n1. Sanktionen"), 12)).toBe("Moskau\n1…");
    expect(truncate(sanitize("*Moskau* Sanktionen"), 12)).toBe("\\*Moskau\\*…");
  });

  it("property: truncate and truncateText end in whole words, within the limit, escapes whole", () => {
    fc.assert(
      fc.property(prose, budget, (text, max) => {
        expectWholeWords(truncate(text, max), text, max);
        expectWholeWords(truncateText(text, max), text, max);
        const escaped = sanitize(text);
        expectWholeWords(truncate(escaped, max), escaped, max);
      }),
      { numRuns: 400 },
    );
  });

  it("property: safeText cuts the sanitised text between words", () => {
    fc.assert(
      fc.property(prose, budget, fc.boolean(), (text, max, singleLine) => {
        const out = safeText(text, max, { singleLine });
        expectWholeWords(out, sanitize(text, { singleLine }), max);
      }),
      { numRuns: 300 },
    );
  });

  it("property: every text of a story card is whole words (title, summary, source, fields)", () => {
    fc.assert(
      fc.property(prose, prose, prose, fc.integer({ min: 40, max: 4096 }), (t, s, f, chars) => {
        const title = `${t} `.repeat(3).trim();
        const card = buildStoryCard(
          story(1, { title, feedName: f.slice(0, 300), countries: ["UA", "DE"] }),
          { taxonomy, summary: s.repeat(5), summaryChars: chars },
        );
        expectWholeWords(card.title ?? "", sanitize(title, { singleLine: true }), 256);
        expectWholeWords(card.description ?? "", sanitize(s.repeat(5)), chars);
        const source = sanitize(f.slice(0, 300), { singleLine: true });
        if (card.author) expectWholeWords(card.author.name, source, EMBED_LIMITS.authorName);
        expect(validateMessageBody({ embeds: [card] }).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("property: shortening a reply's embeds, lines and field values cuts between words", () => {
    fc.assert(
      fc.property(fc.array(prose, { minLength: 1, maxLength: 10 }), (texts) => {
        const embeds: APIEmbed[] = texts.map((t) => ({ title: "x", description: t.repeat(8) }));
        const fitted = fitEmbeds(embeds, 3000);
        fitted.embeds.forEach((e, i) => {
          const original = embeds[i]?.description ?? "";
          expectWholeWords(e.description ?? "", original, original.length);
        });
        const lines = texts.map((t) => t.replace(/\n/g, " "));
        const { descriptions } = linesToDescriptions(lines, { perEmbed: 200 });
        // Lines hold no line breaks, so the descriptions' lines are the input lines in order.
        descriptions
          .join("\n")
          .split("\n")
          .forEach((line, i) => {
            expectWholeWords(line, lines[i] ?? "", 200);
          });
        const value = joinLines([lines.join(" ")], 100);
        expectWholeWords(value, lines.join(" "), 100);
      }),
      { numRuns: 100 },
    );
  });

  it("property: a digest entry's summary is whole words and keeps 'also reported by'", () => {
    fc.assert(
      fc.property(fc.array(prose, { minLength: 2, maxLength: 10 }), (texts) => {
        const groups: DigestGroup[] = texts.map((t, i) => {
          const lead = story(i, { summary: t.repeat(6), text: "", topics: [tag("climate", 0.9)] });
          return {
            lead,
            stories: [lead, lead],
            outlets: ["Wire", `Other outlet ${i}`],
            topicScore: 0.9,
            latestAt: 0,
          };
        });
        const { embeds } = digestMessage(groups, taxonomy, { hours: 24, tr: english });
        embeds.forEach((e, i) => {
          const group = groups[i] as DigestGroup;
          const also = alsoReportedBy(group.outlets, english) ?? "";
          const description = e.description ?? "";
          expect(description.endsWith(`\n\n${also}`)).toBe(true);
          const summary = description.slice(0, -(also.length + 2));
          expectWholeWords(summary, sanitize(group.lead.summary), summary.length);
        });
      }),
      { numRuns: 60 },
    );
  });

  it("stored titles and texts are cut between words", () => {
    fc.assert(
      fc.property(prose, fc.integer({ min: 20, max: 300 }), (text, max) => {
        const flat = text.replace(/\s+/g, " ").trim();
        const stored = normalizeItem(
          { title: flat, body: flat, categories: [] },
          FEED,
          {},
          Date.UTC(2025, 0, 1),
          { maxTitle: max, maxText: max },
        );
        if (!stored) return;
        expectWholeWords(stored.title, flat, max);
      }),
      { numRuns: 200 },
    );
  });

  it("a reply card's summary ends in a whole word", () => {
    const summary = "An internal affair, the ministry said. ".repeat(30);
    const s = story(7, { summary });
    const reply = storyEmbed(s, taxonomy, { summaryChars: 100 });
    expect(reply.description).toMatch(/(^|\s)\S+…$/);
    expect(reply.description).not.toMatch(/affa…$/);
  });
});
