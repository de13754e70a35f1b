import { existsSync, writeFileSync } from "node:fs";
import { DEFAULT_ACTORS_PATH, loadActors } from "./actors.js";
import { corpusPath, loadCorpus, splitCorpus } from "./corpus.js";
import { DEFAULT_MODEL_PATH, NO_FLOOR } from "./learned/model.js";
import { trainModel } from "./learned/pipeline.js";
import { loadTaxonomy } from "./taxonomy.js";

/**
 * `npm run train [-- --out path]`: trains the learned topic layer on the real-text corpus's
 * training split (the test split is never seen) and writes the model file. Deterministic: the
 * same corpus, taxonomy and gazetteer give the same bytes.
 */
const MAX_MODEL_BYTES = 10 * 1024 * 1024;

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 ? (args[outAt + 1] ?? DEFAULT_MODEL_PATH) : DEFAULT_MODEL_PATH;
const path = corpusPath();

if (!existsSync(path)) {
  console.error(
    `No corpus at ${path}. NEWS_CORPUS names the labelled items (JSON lines); see README, "Topic quality".`,
  );
  process.exit(2);
}

const started = performance.now();
const taxonomy = loadTaxonomy();
const actors = loadActors(DEFAULT_ACTORS_PATH).actors;
const { train, test } = splitCorpus(loadCorpus(path));
console.log(
  `corpus ${path}: ${train.length} training items (${test.length} held out for npm run eval)`,
);
const report = trainModel(train, taxonomy, actors, (line) => console.log(line));
const json = `${JSON.stringify(report.model)}\n`;
if (json.length > MAX_MODEL_BYTES) {
  console.error(`model is ${json.length} bytes, over the ${MAX_MODEL_BYTES}-byte budget`);
  process.exit(1);
}
writeFileSync(out, json);
console.log(`l2 ${report.l2}; thresholds and cross-validated F1 per topic:`);
taxonomy.topics.forEach((t, i) => {
  console.log(
    `  ${t.id.padEnd(20)} p≥${report.thresholds[i]?.toFixed(2)}  lexicon floor ${(report.floors[i] ?? NO_FLOOR) >= NO_FLOOR ? "none" : report.floors[i]}  F1 ${((report.cvF1[i] ?? 0) * 100).toFixed(1)}`,
  );
});
console.log(
  `wrote ${out}: ${(json.length / 1024).toFixed(0)} KiB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
