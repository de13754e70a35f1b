/**
 * The poller's sink for Discord: new stories → the alert log → sender. Each story wanted by at
 * least one subscription is logged once, with its summary through the lens of each wanted topic;
 * which channels receive it is decided as each channel reads the log (outbox.ts).
 * `accept` resolves only once the stories are logged, because the poller records them as seen
 * right after; a crash before that makes the poller offer them again, and the log turns the
 * repeat into nothing.
 */
import type { Logger } from "pino";
import type { TaggedStory } from "../enrich/types.js";
import type { FeedSource } from "../feeds/types.js";
import type { AlertSink } from "../ingest/poll.js";
import type { Metrics } from "../metrics/registry.js";
import type { Subscription } from "../subscriptions/store.js";
import type { SummaryInput } from "../summarize/index.js";
import type { AlertEntryInput } from "./alert-log.js";
import { focusedSummary } from "./focused-summary.js";
import type { Outbox } from "./outbox.js";
import { foldText, termHits } from "./terms.js";

export interface DiscordSinkDeps {
  outbox: Outbox;
  subscriptions: { active(): Iterable<Subscription> };
  /** Told after each enqueue; usually a `DeliverySender`. */
  sender: { notify(channelId?: string): void };
  /** Per-subscriber summary focused on the topic; without it the stored summary is used. */
  summarize?: (input: SummaryInput) => string;
  log: Logger;
  /** Summary length for alerts (default 500). */
  summaryBudget?: number;
  /** Counts stories logged for delivery (src/metrics/registry.ts). */
  metrics?: Pick<Metrics, "alertsQueued">;
}

export class DiscordSink implements AlertSink {
  constructor(private readonly deps: DiscordSinkDeps) {}

  async accept(stories: TaggedStory[], feed: FeedSource): Promise<void> {
    const entries = this.entriesFor(stories);
    if (entries.length === 0) return;
    const added = await this.deps.outbox.enqueue(entries);
    this.deps.metrics?.alertsQueued(added);
    this.deps.log.debug(
      { feedId: feed.id, stories: stories.length, wanted: entries.length, added },
      "alerts logged",
    );
    if (added > 0) this.deps.sender.notify();
  }

  /** The stories some subscription may want, oldest first, so a channel reads a burst in order. */
  entriesFor(stories: TaggedStory[]): AlertEntryInput[] {
    // The lowest min_score per topic: a story below it for every topic interests nobody.
    const floor = new Map<string, number>();
    const keywords = new Set<string>();
    const exclude = new Set<string>();
    // Read before the terms are looked for: a subscription changed after this is not judged by
    // these hits (see entryTopics).
    const checkedAt = this.deps.outbox.now();
    for (const sub of this.deps.subscriptions.active()) {
      floor.set(sub.topic, Math.min(floor.get(sub.topic) ?? 1, sub.minScore));
      for (const k of sub.keywords) keywords.add(k);
      for (const k of sub.exclude ?? []) exclude.add(k);
    }
    if (floor.size === 0) return [];
    const ordered = [...stories].sort(
      (a, b) => (Date.parse(a.publishedAt) || 0) - (Date.parse(b.publishedAt) || 0),
    );
    const out: AlertEntryInput[] = [];
    for (const story of ordered) {
      const wanted = story.topics.filter((t) => t.score >= (floor.get(t.id) ?? 2));
      if (wanted.length === 0) continue;
      const summaries: Record<string, string> = {};
      for (const t of wanted) summaries[t.id] = this.#summary(story, t.id);
      const { text: _text, ...lite } = story;
      const folded =
        keywords.size + exclude.size > 0 ? foldText(`${story.title}\n${story.text}`) : "";
      out.push({
        storyId: story.id,
        story: lite,
        summaries,
        keywordHits: termHits(keywords, folded, true),
        excludeHits: termHits(exclude, folded, true),
        checkedAt,
      });
    }
    return out;
  }

  /** The summary through the lens of one topic; the stored one if that fails. */
  #summary(story: TaggedStory, focusTopic: string): string {
    const { summarize } = this.deps;
    if (!summarize) return story.summary;
    try {
      return focusedSummary(story, focusTopic, summarize, this.deps.summaryBudget);
    } catch (error) {
      this.deps.log.warn({ err: error, storyId: story.id }, "summary failed; using the stored one");
      return story.summary;
    }
  }
}
