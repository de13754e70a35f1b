import type { SummaryInput } from "./index.js";

/** What the summariser needs of a tagged story (a stored story, a card's story, a fresh result). */
export interface SummarySource {
  title: string;
  text: string;
  language?: string | undefined;
  topics: ReadonlyArray<{ id: string; evidence?: ReadonlyArray<{ term: string; kind?: string }> }>;
}

/**
 * The one way a tagged story is handed to the summariser, so that the enricher, alerts, previews,
 * command replies and the CLI summarise alike: every topic's evidence lifts its sentences, each
 * topic is a thread the summary tries to cover, and a reader's topic (when given) comes first.
 */
export function summaryInputFor(
  story: SummarySource,
  budget: number,
  focusTopic?: string,
): SummaryInput {
  // A country's evidence is its ISO code, not words of the story.
  const termsOf = (t: SummarySource["topics"][number]) =>
    (t.evidence ?? []).filter((e) => e.kind !== "country").map((e) => e.term);
  const topicTerms = story.topics.map(termsOf);
  const input: SummaryInput = {
    title: story.title,
    text: story.text,
    budget,
    boostTerms: topicTerms.flat(),
    topicTerms,
  };
  if (story.language) input.language = story.language;
  if (focusTopic !== undefined) {
    input.focusTerms = ((t) => (t ? termsOf(t) : []))(
      story.topics.find((t) => t.id === focusTopic),
    );
  }
  return input;
}
