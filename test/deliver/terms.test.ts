/** Keywords and exclusions: how terms are found, and how logged hits decide per subscription. */
import { describe, expect, it } from "vitest";
import type { AlertEntry } from "../../src/deliver/alert-log.js";
import { entryTopics, matchSubscriptions } from "../../src/deliver/match.js";
import { anyTermIn, termHits, termKey } from "../../src/deliver/terms.js";
import { story, sub } from "./fixtures.js";

describe("terms", () => {
  it.each([
    // German: umlauts and ß either way, any case.
    ["Fußball", "Die Fussball-WM beginnt", true],
    ["Fussball", "Fußballverband in der Kritik", false], // a compound: not the whole word
    ["Fussball", "Der FUSSBALL und die Politik", true],
    ["Müller", "Kanzler trifft Thomas Muller", true],
    ["Bundestagswahl", "Nach der bundestagswahl", true],
    // French: accents either way.
    ["élection", "Une election contestée", true],
    ["Coupe du monde", "la coupe  du\nmonde de football", true],
    ["Eurovision", "L'EUROVISION à Bâle", true],
    ["Eurovision", "Eurovisionsong", false],
    ["football", "Football: la Coupe", true],
    // Whole words only.
    ["EU", "Europe weighs sanctions", false],
    ["EU", "the EU weighs sanctions", true],
  ])("%s in %j → %s", (term, text, found) => {
    expect(anyTermIn([term], text)).toBe(found);
  });

  it("keys fold case, accents and spacing, so the same term is stored once", () => {
    expect(termKey("  Élection   présidentielle ")).toBe("election presidentielle");
    expect(termKey("STRASSE")).toBe(termKey("Straße"));
    expect(termHits(["Eurovision", "eurovision", "Football"], "Eurovision final")).toEqual([
      "eurovision",
    ]);
  });
});

describe("exclusions", () => {
  const football = story(1, {
    title: "Fußball-Ärger: Minister streiten über Klimaschutz im Stadion",
    text: "Der Fußball und das Klima.",
  });

  it("a story with an excluded term is not matched to that subscription", () => {
    const subs = [
      sub({ channelId: "c1", exclude: ["football", "fussball"] }),
      sub({ channelId: "c2" }),
    ];
    expect(matchSubscriptions(football, subs).map((m) => m.channelId)).toEqual(["c2"]);
  });

  function entry(overrides: Partial<AlertEntry> = {}): AlertEntry {
    const { text: _text, ...lite } = story(2);
    return {
      seq: 0,
      storyId: lite.id,
      at: 1000,
      checkedAt: 1000,
      story: lite,
      summaries: {},
      keywordHits: [],
      excludeHits: ["eurovision"],
      ...overrides,
    };
  }

  it("logged hits decide per subscription, compared folded", () => {
    expect(entryTopics(entry(), [sub({ exclude: ["EUROVISION"] })])).toEqual([]);
    expect(entryTopics(entry(), [sub({ exclude: ["football"] })])).toEqual(["climate"]);
    // One excluding subscription does not hide the story from another topic's in the channel.
    const e = entry({
      story: {
        ...entry().story,
        topics: [...entry().story.topics, { id: "energy", score: 0.7, evidence: [] }],
      },
    });
    expect(entryTopics(e, [sub({ exclude: ["Eurovision"] }), sub({ topic: "energy" })])).toEqual([
      "energy",
    ]);
  });

  it("a subscription made or changed after the terms were looked for does not get the story", () => {
    // Changed between the look (checkedAt) and the log write (at): its new exclusion may not
    // have been looked for, so the story is not judged by hits that may lack it.
    const late = entry({ checkedAt: 1000, at: 1005, excludeHits: [] });
    expect(entryTopics(late, [sub({ createdAt: 1003, exclude: ["football"] })])).toEqual([]);
    expect(entryTopics(late, [sub({ createdAt: 999, exclude: ["football"] })])).toEqual([
      "climate",
    ]);
  });

  it("entries logged before exclusions existed are read without them", () => {
    const old = entry({ excludeHits: undefined, checkedAt: undefined });
    expect(entryTopics(old, [sub({ createdAt: 0 })])).toEqual(["climate"]);
  });
});
