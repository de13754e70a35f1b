import { type ActorRef, createAnalyzer } from "../analyze.js";
import { type CorpusItem, foldsOf } from "../corpus.js";
import type { Taxonomy, TopicId } from "../taxonomy.js";
import { bucketOf, featuresOf, lexiconFeature } from "./features.js";
import { encodeModel, type ModelFile, NO_FLOOR } from "./model.js";
import {
  bestThreshold,
  DEFAULT_TRAIN,
  type Example,
  f1Of,
  predict,
  type TrainOptions,
  trainLogistic,
} from "./train.js";

export const CV_FOLDS = 5;
/** L2 strengths tried by cross-validation; the best macro-F1 wins. */
export const L2_GRID = [1e-3, 3e-3, 1e-2] as const;
/**
 * Log-odds per unit of lexicon score in the prior: a story at its topic's lexicon threshold
 * starts at even odds, one with no lexicon evidence at e^-(LEX_PRIOR·threshold) ≈ 1:55.
 */
export const LEX_PRIOR = 8;

/** The lexicon as the model's starting point (and what L2 pulls back to). */
export function lexiconPrior(taxonomy: Taxonomy): NonNullable<TrainOptions["prior"]> {
  const T = taxonomy.topics.length;
  const weights = new Map<number, number[]>();
  taxonomy.topics.forEach((_t, k) => {
    const w = new Array<number>(T).fill(0);
    w[k] = LEX_PRIOR;
    weights.set(bucketOf(lexiconFeature(k)), w);
  });
  return { weights, bias: taxonomy.topics.map((t) => -LEX_PRIOR * t.threshold) };
}

/** Corpus items → training examples (features from the same analyser the bot runs). */
export function examplesOf(
  items: readonly CorpusItem[],
  taxonomy: Taxonomy,
  actors: readonly ActorRef[],
): Example[] {
  const analyzer = createAnalyzer(taxonomy, actors);
  const topicIndex = new Map<string, number>(taxonomy.topics.map((t, i) => [t.id, i]));
  return items.map((it) => {
    const a = analyzer.analyze({ title: it.title, text: it.lead });
    const fv = featuresOf(a, topicIndex);
    const gold = new Set<TopicId>(it.topics);
    return {
      index: fv.index,
      value: fv.value,
      labels: taxonomy.topics.map((t) => gold.has(t.id)),
      lexicon: a.lexicon.map((s) => s.score),
    };
  });
}

export interface CvResult {
  /** Out-of-fold probability per example and topic. */
  oof: Float64Array[];
  thresholds: number[];
  /** Per topic: a lexicon score at which the topic is tagged whatever the model says (≥ 1: never). */
  floors: number[];
  /** Per-topic F1 at those thresholds, and its mean. */
  f1: number[];
  macroF1: number;
}

/** Lexicon scores tried as floors; NO_FLOOR means the model alone decides. */
export const FLOOR_GRID = [0.8, 0.9, 0.95, 0.98] as const;

/**
 * Where the lexicon is sure (several strong terms, in the title), its call stands even when the
 * model, trained on short leads, is not: the most permissive floor that costs no out-of-fold F1
 * (within 0.001) is kept, so a long article full of explicit terms is not lost to the model's
 * calibration on leads.
 */
function chooseFloor(
  probs: readonly number[],
  lexicon: readonly number[],
  gold: readonly boolean[],
  threshold: number,
): { floor: number; f1: number } {
  const none = f1Of(
    probs.map((p) => p >= threshold),
    gold,
  );
  for (const floor of FLOOR_GRID) {
    const f = f1Of(
      probs.map((p, i) => p >= threshold || (lexicon[i] ?? 0) >= floor),
      gold,
    );
    if (f >= none - 0.001) return { floor, f1: f };
  }
  return { floor: NO_FLOOR, f1: none };
}

/** Out-of-fold probabilities over whole outlet-days, and the thresholds they support. */
export function crossValidate(
  items: readonly CorpusItem[],
  examples: readonly Example[],
  opts: TrainOptions,
  k = CV_FOLDS,
): CvResult {
  const folds = foldsOf(items, k);
  const oof: Float64Array[] = examples.map(() => new Float64Array(opts.topics));
  for (let f = 0; f < k; f++) {
    const model = trainLogistic(
      examples.filter((_, i) => folds[i] !== f),
      opts,
    );
    examples.forEach((e, i) => {
      if (folds[i] === f) oof[i] = predict(model, e);
    });
  }
  const thresholds: number[] = [];
  const floors: number[] = [];
  const scores: number[] = [];
  for (let t = 0; t < opts.topics; t++) {
    const s = oof.map((p) => p[t] as number);
    const gold = examples.map((e) => e.labels[t] as boolean);
    const th = bestThreshold(s, gold);
    thresholds.push(th);
    const { floor, f1: best } = chooseFloor(
      s,
      examples.map((e) => e.lexicon?.[t] ?? 0),
      gold,
      th,
    );
    floors.push(floor);
    scores.push(best);
  }
  return {
    oof,
    thresholds,
    floors,
    f1: scores,
    macroF1: scores.reduce((a, b) => a + b, 0) / scores.length,
  };
}

export interface TrainReport {
  model: ModelFile;
  l2: number;
  cv: Array<{ l2: number; macroF1: number }>;
  thresholds: number[];
  floors: number[];
  cvF1: number[];
}

/**
 * `npm run train`: choose the L2 strength and each topic's threshold by 5-fold cross-validation
 * on the training split, then fit the final model on the whole training split.
 */
export function trainModel(
  train: readonly CorpusItem[],
  taxonomy: Taxonomy,
  actors: readonly ActorRef[],
  log: (line: string) => void = () => {},
): TrainReport {
  const examples = examplesOf(train, taxonomy, actors);
  const base: TrainOptions = {
    ...DEFAULT_TRAIN,
    topics: taxonomy.topics.length,
    prior: lexiconPrior(taxonomy),
  };
  let best: { l2: number; cv: CvResult } | undefined;
  const cvRows: TrainReport["cv"] = [];
  for (const l2 of L2_GRID) {
    const cv = crossValidate(train, examples, { ...base, l2 });
    cvRows.push({ l2, macroF1: cv.macroF1 });
    log(`cv l2=${l2}: macro-F1 ${(cv.macroF1 * 100).toFixed(1)}`);
    if (!best || cv.macroF1 > best.cv.macroF1 + 1e-9) best = { l2, cv };
  }
  if (!best) throw new Error("no L2 strength to try");
  const opts = { ...base, l2: best.l2 };
  const final = trainLogistic(examples, opts);
  const model = encodeModel({
    topics: taxonomy.topics.map((t) => t.id),
    bias: [...final.bias],
    thresholds: best.cv.thresholds,
    lexiconFloors: best.cv.floors,
    weights: final.weights,
    training: {
      items: train.length,
      seed: opts.seed,
      l2: opts.l2,
      epochs: opts.epochs,
      rate: opts.rate,
      minCount: opts.minCount,
      cvFolds: CV_FOLDS,
      cvMacroF1: Math.round(best.cv.macroF1 * 10000) / 10000,
    },
  });
  return {
    model,
    l2: best.l2,
    cv: cvRows,
    thresholds: best.cv.thresholds,
    floors: best.cv.floors,
    cvF1: best.cv.f1,
  };
}
