import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadJsonConfig } from "../classify/config-file.js";
import { sigmoid } from "../classify/learned/model.js";
import { FEATURE_NAMES, type PairFeatures } from "./similarity.js";

export const DEFAULT_CLUSTER_MODEL_PATH = fileURLToPath(
  new URL("../../config/cluster.json", import.meta.url),
);

const modelSchema = z.object({
  version: z.literal(1),
  /** Stories further apart than this are never one event. */
  windowHours: z
    .number()
    .positive()
    .max(24 * 14),
  bias: z.number(),
  weights: z.object(
    Object.fromEntries(FEATURE_NAMES.map((k) => [k, z.number()])) as {
      [K in (typeof FEATURE_NAMES)[number]]: z.ZodNumber;
    },
  ),
  /** Document frequencies of common stems in news (`IdfTable`). */
  idf: z.object({ docs: z.number().int().positive(), df: z.record(z.string(), z.number().int()) }),
  /** Same event at or above this probability. */
  threshold: z.number().min(0).max(1),
  training: z.record(z.string(), z.unknown()).default({}),
});

export type ClusterModel = z.infer<typeof modelSchema>;

export function parseClusterModel(raw: unknown): ClusterModel {
  return modelSchema.parse(raw);
}

export function loadClusterModel(path: string = DEFAULT_CLUSTER_MODEL_PATH): ClusterModel {
  return loadJsonConfig(path, "cluster model", parseClusterModel);
}

/** Probability that two stories report the same event. */
export function sameEventProbability(m: ClusterModel, f: PairFeatures): number {
  let z = m.bias;
  for (const k of FEATURE_NAMES) z += m.weights[k] * f[k];
  return sigmoid(z);
}
