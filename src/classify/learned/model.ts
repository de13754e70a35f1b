import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadJsonConfig } from "../config-file.js";
import { TOPIC_IDS, type TopicId } from "../taxonomy.js";
import { type EvidenceRef, type FeatureVector, HASH_BITS } from "./features.js";

export const DEFAULT_MODEL_PATH = fileURLToPath(
  new URL("../../../config/topic-model.json", import.meta.url),
);

export const MODEL_FORMAT = "foreigndesk-topic-model";
/** A lexicon floor no score reaches: the model alone decides that topic. */
export const NO_FLOOR = 2;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "expected base64");

const modelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  hashBits: z.literal(HASH_BITS),
  topics: z.array(z.enum(TOPIC_IDS)).min(1),
  bias: z.array(z.number()),
  /** Probability at which each topic is tagged, chosen by cross-validation. */
  thresholds: z.array(z.number().gt(0).lt(1)),
  /** Lexicon score at which a topic is tagged whatever the weights say (≥ 1: never). */
  lexiconFloors: z.array(z.number().gt(0)).optional(),
  /** Weights are int16; weight = int16 × scale. */
  scale: z.number().positive(),
  /** Little-endian uint32 bucket numbers, ascending. */
  index: base64,
  /** Little-endian int16, row-major: one row of `topics.length` weights per bucket. */
  weights: base64,
  training: z.record(z.string(), z.unknown()).default({}),
});

export type ModelFile = z.infer<typeof modelSchema>;

/** The learned layer at inference time: a sparse weight table and per-topic thresholds. */
export interface LearnedModel {
  readonly topics: readonly TopicId[];
  readonly thresholds: readonly number[];
  readonly lexiconFloors: readonly number[];
  readonly training: Readonly<Record<string, unknown>>;
  /** Per-topic logit (taxonomy order of `topics`). */
  logits(fv: FeatureVector): Float64Array;
  /** Per-feature contribution to one topic's logit. */
  contributions(fv: FeatureVector, topic: number): Float64Array;
  /** Buckets with weights (for size reports). */
  readonly size: number;
}

function bytesOf(b64: string): Uint8Array {
  const buf = Buffer.from(b64, "base64");
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function modelFromFile(file: ModelFile): LearnedModel {
  const T = file.topics.length;
  const floors = file.lexiconFloors ?? file.topics.map(() => NO_FLOOR);
  if (file.bias.length !== T || file.thresholds.length !== T || floors.length !== T) {
    throw new Error(`topic model: bias and thresholds need ${T} entries, one per topic`);
  }
  const ib = bytesOf(file.index);
  const wb = bytesOf(file.weights);
  if (ib.byteLength % 4 !== 0) throw new Error("topic model: index is not a uint32 array");
  const n = ib.byteLength / 4;
  if (wb.byteLength !== n * T * 2) {
    throw new Error(
      `topic model: ${n} buckets need ${n * T * 2} weight bytes, got ${wb.byteLength}`,
    );
  }
  const iv = new DataView(ib.buffer, ib.byteOffset, ib.byteLength);
  const wv = new DataView(wb.buffer, wb.byteOffset, wb.byteLength);
  const rows = new Map<number, number>();
  const W = new Float32Array(n * T);
  for (let r = 0; r < n; r++) {
    rows.set(iv.getUint32(r * 4, true), r * T);
    for (let k = 0; k < T; k++) W[r * T + k] = wv.getInt16((r * T + k) * 2, true) * file.scale;
  }
  const bias = Float64Array.from(file.bias);
  // A story's features are looked up once, then shared by its logits and every explanation.
  const rowCache = new WeakMap<FeatureVector, Int32Array>();
  const rowsOf = (fv: FeatureVector): Int32Array => {
    let r = rowCache.get(fv);
    if (!r) {
      r = new Int32Array(fv.index.length);
      for (let j = 0; j < r.length; j++) r[j] = rows.get(fv.index[j] as number) ?? -1;
      rowCache.set(fv, r);
    }
    return r;
  };
  return {
    topics: file.topics,
    thresholds: file.thresholds,
    lexiconFloors: floors,
    training: file.training,
    size: n,
    logits(fv) {
      const out = Float64Array.from(bias);
      const at = rowsOf(fv);
      for (let j = 0; j < at.length; j++) {
        const row = at[j] as number;
        if (row < 0) continue;
        const x = fv.value[j] as number;
        for (let k = 0; k < T; k++) out[k] = (out[k] as number) + (W[row + k] as number) * x;
      }
      return out;
    },
    contributions(fv, topic) {
      const out = new Float64Array(fv.index.length);
      const at = rowsOf(fv);
      for (let j = 0; j < at.length; j++) {
        const row = at[j] as number;
        if (row >= 0) out[j] = (W[row + topic] as number) * (fv.value[j] as number);
      }
      return out;
    },
  };
}

export function parseModel(json: unknown): LearnedModel {
  const r = modelSchema.safeParse(json);
  if (!r.success) throw new Error(`topic model: ${z.prettifyError(r.error)}`);
  return modelFromFile(r.data);
}

export function loadModel(path: string = DEFAULT_MODEL_PATH): LearnedModel {
  return loadJsonConfig(path, "topic model", parseModel);
}

/** Dense training weights → the file format: int16-quantised rows for buckets that matter. */
export function encodeModel(args: {
  topics: readonly TopicId[];
  bias: readonly number[];
  thresholds: readonly number[];
  lexiconFloors?: readonly number[];
  /** bucket → weights per topic */
  weights: ReadonlyMap<number, ArrayLike<number>>;
  training: Record<string, unknown>;
}): ModelFile {
  const T = args.topics.length;
  let maxAbs = 0;
  for (const w of args.weights.values()) {
    for (let k = 0; k < T; k++) maxAbs = Math.max(maxAbs, Math.abs(w[k] as number));
  }
  const scale = maxAbs > 0 ? maxAbs / 32767 : 1;
  // Buckets whose every weight rounds to zero carry nothing: leave them out of the file.
  const kept = [...args.weights.entries()]
    .filter(([, w]) => {
      for (let k = 0; k < T; k++) if (Math.round((w[k] as number) / scale) !== 0) return true;
      return false;
    })
    .sort((a, b) => a[0] - b[0]);
  const ib = Buffer.alloc(kept.length * 4);
  const wb = Buffer.alloc(kept.length * T * 2);
  kept.forEach(([idx, w], r) => {
    ib.writeUInt32LE(idx, r * 4);
    for (let k = 0; k < T; k++)
      wb.writeInt16LE(Math.round((w[k] as number) / scale), (r * T + k) * 2);
  });
  return {
    format: MODEL_FORMAT,
    version: 1,
    hashBits: HASH_BITS,
    topics: [...args.topics],
    bias: args.bias.map((b) => Math.round(b * 1e6) / 1e6),
    thresholds: args.thresholds.map((t) => Math.round(t * 1e4) / 1e4),
    ...(args.lexiconFloors ? { lexiconFloors: [...args.lexiconFloors] } : {}),
    scale,
    index: ib.toString("base64"),
    weights: wb.toString("base64"),
    training: args.training,
  };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Probabilities → the scores users see and set minimums on. Each topic's learned threshold maps
 * onto the taxonomy's threshold for that topic, so "score ≥ threshold" keeps meaning "tagged"
 * and a subscription's `min_score` keeps its scale.
 */
export function toScore(p: number, learned: number, shown: number): number {
  const s =
    p < learned ? (shown * p) / learned : shown + ((1 - shown) * (p - learned)) / (1 - learned);
  return Math.round(Math.min(1, Math.max(0, s)) * 1000) / 1000;
}

const MIN_SHARE = 0.1;

// Function words carry weight in the model (as context) but are no reason a reader would accept.
const FUNCTION_WORDS = new Set(
  (
    "the and for with from that this was were are has have had not but its their his her they " +
    "other others more than also after over about into been will would could said says who which " +
    "der die das den dem des und ist sind war nicht mit von fur auf ein eine einer sich auch nach " +
    "aber oder wird wurde werden einen eines dass sagte bei aus zum zur wie " +
    "les des une est dans pour par sur avec pas qui que aux ses son sont plus mais elle ils leur " +
    "cette comme avait etre ete selon apres"
  ).split(" "),
);

function isContentWord(folded: string): boolean {
  return folded.length >= 3 && !FUNCTION_WORDS.has(folded);
}

const groupCache = new WeakMap<FeatureVector, Map<string, { refs: EvidenceRef[]; sum: number }>>();

/** The terms and actors behind each topic's lexicon and actor scores, grouped once per story. */
function spreadGroups(fv: FeatureVector): Map<string, { refs: EvidenceRef[]; sum: number }> {
  let groups = groupCache.get(fv);
  if (groups) return groups;
  groups = new Map();
  for (const r of fv.refs) {
    if (r.kind !== "term" && r.kind !== "actor") continue;
    for (const t of r.topics) {
      const key = `${r.kind}:${t}`;
      const g = groups.get(key);
      if (g) {
        g.refs.push(r);
        g.sum += r.count;
      } else groups.set(key, { refs: [r], sum: r.count });
    }
  }
  groupCache.set(fv, groups);
  return groups;
}

/** Evidence a reader can check: the refs that pushed this topic up, strongest first. */
export function explain(
  model: LearnedModel,
  fv: FeatureVector,
  topic: number,
  limit = 8,
): Array<{ ref: EvidenceRef; weight: number }> {
  const c = model.contributions(fv, topic);
  const total = new Float64Array(fv.refs.length);
  const groups = spreadGroups(fv);
  for (let j = 0; j < c.length; j++) {
    const v = c[j] as number;
    const ev = fv.ev[j];
    if (!ev || v === 0) continue;
    if ("spread" in ev) {
      // A per-topic lexicon or actor score is shared out among the terms or actors behind it.
      const g = groups.get(`${ev.spread}:${ev.topic}`);
      if (g)
        for (const r of g.refs) total[r.slot] = (total[r.slot] as number) + (v * r.count) / g.sum;
    } else total[ev.slot] = (total[ev.slot] as number) + v;
  }
  const ranked: Array<[EvidenceRef, number]> = [];
  total.forEach((v, i) => {
    const ref = fv.refs[i] as EvidenceRef;
    if (v > 0 && (ref.kind !== "word" || isContentWord(ref.term))) ranked.push([ref, v]);
  });
  ranked.sort((a, b) => b[1] - a[1]);
  // Crumbs (a word worth a hundredth of the main term) are not reasons a reader would accept;
  // the topic's own lexicon terms are, whatever their share.
  const floor = (ranked[0]?.[1] ?? 0) * MIN_SHARE;
  return ranked
    .filter(([ref, v]) => v >= floor || (ref.kind === "term" && ref.topics.includes(topic)))
    .slice(0, limit)
    .map(([ref, weight]) => ({ ref, weight: Math.round(weight * 1000) / 1000 }));
}
