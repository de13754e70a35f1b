/** Shared builders for delivery tests: stories, subscriptions, a silent logger. */
import pino from "pino";
import { loadTaxonomy } from "../../src/classify/taxonomy.js";
import type { TaggedStory, TopicTag } from "../../src/enrich/types.js";
import type { FeedSource } from "../../src/feeds/types.js";
import type { Subscription } from "../../src/subscriptions/store.js";

export const taxonomy = loadTaxonomy();
export const silentLog = pino({ level: "silent" });

export const FEED: FeedSource = {
  id: "f1",
  name: "Wire",
  url: "https://example.org/feed",
  origin: "operator",
};

export function tag(id: string, score: number, terms: string[] = []): TopicTag {
  return { id, score, evidence: terms.map((term) => ({ term, count: 1, inTitle: 0 })) };
}

export function story(n: number, overrides: Partial<TaggedStory> = {}): TaggedStory {
  const published = new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();
  return {
    id: `s${String(n).padStart(4, "0")}`,
    feedId: "f1",
    feedName: "Wire",
    title: `Story number ${n}`,
    text: `Body of story ${n}. Ministers met to discuss sanctions and the climate.`,
    url: `https://example.org/news/${n}`,
    publishedAt: published,
    publishedEstimated: false,
    firstSeenAt: published,
    categories: [],
    topics: [tag("climate", 0.8, ["climate"])],
    countries: ["DE"],
    language: "en",
    summary: `Summary of story ${n}.`,
    ...overrides,
  };
}

export function sub(overrides: Partial<Subscription> = {}): Subscription {
  return {
    guildId: "g1",
    channelId: "c1",
    topic: "climate",
    minScore: 0,
    keywords: [],
    createdBy: "u1",
    createdAt: 0,
    status: "active",
    alertsSent: 0,
    ...overrides,
  };
}
