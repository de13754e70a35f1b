import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { createEnricher } from "../../src/enrich/enricher.js";
import type { Story } from "../../src/feeds/types.js";
import { summarize } from "../../src/summarize/index.js";
import { THREADED_HEADLINE } from "../fixtures/headline.js";

const classifier = createClassifier(loadTaxonomy());
const enricher = createEnricher({ classifier, summarize, summaryBudget: 500 });

const EN = {
  title: THREADED_HEADLINE.en.title,
  text: THREADED_HEADLINE.en.sentences.join(" "),
};
const DE = {
  title: THREADED_HEADLINE.de.title,
  text: THREADED_HEADLINE.de.sentences.join(" "),
};

function story(s: { title: string; text: string }): Story {
  return {
    id: "s1",
    feedId: "f1",
    feedName: "Example Wire",
    url: "https://example.org/story",
    title: s.title,
    text: s.text,
    publishedAt: "2026-12-03T06:00:00.000Z",
    publishedEstimated: false,
    firstSeenAt: "2026-12-03T06:00:00.000Z",
    categories: [],
  };
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).filter(Boolean);
}

describe.each([
  ["en", EN, /Russia's war of aggression against Ukraine/, /1\.5-degree path/],
  ["de", DE, /russischen Angriffskrieg gegen die Ukraine/, /1,5-Grad-Pfad/],
] as const)("a story with several threads (%s)", (_lang, input, war, climate) => {
  const tagged = enricher.enrich(story(input));

  it("gets a general summary that covers Xinjiang, Russia's war and the 1.5-degree path", () => {
    expect(tagged.summary.length).toBeLessThanOrEqual(500);
    expect(tagged.summary).toContain("Xinjiang");
    expect(tagged.summary).toMatch(war);
    expect(tagged.summary).toMatch(climate);
  });

  it("keeps the chosen sentences whole and in their original order", () => {
    const chosen = sentencesOf(tagged.summary);
    const all = sentencesOf(input.text);
    const positions = chosen.map((s) => all.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("still puts a subscriber's topic first in that subscriber's alert", () => {
    const topicTerms = tagged.topics.map((t) => t.evidence.map((e) => e.term));
    const china = tagged.topics.find((t) => t.id === "china")?.evidence.map((e) => e.term);
    expect(china?.length).toBeGreaterThan(0);
    const alert = summarize({
      title: input.title,
      text: input.text,
      language: tagged.language,
      budget: 500,
      boostTerms: topicTerms.flat(),
      topicTerms,
      focusTerms: china,
    });
    // The reader who follows China gets the Xinjiang sentences, not the climate one.
    expect(sentencesOf(alert).filter((s) => s.includes("Xinjiang")).length).toBeGreaterThan(1);
    expect(alert).not.toMatch(climate);
  });
});

describe("coverage ranking over the topics found", () => {
  it("prefers a sentence on a second topic to another one on the first", () => {
    const text = [
      "The council agreed new sanctions on Iran's oil exports after a long meeting in Brussels.",
      "The sanctions on Iranian oil exports, agreed by the council after the meeting, take effect in May.",
      "Ministers also pledged more humanitarian aid for Sudan, where famine is spreading.",
      "Diplomats said the meeting ran late.",
    ].join(" ");
    const topicTerms = [
      ["sanction*", "oil export*"],
      ["humanitarian aid", "famine"],
    ];
    const input = { title: "Council agrees Iran sanctions", text, language: "en", budget: 200 };
    const summary = summarize({ ...input, boostTerms: topicTerms.flat(), topicTerms });
    expect(summary).toBe(
      "The council agreed new sanctions on Iran's oil exports after a long meeting in Brussels. Ministers also pledged more humanitarian aid for Sudan, where famine is spreading.",
    );
  });
});
