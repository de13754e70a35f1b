/**
 * A piscina worker: decode + parse + normalise, classify + summarise. The classifier (taxonomy, gazetteer,
 * learned model) is loaded once per worker, on its first tag task, not once per task.
 */
import { workerData } from "node:worker_threads";
import { type Classifier, loadClassifier, loadTaxonomy } from "../classify/index.js";
import { signatureOf } from "../cluster/signature.js";
import { tagStory } from "../enrich/enricher.js";
import { normalizeFeed } from "../feeds/normalize.js";
import { FeedParseError, parseFeed } from "../feeds/parse.js";
import type { Story } from "../feeds/types.js";
import { summarize } from "../summarize/index.js";
import { documentText } from "./document.js";
import type { ParseAnswer, ParseTask, TaggedResult, WorkerConfig } from "./processor.js";

const config = workerData as WorkerConfig;
let classifier: Classifier | undefined;

export async function parse(task: ParseTask): Promise<ParseAnswer> {
  try {
    // Decoded here, not on the main thread: the body came as bytes (see PooledProcessor.parse).
    const parsed = await parseFeed(documentText(task), task.maxItems);
    return {
      ok: true,
      feed: {
        ttlMinutes: parsed.ttlMinutes,
        itemCount: parsed.items.length,
        stories: normalizeFeed(parsed, task.feed, task.now),
      },
    };
  } catch (error) {
    if (error instanceof FeedParseError)
      return { ok: false, message: error.message, reason: error.reason };
    throw error;
  }
}

/** Loads the classifier ahead of the first feed, so that its first cycle does not wait for it. */
export function warm(): void {
  classifier ??= loadClassifier(loadTaxonomy());
}

export function tag(stories: Story[]): TaggedResult[] {
  classifier ??= loadClassifier(loadTaxonomy());
  const deps = { classifier, summarize, summaryBudget: config.summaryBudget };
  return stories.map((story) => {
    const { story: tagged, analysis } = tagStory(deps, story);
    // The signature, not the analysis: it is what the clusterer needs, and clones cheaply.
    return config.signatures && analysis
      ? { story: tagged, signature: signatureOf(analysis) }
      : { story: tagged };
  });
}

export function fault(kind: "throw" | "exit"): void {
  if (kind === "exit") process.exit(3);
  throw new Error("fault injected");
}
