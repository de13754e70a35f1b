import { seededRandom } from "./hash.js";
import { sigmoid } from "./model.js";

/** One training example: sparse features and a yes/no per topic. */
export interface Example {
  index: readonly number[];
  value: readonly number[];
  labels: readonly boolean[];
  /** The lexicon's own score per topic (for choosing lexicon floors). */
  lexicon?: readonly number[];
}

export interface TrainOptions {
  topics: number;
  /** L2 strength, applied to the weights a step touches. */
  l2: number;
  epochs: number;
  /** AdaGrad base rate. */
  rate: number;
  seed: number;
  /** Buckets seen in fewer training stories are dropped (noise, and model size). */
  minCount: number;
  /** Loss weight of a positive example: most topics are rare, and a missed story costs more. */
  positiveWeight?: number;
  /**
   * Prior weights (bucket → per topic) that L2 pulls towards instead of zero, and the biases
   * training starts from: the lexicon's judgement, which the data then corrects where it has
   * evidence to. With few examples of a topic the model stays close to the lexicon.
   */
  prior?: { weights: ReadonlyMap<number, readonly number[]>; bias: readonly number[] };
}

export const DEFAULT_TRAIN: Omit<TrainOptions, "topics"> = {
  l2: 1e-4,
  epochs: 20,
  rate: 0.3,
  seed: 20261203,
  minCount: 2,
};

export interface Trained {
  bias: Float64Array;
  /** bucket → weight per topic */
  weights: Map<number, Float64Array>;
}

/**
 * One-vs-rest logistic regression, trained by AdaGrad SGD in a seeded order: the same corpus and
 * options give the same model bit for bit. Each bucket is remapped to a dense column first, so a
 * step costs only the story's features.
 */
export function trainLogistic(examples: readonly Example[], opts: TrainOptions): Trained {
  const T = opts.topics;
  const df = new Map<number, number>();
  for (const e of examples) for (const i of e.index) df.set(i, (df.get(i) ?? 0) + 1);
  const column = new Map<number, number>();
  for (const [i, n] of [...df.entries()].sort((a, b) => a[0] - b[0])) {
    if (n >= opts.minCount) column.set(i, column.size);
  }
  const rows = examples.map((e) => {
    const cols: number[] = [];
    const vals: number[] = [];
    e.index.forEach((i, j) => {
      const c = column.get(i);
      if (c !== undefined) {
        cols.push(c);
        vals.push(e.value[j] as number);
      }
    });
    return { cols, vals, labels: e.labels };
  });
  const D = column.size;
  const W = new Float64Array(D * T);
  const W0 = new Float64Array(D * T);
  for (const [idx, w] of opts.prior?.weights ?? []) {
    const c = column.get(idx);
    if (c === undefined) continue;
    for (let k = 0; k < T; k++) W0[c * T + k] = w[k] ?? 0;
  }
  W.set(W0);
  const G = new Float64Array(D * T).fill(1e-8);
  const bias = new Float64Array(T);
  const gBias = new Float64Array(T).fill(1e-8);
  // Start each bias at the topic's base rate, so early steps are not spent learning it.
  for (let k = 0; k < T; k++) {
    const pos = examples.reduce((s, e) => s + (e.labels[k] ? 1 : 0), 0);
    const p = (pos + 0.5) / (examples.length + 1);
    bias[k] = opts.prior?.bias[k] ?? Math.log(p / (1 - p));
  }
  const posW = opts.positiveWeight ?? 1;
  const rand = seededRandom(opts.seed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const r of order) {
      const { cols, vals, labels } = rows[r] as (typeof rows)[number];
      for (let k = 0; k < T; k++) {
        let z = bias[k] as number;
        for (let j = 0; j < cols.length; j++) {
          z += (W[(cols[j] as number) * T + k] as number) * (vals[j] as number);
        }
        const p = sigmoid(z);
        const g = labels[k] ? (p - 1) * posW : p;
        gBias[k] = (gBias[k] as number) + g * g;
        bias[k] = (bias[k] as number) - (opts.rate * g) / Math.sqrt(gBias[k] as number);
        for (let j = 0; j < cols.length; j++) {
          const at = (cols[j] as number) * T + k;
          const w = W[at] as number;
          const gw = g * (vals[j] as number) + opts.l2 * (w - (W0[at] as number));
          G[at] = (G[at] as number) + gw * gw;
          W[at] = w - (opts.rate * gw) / Math.sqrt(G[at] as number);
        }
      }
    }
  }
  const weights = new Map<number, Float64Array>();
  for (const [idx, c] of column) weights.set(idx, W.slice(c * T, c * T + T));
  return { bias, weights };
}

/** Probabilities of a trained model for one example (training-time twin of LearnedModel). */
export function predict(model: Trained, e: Pick<Example, "index" | "value">): Float64Array {
  const T = model.bias.length;
  const z = Float64Array.from(model.bias);
  e.index.forEach((i, j) => {
    const w = model.weights.get(i);
    if (!w) return;
    for (let k = 0; k < T; k++) z[k] = (z[k] as number) + (w[k] as number) * (e.value[j] as number);
  });
  return z.map(sigmoid);
}

/** F1 of yes/no predictions against the labels; nothing predicted and nothing to find is 1. */
export function f1Of(predicted: readonly boolean[], gold: readonly boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predicted.forEach((p, i) => {
    if (p) gold[i] ? tp++ : fp++;
    else if (gold[i]) fn++;
  });
  return tp + fp + fn === 0 ? 1 : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * The threshold that maximises F1 on out-of-fold probabilities, smoothed over neighbouring
 * thresholds so that one lucky story does not pick a brittle value.
 */
export function bestThreshold(scores: readonly number[], gold: readonly boolean[]): number {
  const grid: number[] = [];
  for (let t = 0.01; t <= 0.951; t += 0.01) grid.push(Math.round(t * 100) / 100);
  const f = grid.map((t) =>
    f1Of(
      scores.map((s) => s >= t),
      gold,
    ),
  );
  let best = 0.5;
  let bestF = -1;
  grid.forEach((t, i) => {
    const win = f.slice(Math.max(0, i - 3), i + 4);
    const avg = win.reduce((s, x) => s + x, 0) / win.length;
    if (avg > bestF + 1e-9) {
      bestF = avg;
      best = t;
    }
  });
  return best;
}
