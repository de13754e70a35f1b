/** Shared builders for delivery tests: stories, subscriptions, a silent logger. */
import type Keyv from "keyv";
import pino from "pino";
import { loadTaxonomy } from "../../src/classify/taxonomy.js";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import type { AlertLanguage } from "../../src/deliver/embed.js";
import { Outbox } from "../../src/deliver/outbox.js";
import type { ChannelPoster, ForumPoster } from "../../src/deliver/poster.js";
import { DeliverySender, type DeliverySenderOptions } from "../../src/deliver/sender.js";
import type { TaggedStory, TopicTag } from "../../src/enrich/types.js";
import type { FeedSource } from "../../src/feeds/types.js";
import type { Subscription, SubscriptionStore } from "../../src/subscriptions/store.js";
import { summarize } from "../../src/summarize/index.js";

export const taxonomy = loadTaxonomy();
const DAY_MS = 86_400_000;
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

/** What a delivery pipeline under test runs over: storage, subscriptions, Discord, a clock. */
export interface PipelineWorld {
  kv: Keyv;
  subs: SubscriptionStore;
  poster: ChannelPoster;
  clock: { now: () => number };
}

export interface PipelineOptions {
  sender?: Partial<DeliverySenderOptions>;
  /** Posts messages (default: the world's poster). */
  poster?: ChannelPoster;
  /** Creates forum posts (default: none). */
  forums?: ForumPoster;
  language?: AlertLanguage;
}

/**
 * The delivery side as src/discord/run.ts wires it (sink → outbox → sender → poster), with short
 * back-offs and no jitter. The caller stops the sender (`sender.stop()`) when the test ends.
 */
export function deliveryPipeline(w: PipelineWorld, opts: PipelineOptions = {}) {
  const outbox = new Outbox(
    { kv: w.kv, subscriptions: w.subs, taxonomy, now: w.clock.now },
    { retentionMs: 30 * DAY_MS },
  );
  const sender = new DeliverySender(
    {
      outbox,
      subscriptions: w.subs,
      poster: opts.poster ?? w.poster,
      ...(opts.forums ? { forums: opts.forums } : {}),
      taxonomy,
      log: silentLog,
      now: w.clock.now,
      random: () => 0.5,
      ...(opts.language ? { language: opts.language } : {}),
    },
    { backoffBaseMs: 200, backoffMaxMs: 1000, idleMs: 500, ...opts.sender },
  );
  const sink = new DiscordSink({
    outbox,
    subscriptions: w.subs,
    sender,
    summarize,
    log: silentLog,
  });
  return { outbox, sender, sink };
}
