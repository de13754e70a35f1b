import { existsSync, writeFileSync } from "node:fs";
import { loadActors } from "../classify/actors.js";
import { createAnalyzer } from "../classify/analyze.js";
import { corpusPath, loadCorpus } from "../classify/corpus.js";
import { loadTaxonomy } from "../classify/taxonomy.js";
import { buildIdf } from "./idf.js";
import { DEFAULT_CLUSTER_MODEL_PATH } from "./model.js";
import { fitClusterModel, measurePairs, pairExamples, signatureOfItem } from "./pair-eval.js";
import { DEFAULT_PAIRS_PATH, loadPairs, splitPairs } from "./pairs.js";

/**
 * `npm run train:cluster`: fits the same-event model on the labelled pairs' fitting half and
 * writes `config/cluster.json`. Deterministic: same pairs, same bytes.
 */
const path = process.env.CLUSTER_PAIRS?.trim() || DEFAULT_PAIRS_PATH;
if (!existsSync(path)) {
  console.error(`No labelled pairs at ${path} (CLUSTER_PAIRS names another file).`);
  process.exit(2);
}
const analyzer = createAnalyzer(loadTaxonomy(), loadActors().actors);
// Word rarity comes from the real-text news corpus: the same kind of text the bot reads.
const idf = buildIdf(loadCorpus(corpusPath()).map((it) => signatureOfItem(analyzer, it)));
const { dev } = splitPairs(loadPairs(path));
const examples = pairExamples(dev, analyzer, idf);
const model = fitClusterModel(examples, idf);
writeFileSync(DEFAULT_CLUSTER_MODEL_PATH, `${JSON.stringify(model)}\n`);
const c = measurePairs(model, examples);
console.log(
  `fitted on ${dev.length} pairs: threshold ${model.threshold}, precision ${(c.precision * 100).toFixed(1)}, recall ${(c.recall * 100).toFixed(1)} (fitting half)`,
);
console.log(`wrote ${DEFAULT_CLUSTER_MODEL_PATH}`);
