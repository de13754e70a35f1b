import { fileURLToPath } from "node:url";
import { z } from "zod";
import { loadJsonConfig } from "./config-file.js";
import { parseTerm } from "./lexicon.js";

export const TOPIC_IDS = [
  "human-rights",
  "climate",
  "russia-ukraine",
  "china",
  "middle-east",
  "trade-sanctions",
  "security-defence",
  "migration",
  "un-multilateral",
  "democracy-elections",
  "humanitarian",
  "energy",
] as const;

export type TopicId = (typeof TOPIC_IDS)[number];

/** Languages every topic must have a lexicon for; others (e.g. "es") are optional extras. */
export const REQUIRED_LANGUAGES = ["en", "de", "fr"] as const;

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

const color = z.union([
  z.number().int().min(0).max(0xffffff),
  z
    .string()
    .regex(HEX_COLOR, 'expected "#rrggbb"')
    .transform((s) => Number.parseInt(s.slice(1), 16)),
]);

/** term → weight; weights are "how much this word alone says the story is on topic". */
const termWeights = z.record(z.string().min(1), z.number().positive().max(10));
const langKey = z.string().regex(/^[a-z]{2}$/, "expected an ISO 639-1 language code");

const terms = z
  .record(langKey, termWeights)
  .refine(
    (r) => REQUIRED_LANGUAGES.every((l) => r[l] !== undefined && Object.keys(r[l]).length > 0),
    {
      message: `needs non-empty term lists for ${REQUIRED_LANGUAGES.join(", ")}`,
    },
  );

const topicSchema = z.object({
  id: z.enum(TOPIC_IDS),
  label: z.string().min(1),
  description: z
    .string()
    .min(1)
    .refine((s) => !s.includes("\n"), "must be one line"),
  /** The label and description in other languages (e.g. "de", "fr") for replies and look-ups. */
  labels: z.record(langKey, z.string().min(1).max(80)).default({}),
  descriptions: z
    .record(
      langKey,
      z
        .string()
        .min(1)
        .refine((s) => !s.includes("\n"), "must be one line"),
    )
    .default({}),
  color,
  emoji: z.string().min(1).max(16).regex(PICTOGRAPHIC, "expected a unicode emoji"),
  threshold: z.number().min(0).max(1),
  terms,
  exclude: z.record(langKey, z.array(z.string().min(1))).default({}),
});

const scoringSchema = z
  .object({
    /** A title hit counts this many times a body hit: the headline states what the story is. */
    titleWeight: z.number().min(1).max(5).default(2.5),
    /** Evidence x maps to 1 - exp(-x / saturation): one strong term (3) ≈ 0.53 at the default. */
    saturation: z.number().positive().default(4),
    /** Bodies longer than this many words get evidence divided by sqrt(words / lengthNorm). */
    lengthNorm: z.number().int().positive().default(350),
    /**
     * Evidence from a single distinct term is multiplied by this: one word can be ambiguous
     * ("solar eclipse", "trade deadline"), two different on-topic words rarely both are.
     */
    singleTermFactor: z.number().min(0).max(1).default(0.75),
  })
  .prefault({});

const taxonomySchema = z
  .object({
    version: z.literal(1),
    scoring: scoringSchema,
    topics: z.array(topicSchema),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.topics.forEach((topic, i) => {
      if (seen.has(topic.id))
        ctx.addIssue({
          code: "custom",
          path: ["topics", i, "id"],
          message: `duplicate id "${topic.id}"`,
        });
      seen.add(topic.id);
    });
    for (const id of TOPIC_IDS) {
      if (!seen.has(id))
        ctx.addIssue({ code: "custom", path: ["topics"], message: `missing topic "${id}"` });
    }
    // Terms are checked here so a typo fails at load time with its path, not silently at runtime.
    t.topics.forEach((topic, i) => {
      const check = (section: "terms" | "exclude", lang: string, term: string) => {
        try {
          parseTerm(term);
        } catch (err) {
          ctx.addIssue({
            code: "custom",
            path: ["topics", i, section, lang, term],
            message: `bad term: ${(err as Error).message}`,
          });
        }
      };
      for (const [lang, list] of Object.entries(topic.terms)) {
        for (const term of Object.keys(list)) check("terms", lang, term);
      }
      for (const [lang, list] of Object.entries(topic.exclude)) {
        for (const term of list) check("exclude", lang, term);
      }
    });
  });

export type Taxonomy = z.output<typeof taxonomySchema>;
export type TopicDef = Taxonomy["topics"][number];
export type ScoringParams = Taxonomy["scoring"];

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (typeof p === "string" && /^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || "(root)";
}

/** Validate already-parsed JSON. Throws an Error listing every problem with its path. */
export function parseTaxonomy(data: unknown): Taxonomy {
  const result = taxonomySchema.safeParse(data);
  if (result.success) {
    result.data.topics.sort((a, b) => TOPIC_IDS.indexOf(a.id) - TOPIC_IDS.indexOf(b.id));
    return result.data;
  }
  const lines = result.error.issues.map((iss) => `  ${formatPath(iss.path)}: ${iss.message}`);
  throw new Error(`Invalid taxonomy:\n${lines.join("\n")}`);
}

export const DEFAULT_TAXONOMY_PATH = fileURLToPath(
  new URL("../../config/topics.json", import.meta.url),
);

export function loadTaxonomy(path: string = DEFAULT_TAXONOMY_PATH): Taxonomy {
  return loadJsonConfig(path, "taxonomy", parseTaxonomy);
}
