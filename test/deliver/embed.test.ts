import type { APIEmbed } from "discord.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildAlertEmbed,
  buildRollup,
  countryLabel,
  EMBED_LIMITS,
  embedLength,
  englishAlerts,
  packEmbeds,
  safeUrl,
  sanitize,
  truncate,
} from "../../src/deliver/embed.js";
import { storyEmbed } from "../../src/discord/format.js";
import { buildStoryCard } from "../../src/discord/story-card.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { validateMessageBody } from "../discord-emulator/validate.js";
import { story, tag, taxonomy } from "./fixtures.js";

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const graphemes = (s: string): string[] => [...segmenter.segment(s)].map((g) => g.segment);

/** Mention syntax that would render as (or ping as) a mention. */
const LIVE_MENTION = /@everyone|@here|<@[!&]?\d+>|<#\d+>/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function assertWithinLimits(embed: APIEmbed): void {
  expect(embed.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
  expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.fields);
  for (const f of embed.fields ?? []) {
    expect(f.name.length).toBeGreaterThan(0);
    expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
    expect(f.value.length).toBeGreaterThan(0);
    expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
  }
  expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.footer);
  expect(embed.author?.name.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.authorName);
  expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  if (embed.url) expect(embed.url).toMatch(/^https?:\/\//);
}

const NASTY = [
  "👨‍👩‍👧‍👦",
  "🇺🇦",
  "🏳️‍🌈",
  "e\u0301\u0302\u0303",
  "@everyone",
  "@here",
  "<@&123456789012345678>",
  "<@!123456789012345678>",
  "<#123456789012345678>",
  "[click](javascript:alert(1))",
  "[x](https://evil.example)",
  "**bold** __u__ ~~s~~ ||spoiler|| `code` ```block```",
  "# heading\n- item\n1. one",
  "\u202Eevil\u202C",
  "\u0000\u0007\u001B\u007F",
  "\u200D\u200B\uFEFF",
  "שלום עולם",
  "مرحبا بالعالم",
  "\uD800",
  "\uDC00x",
  "\r\n\t",
  "a".repeat(300),
];

const nastyText = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "binary", maxLength: 40 })), {
    maxLength: 40,
  })
  .chain((parts) =>
    fc.integer({ min: 1, max: 200 }).map((times) => {
      const joined = parts.join(" ");
      // Sometimes huge: well past every limit.
      return times > 170 ? joined.repeat(times - 150) : joined;
    }),
  );

const urlArb = fc.oneof(
  fc.constant("javascript:alert(1)"),
  fc.constant("JaVaScRiPt:alert(1)"),
  fc.constant(" javascript:alert(1)"),
  fc.constant("data:text/html,<b>x</b>"),
  fc.constant("/relative/path"),
  fc.constant(`https://example.org/${"x".repeat(3000)}`),
  fc.webUrl(),
  fc.string(),
);

describe("truncate", () => {
  it("leaves short text alone and ends cut text with an ellipsis", () => {
    expect(truncate("hello", 10)).toBe("hello");
    expect(truncate("hello world", 8)).toBe("hello…");
    expect(truncate("hello world", 8).length).toBeLessThanOrEqual(8);
  });

  it("never splits a family emoji, a flag or combining marks", () => {
    const family = "👨‍👩‍👧‍👦";
    expect(truncate(`ab${family}cd`, 6)).toBe("ab…");
    expect(truncate("🇺🇦🇩🇪🇫🇷", 5)).toBe("🇺🇦…");
    expect(truncate("e\u0301e\u0301e\u0301", 4)).toBe("e\u0301…");
  });

  it("property: a cut keeps a whole-grapheme prefix and respects the limit", () => {
    fc.assert(
      fc.property(nastyText, fc.integer({ min: 1, max: 300 }), (text, max) => {
        const out = truncate(text, max);
        expect(out.length).toBeLessThanOrEqual(max);
        if (out === text) return;
        expect(out.endsWith("…")).toBe(true);
        const kept = graphemes(out.slice(0, -1));
        expect(kept).toEqual(graphemes(text.slice(0, max + 64)).slice(0, kept.length));
      }),
      { numRuns: 300 },
    );
  });
});

describe("sanitize", () => {
  it("escapes markdown, breaks masked links and mentions, strips controls", () => {
    const out = sanitize("**x** [a](https://e.example) @everyone <@&1> <#2>\u0007\u202E");
    expect(out).toContain("\\*\\*x\\*\\*");
    expect(out).not.toMatch(/\]\(/);
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).not.toMatch(/[\u0007\u202E]/);
  });
});

describe("safeUrl", () => {
  it("keeps http(s) only", () => {
    expect(safeUrl("https://example.org/a?b=c")).toBe("https://example.org/a?b=c");
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl("data:text/html,x")).toBeUndefined();
    expect(safeUrl("/relative")).toBeUndefined();
    expect(safeUrl(undefined)).toBeUndefined();
  });
});

describe("buildAlertEmbed", () => {
  it("links the title, lists focus topic first, flags countries, names the source", () => {
    const s = story(1, {
      topics: [tag("climate", 0.9), tag("energy", 0.6)],
      countries: ["de", "UA"],
    });
    const embed = buildAlertEmbed(s, {
      taxonomy,
      summary: "Short summary.",
      focusTopic: "energy",
      matchedTopics: ["energy"],
    });
    const energy = taxonomy.topics.find((t) => t.id === "energy");
    const climate = taxonomy.topics.find((t) => t.id === "climate");
    expect(embed.title).toBe("Story number 1");
    expect(embed.url).toBe("https://example.org/news/1");
    expect(embed.description).toBe("Short summary.");
    expect(embed.color).toBe(energy?.color);
    expect(embed.author?.name).toBe("Wire");
    expect(embed.timestamp).toBe(s.publishedAt);
    expect(embed.fields?.[0]?.value).toBe(
      `${energy?.emoji} ${energy?.label} · ${climate?.emoji} ${climate?.label}`,
    );
    expect(embed.fields?.[1]?.value).toBe(`${countryLabel("DE")} ${countryLabel("UA")}`);
    expect(countryLabel("UA")).toBe("🇺🇦 UA");
  });

  it("drops javascript: URLs and neutralises mentions in the title", () => {
    const s = story(2, {
      title: "@everyone <@&123> breaking",
      url: "javascript:alert(document.cookie)",
    });
    const embed = buildAlertEmbed(s, { taxonomy, summary: "@here look" });
    expect(embed.url).toBeUndefined();
    const json = JSON.stringify({ embeds: [embed], allowed_mentions: { parse: [] } });
    expect(json).not.toMatch(LIVE_MENTION);
    expect(json).not.toContain("javascript:");
  });

  it("property: never exceeds a limit, never links javascript:, never pings", () => {
    fc.assert(
      fc.property(
        nastyText,
        nastyText,
        nastyText,
        urlArb,
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 300 }),
        urlArb,
        (title, summary, feedName, url, countries, imageUrl) => {
          const s = story(3, { title, feedName, url, countries, imageUrl });
          const embed = buildAlertEmbed(s, { taxonomy, summary, focusTopic: "climate" });
          assertWithinLimits(embed);
          const json = JSON.stringify(embed);
          // No link anywhere can lead to javascript: — neither a URL field nor a masked link
          // (feed text may mention the word; without link syntax it is inert).
          expect(embed.url ?? "https://").toMatch(/^https?:\/\//);
          expect(embed.thumbnail?.url ?? "https://").toMatch(/^https?:\/\//);
          expect(json).not.toMatch(/\]\(/);
          expect(json).not.toMatch(LIVE_MENTION);
          for (const text of [embed.title, embed.description, embed.author?.name]) {
            if (text) expect(text).not.toMatch(LONE_SURROGATE);
          }
          // The emulator checks like Discord (code points, URL schemes, 6,000 total).
          expect(validateMessageBody({ embeds: [embed] }).ok).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("the story card", () => {
  const pictured = story(4, {
    title: "Ministers agree climate finance deal",
    topics: [tag("climate", 0.9, ["climate"]), tag("energy", 0.4)],
    countries: ["DE", "FR"],
    author: "Jane Doe",
    imageUrl: "https://img.example.org/4.jpg",
    summary: "Ministers agreed a climate finance deal.",
  });

  it("shows the story's picture as the thumbnail, and nothing for stories stored without one", () => {
    const card = buildAlertEmbed(pictured, { taxonomy, summary: pictured.summary });
    expect(card.thumbnail).toEqual({ url: "https://img.example.org/4.jpg" });
    const { imageUrl: _, ...old } = pictured;
    expect(buildAlertEmbed(old, { taxonomy, summary: old.summary }).thumbnail).toBeUndefined();
    for (const bad of ["javascript:alert(1)", "data:image/png;base64,AAAA", "/rel.jpg"]) {
      const card = buildAlertEmbed({ ...pictured, imageUrl: bad }, { taxonomy, summary: "s" });
      expect(card.thumbnail).toBeUndefined();
    }
    expect(validateMessageBody({ embeds: [card] }).ok).toBe(true);
  });

  it("is the same card in an alert and in a command reply: fields, source, time, colour, picture", () => {
    const alert = buildAlertEmbed(pictured, {
      taxonomy,
      summary: pictured.summary,
      focusTopic: "climate",
      matchedTopics: ["climate"],
    });
    const reply = storyEmbed(pictured, taxonomy, { topic: "climate" });
    const climate = taxonomy.topics.find((t) => t.id === "climate");
    expect(Object.keys(reply).sort()).toEqual(Object.keys(alert).sort());
    // The alert adds "Why": the evidence behind its topics; a reply lists the story as it is.
    expect(alert.fields?.map((f) => f.name)).toEqual(["Topics", "Countries", "Why"]);
    expect(reply.fields).toEqual(alert.fields?.slice(0, 2));
    expect(reply.fields?.map((f) => f.name)).toEqual(["Topics", "Countries"]);
    expect(reply.author).toEqual({ name: "Wire · Jane Doe" });
    expect(reply.author).toEqual(alert.author);
    expect(reply.timestamp).toBe(pictured.publishedAt);
    expect(reply.color).toBe(climate?.color);
    expect(reply.thumbnail).toEqual(alert.thumbnail);
    expect(reply.title).toBe(alert.title);
    expect(reply.url).toBe(alert.url);
  });

  it("takes field names from labels, English by default", () => {
    const card = buildStoryCard(pictured, {
      taxonomy,
      labels: { topics: "Themen", countries: "Länder", untitled: "(ohne Titel)" },
    });
    expect(card.fields?.map((f) => f.name)).toEqual(["Themen", "Länder"]);
    const untitled = buildStoryCard(
      { ...pictured, title: " " },
      { taxonomy, labels: { untitled: "(ohne Titel)" } },
    );
    expect(untitled.title).toBe("(ohne Titel)");
  });

  it("focuses the summary on the reader's topic when the story's text is at hand", () => {
    const text =
      "The summit opened in Geneva with speeches by twelve heads of government. " +
      "Delegates then discussed the refurbishment of the conference hall at length. " +
      "Late in the day ministers pledged new climate finance and faster emissions cuts under the Paris Agreement. " +
      "The next summit will take place in Nairobi.";
    const s = story(5, {
      text,
      summary: "The summit opened in Geneva with speeches by twelve heads of government.",
      topics: [
        tag("climate", 0.7, ["climate", "emissions", "paris agreement"]),
        tag("un-multilateral", 0.8, ["summit"]),
      ],
    });
    const focused = storyEmbed(s, taxonomy, { topic: "climate", summaryChars: 120 });
    expect(focused.description).toContain("climate finance");
    const general = storyEmbed(s, taxonomy, { summaryChars: 120 });
    expect(general.description).toBe(s.summary);
  });
});

describe("packEmbeds", () => {
  it("property: ≤ 10 embeds and ≤ 6,000 characters per message, order kept", () => {
    fc.assert(
      fc.property(fc.array(nastyText, { minLength: 1, maxLength: 35 }), (summaries) => {
        const embeds = summaries.map((summary, i) =>
          buildAlertEmbed(story(i, { title: summary.slice(0, 400) }), { taxonomy, summary }),
        );
        const messages = packEmbeds(embeds);
        expect(messages.flat()).toEqual(embeds);
        for (const m of messages) {
          expect(m.length).toBeLessThanOrEqual(EMBED_LIMITS.embedsPerMessage);
          expect(m.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(EMBED_LIMITS.total);
          expect(validateMessageBody({ embeds: m }).ok).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("buildRollup", () => {
  it("lists linked titles within the description limit and says how many more", () => {
    const stories = Array.from({ length: 200 }, (_, i) => ({
      title: `[Video] Headline ${i} ${"x".repeat(60)} @everyone`,
      url: `https://example.org/a_(b)/${i}`,
    }));
    const climate = taxonomy.topics.find((t) => t.id === "climate");
    const embed = buildRollup(stories, englishAlerts("g"), climate);
    assertWithinLimits(embed);
    expect(embed.title).toContain("200 more stories");
    expect(embed.color).toBe(climate?.color);
    expect(embed.description).toMatch(/and \d+ more$/);
    expect(embed.description).not.toMatch(LIVE_MENTION);
    // Every line is one whole masked link: brackets in titles cannot break out.
    for (const line of (embed.description ?? "").split("\n").slice(0, -1)) {
      expect(line).toMatch(/^• \[[^[\]]+\]\(https:\/\/example\.org\/a_%28b%29\/\d+\)$/);
    }
    expect(validateMessageBody({ embeds: [embed] }).ok).toBe(true);
  });

  it("names a single story without 'more'", () => {
    const embed = buildRollup([{ title: "Only one" }], englishAlerts("g"));
    expect(embed.title).toBe("1 more story from the past hour");
    expect(embed.description).toBe("• Only one");
  });

  it("speaks the server's language: German and French headings, topic, 'more' and footer", () => {
    const messages = loadMessages();
    const climate = taxonomy.topics.find((t) => t.id === "climate");
    const many = Array.from({ length: 120 }, (_, i) => ({
      title: `Headline ${i} ${"y".repeat(60)}`,
      url: `https://example.org/${i}`,
    }));
    const de = buildRollup(many, messages.for("de"), climate);
    expect(de.title).toBe("🌍 Klima: 120 weitere Meldungen aus der letzten Stunde");
    expect(de.description).toMatch(/\nund \d+ weitere$/);
    expect(de.footer?.text).toBe("Stündliches Meldungslimit für diesen Kanal erreicht");
    const fr = buildRollup([{ title: "Seul" }], messages.for("fr"));
    expect(fr.title).toBe("1 autre article de la dernière heure");
  });
});
