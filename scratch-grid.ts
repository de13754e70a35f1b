import { loadActors } from "./src/classify/actors.js";
import { corpusPath, loadCorpus, splitCorpus } from "./src/classify/corpus.js";
import { crossValidate, examplesOf, lexiconPrior } from "./src/classify/learned/pipeline.js";
import { DEFAULT_TRAIN } from "./src/classify/learned/train.js";
import { loadTaxonomy } from "./src/classify/taxonomy.js";
const taxonomy = loadTaxonomy(process.env.TAXONOMY || undefined);
const actors = loadActors().actors;
const { train } = splitCorpus(loadCorpus(corpusPath()));
const ex = examplesOf(train, taxonomy, actors);
const configs = JSON.parse(process.argv[2] ?? "[[0.01,20,0.3,1]]");
for (const [l2, epochs, rate, posW] of configs) {
  const cv = crossValidate(train, ex, { ...DEFAULT_TRAIN, topics: 12, l2, epochs, rate, positiveWeight: posW, prior: lexiconPrior(taxonomy) });
  console.log(l2, epochs, rate, posW, "macro", cv.macroF1.toFixed(3), taxonomy.topics.map((t, i) => `${t.id.slice(0,6)}:${(cv.f1[i] ?? 0).toFixed(2)}@${cv.thresholds[i]}`).join(" "));
}
