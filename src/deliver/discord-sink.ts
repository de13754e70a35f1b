/**
 * The poller's sink for Discord: new stories → matching channels → durable outbox → sender.
 * `accept` resolves only once every delivery is stored, because the poller records the stories
 * as seen right after; a crash before that makes the poller offer them again, and the outbox
 * turns the repeat into nothing.
 */
import type { Logger } from "pino";
import type { Taxonomy } from "../classify/taxonomy.js";
import type { TaggedStory } from "../enrich/types.js";
import type { FeedSource } from "../feeds/types.js";
import type { AlertSink } from "../ingest/poll.js";
import type { SubscriptionStore } from "../subscriptions/store.js";
import type { SummaryInput } from "../summarize/index.js";
import { ALERT_SUMMARY_BUDGET, buildAlertEmbed } from "./embed.js";
import { matchSubscriptions } from "./match.js";
import type { Outbox, OutboxDelivery } from "./outbox.js";

export interface DiscordSinkDeps {
  outbox: Outbox;
  subscriptions: SubscriptionStore;
  /** Told after each enqueue; usually a `DeliverySender`. */
  sender: { notify(channelId?: string): void };
  taxonomy: Taxonomy;
  /** Per-subscriber summary focused on the topic; without it the stored summary is used. */
  summarize?: (input: SummaryInput) => string;
  log: Logger;
  /** Summary length for alerts (default 500). */
  summaryBudget?: number;
}

export class DiscordSink implements AlertSink {
  constructor(private readonly deps: DiscordSinkDeps) {}

  async accept(stories: TaggedStory[], feed: FeedSource): Promise<void> {
    const deliveries = this.deliveriesFor(stories);
    if (deliveries.length === 0) return;
    const added = await this.deps.outbox.enqueue(deliveries);
    this.deps.log.debug(
      { feedId: feed.id, stories: stories.length, deliveries: deliveries.length, added },
      "alerts queued",
    );
    if (added > 0) this.deps.sender.notify();
  }

  /** Oldest first, so a channel reads a burst in the order it happened. */
  deliveriesFor(stories: TaggedStory[]): OutboxDelivery[] {
    const ordered = [...stories].sort(
      (a, b) => (Date.parse(a.publishedAt) || 0) - (Date.parse(b.publishedAt) || 0),
    );
    const subscriptions = [...this.deps.subscriptions.active()];
    if (subscriptions.length === 0) return [];
    const out: OutboxDelivery[] = [];
    for (const story of ordered) {
      const summaries = new Map<string, string>();
      for (const match of matchSubscriptions(story, subscriptions)) {
        let summary = summaries.get(match.focusTopic);
        if (summary === undefined) {
          summary = this.#summary(story, match.focusTopic);
          summaries.set(match.focusTopic, summary);
        }
        out.push({
          storyId: story.id,
          guildId: match.guildId,
          channelId: match.channelId,
          topics: match.topics,
          embed: buildAlertEmbed(story, {
            taxonomy: this.deps.taxonomy,
            summary,
            focusTopic: match.focusTopic,
            matchedTopics: match.topics,
          }),
          title: story.title,
          ...(story.url ? { url: story.url } : {}),
        });
      }
    }
    return out;
  }

  /** The summary through the lens of the channel's topic; the stored one if that fails. */
  #summary(story: TaggedStory, focusTopic: string): string {
    const { summarize } = this.deps;
    if (!summarize) return story.summary;
    const focusTerms = story.topics.find((t) => t.id === focusTopic)?.evidence.map((e) => e.term);
    try {
      const text = summarize({
        title: story.title,
        text: story.text,
        language: story.language,
        budget: this.deps.summaryBudget ?? ALERT_SUMMARY_BUDGET,
        boostTerms: story.topics.flatMap((t) => t.evidence.map((e) => e.term)),
        focusTerms: focusTerms ?? [],
      });
      return text.trim() ? text : story.summary;
    } catch (error) {
      this.deps.log.warn({ err: error, storyId: story.id }, "summary failed; using the stored one");
      return story.summary;
    }
  }
}
