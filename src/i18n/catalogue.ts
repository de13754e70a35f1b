/**
 * The message catalogue: one JSON file per language in `config/locales/` (en.json is the
 * reference), validated once at load. A file has two parts:
 * - `messages`: flat keys → text with `{placeholders}`, or `{ "one": …, "other": … }` where the
 *   wording depends on a `{count}` (chosen with Intl.PluralRules);
 * - `commands`: slash command names and descriptions, nested like the command definitions.
 * A translation that misses a key or has different placeholders is refused at start: a reply
 * must never show a raw key or an unfilled `{name}`.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

export const LOCALES = ["en", "de", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

export const LOCALES_DIR = new URL("../../config/locales/", import.meta.url);

const text = z.string().min(1);
const plural = z.object({ one: text, other: text }).strict();
const message = z.union([text, plural]);
export type CatalogueMessage = z.infer<typeof message>;

/** A command, subcommand or option: its localised name, description, options and choices. */
export interface CommandTexts {
  name?: string;
  description?: string;
  options?: Record<string, CommandTexts>;
  /** Choice value → localised choice name. */
  choices?: Record<string, string>;
}

const commandTexts: z.ZodType<CommandTexts> = z.lazy(() =>
  z
    .object({
      name: text.optional(),
      description: text.optional(),
      options: z.record(z.string(), commandTexts).optional(),
      choices: z.record(z.string(), text).optional(),
    })
    .strict(),
);

const catalogueFile = z
  .object({
    messages: z.record(z.string().regex(/^[\w.-]+$/, "keys are letters, digits, _ - ."), message),
    commands: z.record(z.string(), commandTexts).default({}),
  })
  .strict();

export type CatalogueFile = z.infer<typeof catalogueFile>;
export type Catalogue = Record<Locale, CatalogueFile>;

export class CatalogueError extends Error {
  override name = "CatalogueError";
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** The placeholder names a message uses, over all its plural forms, sorted. */
export function placeholdersOf(value: CatalogueMessage): string[] {
  const forms = typeof value === "string" ? [value] : [value.one, value.other];
  const names = new Set<string>();
  for (const form of forms) for (const m of form.matchAll(PLACEHOLDER)) names.add(m[1] as string);
  return [...names].sort();
}

function flattenCommands(texts: Record<string, CommandTexts>, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, node] of Object.entries(texts)) {
    const at = `${prefix}${key}`;
    if (node.name) out.set(`${at}.name`, node.name);
    if (node.description) out.set(`${at}.description`, node.description);
    for (const [value, name] of Object.entries(node.choices ?? {})) {
      out.set(`${at}.choices.${value}`, name);
    }
    for (const [k, v] of flattenCommands(node.options ?? {}, `${at}.options.`)) out.set(k, v);
  }
  return out;
}

/**
 * Every way the translations differ from the English reference: keys missing or extra, plural
 * forms where English has none (or the reverse), placeholders that differ.
 */
export function catalogueProblems(catalogue: Catalogue): string[] {
  const problems: string[] = [];
  const en = catalogue.en;
  const enCommands = flattenCommands(en.commands);
  for (const locale of LOCALES) {
    if (locale === "en") continue;
    const other = catalogue[locale];
    for (const [key, value] of Object.entries(en.messages)) {
      const translated = other.messages[key];
      if (translated === undefined) {
        problems.push(`${locale}: message "${key}" is missing`);
        continue;
      }
      if (typeof translated !== typeof value) {
        problems.push(
          `${locale}: message "${key}" must be ${typeof value === "string" ? "a string" : "{ one, other }"} as in English`,
        );
      }
      const want = placeholdersOf(value).join(", ");
      const got = placeholdersOf(translated).join(", ");
      if (want !== got) {
        problems.push(
          `${locale}: message "${key}" has placeholders {${got}}, English has {${want}}`,
        );
      }
    }
    for (const key of Object.keys(other.messages)) {
      if (!(key in en.messages)) problems.push(`${locale}: message "${key}" is not in English`);
    }
    const otherCommands = flattenCommands(other.commands);
    for (const key of enCommands.keys()) {
      if (!otherCommands.has(key)) problems.push(`${locale}: command text "${key}" is missing`);
    }
    for (const key of otherCommands.keys()) {
      if (!enCommands.has(key)) problems.push(`${locale}: command text "${key}" is not in English`);
    }
  }
  return problems;
}

function readLocale(dir: URL, locale: Locale): CatalogueFile {
  const path = fileURLToPath(new URL(`${locale}.json`, dir));
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CatalogueError(`${path}: cannot be read: ${(error as Error).message}`);
  }
  const parsed = catalogueFile.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new CatalogueError(`${path}: ${issues.join("; ")}`);
  }
  return parsed.data;
}

/** Reads and checks every locale's file; throws a CatalogueError naming each problem. */
export function loadCatalogue(dir: URL = LOCALES_DIR): Catalogue {
  const catalogue = Object.fromEntries(LOCALES.map((l) => [l, readLocale(dir, l)])) as Catalogue;
  const problems = catalogueProblems(catalogue);
  if (problems.length > 0) {
    throw new CatalogueError(`config/locales: ${problems.join("; ")}`);
  }
  return catalogue;
}
