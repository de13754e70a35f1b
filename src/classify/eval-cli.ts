import { existsSync } from "node:fs";
import { loadClusterModel } from "../cluster/model.js";
import { measurePairs, pairExamples } from "../cluster/pair-eval.js";
import { DEFAULT_PAIRS_PATH, loadPairs, pairLanguage, splitPairs } from "../cluster/pairs.js";
import { loadActors } from "./actors.js";
import { createAnalyzer } from "./analyze.js";
import { type CorpusItem, corpusPath, loadCorpus, splitCorpus } from "./corpus.js";
import { agreement, DEV_SET_PATH, evaluate, formatEval, loadDevSet, rowsOf } from "./eval.js";
import { createClassifier, loadTaxonomy } from "./index.js";
import { loadModel, NO_FLOOR } from "./learned/model.js";
import { CV_FOLDS, crossValidate, examplesOf, lexiconPrior } from "./learned/pipeline.js";
import { DEFAULT_TRAIN } from "./learned/train.js";

/**
 * `npm run eval [-- --errors]`: the real-text test split (per topic, micro/macro, per language),
 * the lexicon-only baseline on the same split, 5-fold cross-validation on the training split
 * (with `--errors`, its misses and extras: what to work on), labeller agreement, and the
 * self-written regression set. It reports; the tests gate.
 */
const showErrors = process.argv.includes("--errors");
const taxonomy = loadTaxonomy();
const actors = loadActors().actors;
const model = loadModel();
const learned = createClassifier(taxonomy, { actors, model });
const lexiconOnly = createClassifier(taxonomy);
const pct = (x: number) => (x * 100).toFixed(1);

function realText(path: string): void {
  const items = loadCorpus(path);
  const { train, test } = splitCorpus(items);
  const outletDays = new Set(test.map((it) => `${it.outlet}|${it.day}`)).size;
  console.log(
    `Real-text corpus ${path}: ${items.length} items, ${new Set(items.map((i) => i.outlet)).size} outlets; test split ${test.length} items (${outletDays} outlet-days), training split ${train.length}.\n`,
  );
  const rows = rowsOf(test);
  const result = evaluate(learned, rows);
  console.log(formatEval("test split, learned classifier", result).join("\n"));
  for (const lang of ["en", "de", "fr"] as const) {
    const r = evaluate(
      learned,
      rows.filter((row) => row.lang === lang),
    );
    console.log(
      `  ${lang}: ${r.n} items, macro-F1 ${pct(r.macro.f1)}, micro-F1 ${pct(r.micro.f1)}`,
    );
  }
  const base = evaluate(lexiconOnly, rows);
  console.log(
    `\nLexicon only, same test split: macro-F1 ${pct(base.macro.f1)}, micro-F1 ${pct(base.micro.f1)}`,
  );
  const examples = examplesOf(train, taxonomy, actors);
  const cv = crossValidate(train, examples, {
    ...DEFAULT_TRAIN,
    topics: taxonomy.topics.length,
    prior: lexiconPrior(taxonomy),
    l2: Number(model.training.l2 ?? DEFAULT_TRAIN.l2),
  });
  console.log(
    `${CV_FOLDS}-fold cross-validation on the training split (folds of whole outlet-days): macro-F1 ${pct(cv.macroF1)}`,
  );
  console.log(taxonomy.topics.map((t, i) => `  ${t.id} ${pct(cv.f1[i] ?? 0)}`).join("\n"));
  // What to work on comes from the training split only: the test split's errors are not shown.
  if (showErrors) {
    taxonomy.topics.forEach((t, k) => {
      train.forEach((it, i) => {
        const tagged =
          (cv.oof[i]?.[k] ?? 0) >= (cv.thresholds[k] ?? 1) ||
          (examples[i]?.lexicon?.[k] ?? 0) >= (cv.floors[k] ?? NO_FLOOR);
        const gold = it.topics.includes(t.id);
        if (tagged !== gold)
          console.log(`  ${t.id} ${gold ? "missed" : "extra"} [${it.lang}] ${it.title}`);
      });
    });
  }
  const agree = agreement(items);
  if (agree) {
    console.log(
      `\nLabeller agreement on ${agree.n} doubly labelled items: macro-F1 ${pct(agree.macroF1)}, micro-F1 ${pct(agree.microF1)}, identical label sets ${pct(agree.exact)} %`,
    );
  }
  rereadReport(items);
}

/** How reliable the once-labelled training split is, and how much the second reading changed. */
function rereadReport(items: readonly CorpusItem[]): void {
  const reread = items.flatMap((it) => (it.reread ? [{ ...it.reread, topics: it.topics }] : []));
  if (reread.length === 0) return;
  const changed = reread.filter((r) => !sameTopics(r.first, r.topics));
  console.log(
    `Training items read a second time: ${reread.length}; settled labels differ from the first labelling on ${changed.length} (${changed.filter((r) => r.sample === "disagreement").length} of them chosen as cross-validation disagreements).`,
  );
  const samples = [
    ["random", "random sample"],
    ["disagreement", "cross-validation disagreements"],
  ] as const;
  for (const [sample, name] of samples) {
    const agree = agreement(
      reread
        .filter((r) => r.sample === sample)
        .map((r) => ({ double: { a: r.first, b: r.second } })),
    );
    if (!agree) continue;
    console.log(
      `  ${name}, ${agree.n} items, first vs second labelling: macro-F1 ${pct(agree.macroF1)}, micro-F1 ${pct(agree.microF1)}, identical label sets ${pct(agree.exact)} %`,
    );
  }
}

function sameTopics(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}

const path = corpusPath();
if (existsSync(path)) realText(path);
else
  console.warn(
    `No real-text corpus at ${path} (NEWS_CORPUS names it); skipping the real-text report.`,
  );

if (existsSync(DEV_SET_PATH)) {
  const rows = loadDevSet(DEV_SET_PATH);
  console.log("");
  console.log(
    formatEval("self-written regression set, learned classifier", evaluate(learned, rows)).join(
      "\n",
    ),
  );
}

/** Same-event clustering: pairwise precision and recall on the pairs' measuring half. */
function clustering(path: string): void {
  const pairs = loadPairs(path);
  const { dev, test } = splitPairs(pairs);
  const model = loadClusterModel();
  const examples = pairExamples(test, createAnalyzer(taxonomy, actors), model.idf);
  const line = (name: string, xs: typeof examples) => {
    const c = measurePairs(model, xs);
    const same = xs.filter((x) => x.same).length;
    return `  ${name.padEnd(10)} ${String(xs.length).padStart(4)} pairs (${same} same): precision ${pct(c.precision)}, recall ${pct(c.recall)}, F1 ${pct(c.f1)}`;
  };
  console.log(
    `\nSame-event clustering (${path}): ${pairs.length} labelled pairs; fitted on ${dev.length}, measured on the other ${test.length} (whole days apart); threshold ${model.threshold}`,
  );
  console.log(line("all", examples));
  for (const lang of [...new Set(examples.map((e) => pairLanguage(e.pair)))].sort())
    console.log(
      line(
        lang,
        examples.filter((e) => pairLanguage(e.pair) === lang),
      ),
    );
  for (const stratum of [...new Set(examples.map((e) => e.pair.stratum))].sort())
    console.log(
      line(
        stratum,
        examples.filter((e) => e.pair.stratum === stratum),
      ),
    );
  const viaIndex = measurePairs(model, examples, true);
  console.log(
    `  as the bot runs it (the index compares only stories sharing three names, capitalised words or title words): precision ${pct(viaIndex.precision)}, recall ${pct(viaIndex.recall)}`,
  );
}

const pairsPath = process.env.CLUSTER_PAIRS?.trim() || DEFAULT_PAIRS_PATH;
if (existsSync(pairsPath)) clustering(pairsPath);
else console.warn(`No labelled pairs at ${pairsPath}; skipping the clustering report.`);
