import { fileURLToPath } from "node:url";
import countries from "i18n-iso-countries";
import { z } from "zod";
import { loadJsonConfig } from "./config-file.js";
import { parseTerm } from "./lexicon.js";
import { TOPIC_IDS } from "./taxonomy.js";

/**
 * The gazetteer of named actors (config/actors.json): people, parties, armed groups, bodies,
 * agencies, courts, NGOs, weapons systems and companies whose mention in a title or lead is a
 * feature for the topic classifier. Each actor carries the topics a mention is evidence for (by
 * the topic guide; often none) and the countries it belongs to.
 *
 * Names are terms in the lexicon syntax (parseTerm), listed per language because outlets
 * transliterate and translate differently (Selenskyj, Nawalny, "Ärzte ohne Grenzen"). Rules the
 * data follows (the loader enforces the first):
 *  - A name belongs to one actor per language, so a hit identifies exactly one actor. A surname
 *    shared by two people in the news ("Albanese", "Sinwar", "Bolsonaro") or that is an ordinary
 *    word or common surname in that language ("Borne", "Støre" → "store", German "Wagner") is
 *    only given in full.
 *  - An acronym in capitals only matches capitals, and is listed only in a language where it is
 *    unambiguous: "RSF" is Reporters sans frontières in French, while the Sudanese RSF gets
 *    phrases ("RSF-Miliz", "RSF paramilitaries"); "SDF" is not French (sans domicile fixe).
 *  - Topics are those of the topic guide that a bare mention is evidence for, often none (a US
 *    president); countries are what the actor belongs to, none for international bodies.
 */

export const ACTOR_KINDS = [
  "leader",
  "minister",
  "official",
  "party",
  "armed-group",
  "un-body",
  "agency",
  "court",
  "ngo",
  "weapon",
  "prisoner",
  "bloc",
  "company",
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const ACTOR_LANGUAGES = ["en", "de", "fr"] as const;
export type ActorLanguage = (typeof ACTOR_LANGUAGES)[number];

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const term = z
  .string()
  .min(1)
  .superRefine((s, ctx) => {
    try {
      parseTerm(s);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `bad name "${s}": ${(err as Error).message}` });
    }
  });

const nameList = z.array(term).min(1, "needs at least one name");

const actorSchema = z
  .object({
    id: z.string().regex(ID, "expected a lowercase kebab-case id"),
    kind: z.enum(ACTOR_KINDS),
    names: z
      // Only the three languages the classifier reads; a typo like "fe" fails instead of vanishing.
      .strictObject({ en: nameList, de: nameList, fr: nameList }),
    topics: z.array(z.enum(TOPIC_IDS)),
    countries: z.array(
      z
        .string()
        .refine(
          (c) => /^[A-Z]{2}$/.test(c) && countries.isValid(c),
          "expected an ISO 3166-1 alpha-2 code",
        ),
    ),
  })
  .strict();

/** The folded token sequence a name matches, so "Kim Jong-un" and "Kim Jong Un" are one key. */
export function nameKey(name: string): string {
  return parseTerm(name)
    .map(
      (w) => `${w.infix ? "*" : ""}${w.caps ? w.text.toUpperCase() : w.text}${w.prefix ? "*" : ""}`,
    )
    .join(" ");
}

const fileSchema = z
  .object({
    version: z.literal(1),
    actors: z.array(actorSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Map<string, number>();
    file.actors.forEach((a, i) => {
      const first = ids.get(a.id);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["actors", i, "id"],
          message: `duplicate id "${a.id}" (first at actors[${first}])`,
        });
      else ids.set(a.id, i);
      for (const field of ["topics", "countries"] as const) {
        if (new Set(a[field]).size !== a[field].length)
          ctx.addIssue({ code: "custom", path: ["actors", i, field], message: "duplicate entry" });
      }
    });
    // One name, one actor per language: a hit must say which actor it is.
    for (const lang of ACTOR_LANGUAGES) {
      const owner = new Map<string, string>();
      file.actors.forEach((a, i) => {
        a.names[lang].forEach((name, j) => {
          let key: string;
          try {
            key = nameKey(name);
          } catch {
            return; // already reported by the term check
          }
          const prev = owner.get(key);
          if (prev !== undefined)
            ctx.addIssue({
              code: "custom",
              path: ["actors", i, "names", lang, j],
              message:
                prev === a.id
                  ? `"${name}" repeats another name of the same actor`
                  : `"${name}" is already a name of "${prev}"`,
            });
          else owner.set(key, a.id);
        });
      });
    }
  });

export type Actor = z.output<typeof actorSchema>;
export type ActorFile = z.output<typeof fileSchema>;

/** "actors[12] (navalny).names.de[1]": the id makes an error findable in an 800-entry file. */
function formatPath(path: ReadonlyArray<PropertyKey>, data: unknown): string {
  let out = "";
  for (let k = 0; k < path.length; k++) {
    const p = path[k];
    if (typeof p === "number") {
      out += `[${p}]`;
      if (k === 1 && path[0] === "actors") {
        const id = (data as { actors?: Array<{ id?: unknown }> })?.actors?.[p]?.id;
        if (typeof id === "string") out += ` (${id})`;
      }
    } else if (typeof p === "string" && /^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || "(root)";
}

/** Validate already-parsed JSON. Throws an Error listing every problem with its path and actor. */
export function parseActors(data: unknown): ActorFile {
  const result = fileSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((iss) => `  ${formatPath(iss.path, data)}: ${iss.message}`);
  throw new Error(`Invalid actors file:\n${lines.join("\n")}`);
}

export const DEFAULT_ACTORS_PATH = fileURLToPath(
  new URL("../../config/actors.json", import.meta.url),
);

export function loadActors(path: string = DEFAULT_ACTORS_PATH): ActorFile {
  return loadJsonConfig(path, "actors file", parseActors);
}
