import { loadActors } from "./src/classify/actors.js";
import { corpusPath, loadCorpus, splitCorpus } from "./src/classify/corpus.js";
import { crossValidate, examplesOf, lexiconPrior } from "./src/classify/learned/pipeline.js";
import { DEFAULT_TRAIN } from "./src/classify/learned/train.js";
import { loadTaxonomy } from "./src/classify/taxonomy.js";
const topics = (process.argv[2] ?? "climate").split(",");
const taxonomy = loadTaxonomy();
const actors = loadActors().actors;
const { train } = splitCorpus(loadCorpus(corpusPath()));
const ex = examplesOf(train, taxonomy, actors);
const cv = crossValidate(train, ex, { ...DEFAULT_TRAIN, topics: 12, l2: 1e-2, prior: lexiconPrior(taxonomy) });
console.log("macro", cv.macroF1.toFixed(3), taxonomy.topics.map((t, i) => `${t.id}:${(cv.f1[i] ?? 0).toFixed(2)}`).join(" "));
for (const topic of topics) {
  const k = taxonomy.topics.findIndex((t) => t.id === topic);
  if (k < 0) continue;
  const th = cv.thresholds[k] as number;
  train.forEach((it, i) => {
    const p = cv.oof[i]?.[k] as number;
    const gold = it.topics.includes(topic as never);
    if ((p >= th) !== gold) console.log(`${topic} ${gold ? "FN" : "FP"} ${p.toFixed(2)} [${it.lang}] ${it.title} | ${it.lead.slice(0, 140)}`);
  });
}
