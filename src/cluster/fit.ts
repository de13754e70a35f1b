import { type Prf, prf } from "../classify/eval.js";
import { sigmoid } from "../classify/learned/model.js";

export interface PairExample {
  x: readonly number[];
  same: boolean;
}

/**
 * Logistic regression by full-batch gradient descent: a handful of dense features and a few
 * hundred pairs, so plain and deterministic beats clever.
 */
export function fitLogistic(
  examples: readonly PairExample[],
  opts = { epochs: 3000, rate: 0.5, l2: 1e-3 },
): { weights: number[]; bias: number } {
  const d = examples[0]?.x.length ?? 0;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  const n = Math.max(1, examples.length);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (const e of examples) {
      let z = b;
      for (let j = 0; j < d; j++) z += (w[j] as number) * (e.x[j] as number);
      const err = sigmoid(z) - (e.same ? 1 : 0);
      for (let j = 0; j < d; j++) gw[j] = (gw[j] as number) + err * (e.x[j] as number);
      gb += err;
    }
    for (let j = 0; j < d; j++)
      w[j] = (w[j] as number) - opts.rate * ((gw[j] as number) / n + opts.l2 * (w[j] as number));
    b -= (opts.rate * gb) / n;
  }
  return { weights: w, bias: b };
}

export interface PairCounts extends Prf {
  tp: number;
  fp: number;
  fn: number;
}

export function pairCounts(
  scores: readonly number[],
  gold: readonly boolean[],
  t: number,
): PairCounts {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const yes = s >= t;
    if (yes && gold[i]) tp++;
    else if (yes) fp++;
    else if (gold[i]) fn++;
  });
  return { tp, fp, fn, ...prf(tp, fp, fn) };
}

/**
 * The lowest threshold whose precision on the fitting pairs reaches `minPrecision` (a wrong
 * merge hides a story from a channel; a missed one only posts it twice), so recall is as high
 * as that precision allows.
 */
export function chooseThreshold(
  scores: readonly number[],
  gold: readonly boolean[],
  minPrecision: number,
): number {
  for (let t = 0.05; t <= 0.99; t += 0.01) {
    const r = Math.round(t * 100) / 100;
    if (pairCounts(scores, gold, r).precision >= minPrecision) return r;
  }
  return 0.99;
}
