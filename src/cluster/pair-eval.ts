import type { Analyzer } from "../classify/analyze.js";
import {
  chooseThreshold,
  fitLogistic,
  type PairCounts,
  type PairExample,
  pairCounts,
} from "./fit.js";
import type { IdfTable } from "./idf.js";
import { isCandidate } from "./index.js";
import { type ClusterModel, sameEventProbability } from "./model.js";
import type { LabelledPair, PairItem } from "./pairs.js";
import { signatureOf } from "./signature.js";
import { FEATURE_NAMES, featureVector, type PairFeatures, pairFeatures } from "./similarity.js";

/** The precision asked of the fitting pairs (the target): recall as high as it allows. */
export const MIN_PRECISION = 0.95;
export const WINDOW_HOURS = 36;

export interface ScoredPair extends PairExample {
  pair: LabelledPair;
  features: PairFeatures;
  /** Whether the running index would compare the two at all (`isCandidate`). */
  candidate: boolean;
}

export function signatureOfItem(
  analyzer: Analyzer,
  it: { title: string; lead: string; lang: string },
) {
  return signatureOf(analyzer.analyze({ title: it.title, text: it.lead, language: it.lang }));
}

export function pairExamples(
  pairs: readonly LabelledPair[],
  analyzer: Analyzer,
  idf: IdfTable,
): ScoredPair[] {
  const sig = (it: PairItem) => signatureOfItem(analyzer, it);
  return pairs.map((pair) => {
    const a = sig(pair.a);
    const b = sig(pair.b);
    const features = pairFeatures(a, b, idf);
    return {
      pair,
      features,
      x: featureVector(features),
      same: pair.same,
      candidate: isCandidate(a, b),
    };
  });
}

/** Fit the weights and choose the threshold on the fitting pairs (scored with `idf`). */
export function fitClusterModel(dev: readonly ScoredPair[], idf: IdfTable): ClusterModel {
  const { weights, bias } = fitLogistic(dev);
  const model: ClusterModel = {
    version: 1,
    windowHours: WINDOW_HOURS,
    bias: round(bias),
    weights: Object.fromEntries(
      FEATURE_NAMES.map((k, i) => [k, round(weights[i] ?? 0)]),
    ) as ClusterModel["weights"],
    idf,
    threshold: 0.5,
    training: { pairs: dev.length, minPrecision: MIN_PRECISION },
  };
  const scores = dev.map((e) => sameEventProbability(model, e.features));
  model.threshold = chooseThreshold(
    scores,
    dev.map((e) => e.same),
    MIN_PRECISION,
  );
  return model;
}

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Pairwise counts; with `viaIndex`, a pair the index would never compare counts as apart. */
export function measurePairs(
  model: ClusterModel,
  examples: readonly ScoredPair[],
  viaIndex = false,
): PairCounts {
  return pairCounts(
    examples.map((e) => (viaIndex && !e.candidate ? 0 : sameEventProbability(model, e.features))),
    examples.map((e) => e.same),
    model.threshold,
  );
}
