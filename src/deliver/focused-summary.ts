import type { TaggedStory } from "../enrich/types.js";
import type { SummaryInput } from "../summarize/index.js";
import { ALERT_SUMMARY_BUDGET } from "./embed.js";

/**
 * A story's alert summary through the lens of one topic: what a channel subscribed to that
 * topic is shown. Shared by the alert log (DiscordSink) and `/preview`, so a preview shows the
 * summary an alert would carry: the reader's topic first, then, budget allowing, the story's
 * other threads. Throws what the summariser throws; callers fall back.
 */
export function focusedSummary(
  story: TaggedStory,
  focusTopic: string,
  summarize: (input: SummaryInput) => string,
  budget: number = ALERT_SUMMARY_BUDGET,
): string {
  const focusTerms = story.topics.find((t) => t.id === focusTopic)?.evidence.map((e) => e.term);
  // One evidence list per topic, as the enricher gives them: the budget the reader's topic
  // leaves goes to the story's other threads.
  const topicTerms = story.topics.map((t) => t.evidence.map((e) => e.term));
  const text = summarize({
    title: story.title,
    text: story.text,
    language: story.language,
    budget,
    boostTerms: topicTerms.flat(),
    focusTerms: focusTerms ?? [],
    topicTerms,
  });
  return text.trim() ? text : story.summary;
}
