import { loadActors } from "../src/classify/actors.js";
import { createAnalyzer } from "../src/classify/analyze.js";
import { loadCorpus } from "../src/classify/corpus.js";
import { loadTaxonomy } from "../src/classify/taxonomy.js";
import { ClusterIndex } from "../src/cluster/index.js";
import { loadClusterModel } from "../src/cluster/model.js";
import { signatureOfItem } from "../src/cluster/pair-eval.js";
import type { EventSignature } from "../src/cluster/signature.js";

/**
 * Same-event clustering cost on real text: the 15,767 items of the news corpus (EN, DE, FR), all
 * placed inside one 36-hour window, so every story is a candidate for every other that shares a
 * key: a day of a large fleet's intake, worst case. The baseline is the analysis that produces
 * the signatures (what every story costs anyway); the index's work is reported next to it, with
 * how many stories each one was compared with.
 */
export async function benchCluster(): Promise<string[]> {
  const analyzer = createAnalyzer(loadTaxonomy(), loadActors().actors);
  const items = loadCorpus();
  const t0 = performance.now();
  const sigs: Array<{ lang: string; signature: EventSignature }> = items.map((it) => ({
    lang: it.lang,
    signature: signatureOfItem(analyzer, it),
  }));
  const analyseMs = performance.now() - t0;
  const model = loadClusterModel();
  const index = new ClusterIndex(model);
  const at = Date.UTC(2026, 7, 12);
  const t1 = performance.now();
  sigs.forEach((s, i) => {
    index.assign({ id: `s${i}`, at, signature: s.signature });
  });
  const assignMs = performance.now() - t1;
  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString("en");
  const compared = index.comparisons;
  return [
    `${items.length} real stories (news corpus), all within one ${model.windowHours}-hour window`,
    `  analyse + signature (baseline): ${rate(items.length, analyseMs)} stories/s`,
    `  cluster index assign:           ${rate(items.length, assignMs)} stories/s (${(assignMs / analyseMs).toFixed(2)}× the baseline's time); ${(compared / items.length).toFixed(0)} stories scored per story`,
  ];
}
