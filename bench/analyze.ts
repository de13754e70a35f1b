import { loadClassifier, loadTaxonomy } from "../src/classify/index.js";
import { tokenize } from "../src/classify/tokenize.js";
import { createEnricher } from "../src/enrich/enricher.js";
import type { Story } from "../src/feeds/types.js";
import { summarize } from "../src/summarize/index.js";
import { generateStories } from "./classify.js";

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * What every new story costs on its way in: classification and the stored summary together (the
 * real enricher), on one core, next to the cost of only tokenising the same texts.
 */
export async function benchAnalyze(): Promise<string[]> {
  const N = 5_000;
  const stories: Story[] = generateStories(N, 7).map((s, i) => ({
    id: `s${i}`,
    feedId: "bench",
    feedName: "Bench",
    title: s.title,
    text: s.text,
    publishedAt: "2026-11-28T00:00:00.000Z",
    publishedEstimated: false,
    firstSeenAt: "2026-11-28T00:00:00.000Z",
    categories: [],
  }));
  const enricher = createEnricher({
    classifier: loadClassifier(loadTaxonomy()),
    summarize,
    summaryBudget: 500,
  });
  let sink = 0;
  const runEnrich = () => {
    for (const s of stories) sink += enricher.enrich(s).summary.length;
  };
  const runTokenize = () => {
    for (const s of stories) sink += tokenize(s.title, s.text).words.length;
  };
  runEnrich();
  runTokenize();
  let enrichMs = Number.POSITIVE_INFINITY;
  let tokenizeMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 3; r++) {
    enrichMs = Math.min(enrichMs, time(runEnrich));
    tokenizeMs = Math.min(tokenizeMs, time(runTokenize));
  }
  if (sink < 0) console.log(sink);
  const perSec = (ms: number) => Math.round((N / ms) * 1000).toLocaleString("en");
  return [
    `classify + summarise (the enricher) on ${N} synthetic stories, one core, best of 3`,
    `  classify + summarise: ${perSec(enrichMs)} stories/s (${((enrichMs / N) * 1000).toFixed(1)} µs/story)`,
    `  baseline, tokenise only: ${perSec(tokenizeMs)} stories/s`,
    `  ratio to baseline: ${(enrichMs / tokenizeMs).toFixed(2)}× (target: ≥ 2,000 stories/s)`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchAnalyze().then((lines) => {
    for (const line of lines) console.log(line);
  });
}
