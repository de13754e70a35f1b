/**
 * A focused alert (the summary a channel subscribed to one topic gets) puts that topic first and
 * spends the budget it leaves on the story's other threads, as the general summary does.
 */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import type { Outbox } from "../../src/deliver/outbox.js";
import { createEnricher } from "../../src/enrich/enricher.js";
import type { Subscription } from "../../src/subscriptions/store.js";
import { summarize } from "../../src/summarize/index.js";
import { THREADED_HEADLINE } from "../fixtures/headline.js";

const classifier = createClassifier(loadTaxonomy());
const enricher = createEnricher({ classifier, summarize, summaryBudget: 500 });

const TEXT = THREADED_HEADLINE.en.sentences;
const WAR = TEXT[3] as string;
const CLIMATE = TEXT[4] as string;

const tagged = enricher.enrich({
  id: "s1",
  feedId: "f1",
  feedName: "Example Wire",
  url: "https://example.org/story",
  title: THREADED_HEADLINE.en.title,
  text: TEXT.join(" "),
  publishedAt: "2026-12-03T06:00:00.000Z",
  publishedEstimated: false,
  firstSeenAt: "2026-12-03T06:00:00.000Z",
  categories: [],
});

function alertSummaries(topics: string[], summaryBudget: number): Record<string, string> {
  const subscriptions = topics.map(
    (topic, i) =>
      ({ topic, minScore: 0, keywords: [], channelId: `c${i}` }) as unknown as Subscription,
  );
  const sink = new DiscordSink({
    outbox: { now: () => 0 } as unknown as Outbox,
    subscriptions: { active: () => subscriptions },
    sender: { notify: () => {} },
    summarize,
    log: pino({ level: "silent" }),
    summaryBudget,
  });
  return sink.entriesFor([tagged])[0]?.summaries ?? {};
}

describe("a focused alert with budget left", () => {
  it("covers the story's other threads after the subscribed topic", () => {
    const { climate } = alertSummaries(["climate"], 700);
    expect(climate?.length).toBeLessThanOrEqual(700);
    // The climate reader's own sentence, the story's lead on Xinjiang, and Russia's war rather
    // than a second and third sentence on Xinjiang.
    expect(climate).toContain(CLIMATE);
    expect(climate).toContain(TEXT[0]);
    expect(climate).toContain(WAR);
  });

  it("still gives the subscribed topic its sentences first when the budget is short", () => {
    const { china } = alertSummaries(["china"], 500);
    expect(china?.split(/(?<=[.!?])\s+/).filter((s) => s.includes("Xinjiang")).length).toBe(3);
    expect(china).not.toContain(CLIMATE);
  });
});
