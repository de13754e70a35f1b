import type { TaggedStory } from "../enrich/types.js";
import type { SummaryInput } from "../summarize/index.js";
import { summaryInputFor } from "../summarize/input.js";
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
  // The reader's topic first; the budget it leaves goes to the story's other threads.
  const text = summarize(summaryInputFor(story, budget, focusTopic));
  return text.trim() ? text : story.summary;
}
