import type { Analysis } from "../classify/analyze.js";
import type { Classifier } from "../classify/index.js";
import type { Story } from "../feeds/types.js";
import type { SummaryInput } from "../summarize/index.js";
import { summaryInputFor } from "../summarize/input.js";
import type { Enricher, TaggedStory } from "./types.js";

export interface EnricherDeps {
  classifier: Classifier;
  summarize: (input: SummaryInput) => string;
  /** Characters for the stored summary; alerts are ~500, Discord's embed description allows 4,096. */
  summaryBudget: number;
  /**
   * The event the story reports (src/cluster/clusterer.ts), from the classifier's reading of it.
   * Without it stories carry no cluster and each is its own event.
   */
  cluster?: (story: Story, analysis: Analysis) => string;
}

export interface Tagging {
  story: TaggedStory;
  /** The classifier's reading, for clustering; absent when the classifier gives none. */
  analysis?: Analysis;
}

/** Topics, countries, language and summary: the enricher's work minus clustering (stateful). */
export function tagStory(deps: Omit<EnricherDeps, "cluster">, story: Story): Tagging {
  const result = deps.classifier.classify({
    title: story.title,
    text: story.text,
    language: story.language,
  });
  const summary = deps.summarize(
    summaryInputFor(
      {
        title: story.title,
        text: story.text,
        language: result.language,
        topics: result.topics,
      },
      deps.summaryBudget,
    ),
  );
  const language = result.language !== "und" ? result.language : (story.language ?? "und");
  const tagged: TaggedStory = {
    ...story,
    topics: result.topics,
    countries: result.countries,
    language,
    summary,
  };
  return result.analysis ? { story: tagged, analysis: result.analysis } : { story: tagged };
}

/** Story → tagged story: topics with their evidence, countries, language, and a summary. */
export function createEnricher(deps: EnricherDeps): Enricher {
  return {
    enrich(story: Story): TaggedStory {
      const { story: tagged, analysis } = tagStory(deps, story);
      if (deps.cluster && analysis) tagged.cluster = deps.cluster(story, analysis);
      return tagged;
    },
  };
}
