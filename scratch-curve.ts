import { loadActors } from "./src/classify/actors.js";
import { corpusPath, loadCorpus, splitCorpus } from "./src/classify/corpus.js";
import { crossValidate, examplesOf, lexiconPrior } from "./src/classify/learned/pipeline.js";
import { DEFAULT_TRAIN, predict, trainLogistic, bestThreshold } from "./src/classify/learned/train.js";
import { loadTaxonomy } from "./src/classify/taxonomy.js";
import { fnv1a } from "./src/classify/learned/hash.js";
const taxonomy = loadTaxonomy(process.env.TAXONOMY || undefined);
const actors = loadActors().actors;
const { train } = splitCorpus(loadCorpus(corpusPath()));
// fixed eval folds: use fold 0 of 5 as eval, train on growing fractions of the rest
import { foldsOf } from "./src/classify/corpus.js";
const folds = foldsOf(train, 5);
const ex = examplesOf(train, taxonomy, actors);
const evalIdx = ex.map((_, i) => i).filter((i) => folds[i] === 0);
const pool = ex.map((_, i) => i).filter((i) => folds[i] !== 0);
for (const frac of [0.25, 0.5, 0.75, 1]) {
  const take = pool.filter((i) => (fnv1a(String(i)) % 1000) / 1000 < frac);
  const m = trainLogistic(take.map((i) => ex[i]!), { ...DEFAULT_TRAIN, topics: 12, l2: 0.01, prior: lexiconPrior(taxonomy) });
  const probs = evalIdx.map((i) => predict(m, ex[i]!));
  const f1s = taxonomy.topics.map((_, k) => {
    const s = probs.map((p) => p[k]!); const g = evalIdx.map((i) => ex[i]!.labels[k]!);
    // oracle threshold on eval (upper bound, same for all fractions)
    const th = bestThreshold(s, g); let tp=0,fp=0,fn=0; s.forEach((x,j)=>{ if (x>=th) g[j]?tp++:fp++; else if (g[j]) fn++; }); return tp+fp+fn===0?1:2*tp/(2*tp+fp+fn);
  });
  console.log(frac, take.length, (f1s.reduce((a,b)=>a+b,0)/12).toFixed(3));
}
