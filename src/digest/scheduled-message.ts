/**
 * A scheduled digest as a channel message: the on-demand digest (src/digest/format.ts) under a
 * line that counts the period's events per topic, so a reader sees at a glance what the day was
 * about before the ten cards.
 */
import type { Taxonomy } from "../classify/index.js";
import { joinWithin, topicName } from "../discord/story-card.js";
import type { Translator } from "../i18n/messages.js";
import type { DigestGroup } from "./digest.js";
import { type DigestMessage, digestMessage } from "./format.js";

/** The counts line's length at most: the message's content is capped at 2,000 characters. */
const MAX_COUNTS_CHARS = 600;

/**
 * Events per topic, most first (ties by topic id, so the line is stable). An event counts once
 * for each topic any of its reports was tagged with.
 */
export function topicCounts(groups: readonly DigestGroup[]): Array<[topic: string, n: number]> {
  const counts = new Map<string, number>();
  for (const g of groups) {
    const topics = new Set(g.stories.flatMap((s) => s.topics.map((t) => t.id)));
    for (const id of topics) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** "🛡️ Human rights 4 · 🇨🇳 China 3 · …" in the reader's language. */
export function topicCountsLine(
  groups: readonly DigestGroup[],
  taxonomy: Taxonomy,
  tr: Translator,
): string {
  const items = topicCounts(groups).map(
    ([id, n]) => `${topicName(taxonomy, id, tr.locale)} ${tr.number(n)}`,
  );
  return joinWithin(items, " · ", MAX_COUNTS_CHARS);
}

export interface ScheduledDigestOptions {
  topic?: string;
  /** The period covered, in hours (rounded). */
  hours: number;
  tr: Translator;
}

/** The message a schedule posts; undefined when the period had no story (nothing is posted). */
export function scheduledDigestMessage(
  groups: DigestGroup[],
  taxonomy: Taxonomy,
  options: ScheduledDigestOptions,
): DigestMessage | undefined {
  if (groups.length === 0) return undefined;
  const base = digestMessage(groups, taxonomy, options);
  const header = options.tr.t("digestSchedule.countsHeader", {
    counts: topicCountsLine(groups, taxonomy, options.tr),
  });
  return { content: `${header}\n${base.content}`, embeds: base.embeds };
}
