/**
 * Command names and descriptions in German and French, from the `commands` part of the message
 * catalogue, added to the definitions as Discord's `name_localizations` and
 * `description_localizations` when they are registered. The builders in `commands/` keep the
 * English text; the catalogue mirrors their structure (command → options → subcommand options,
 * choices by value), so an option added without a translation is simply registered in English
 * until the catalogue has it (`untranslated()` lists such gaps, and a test fails on them).
 */
import type { CommandTexts, Locale } from "../i18n/catalogue.js";
import type { Messages } from "../i18n/messages.js";
import type { CommandJson } from "./commands.js";

/** The locales that get localisations (English is the definitions' own text). */
export const TRANSLATED_LOCALES: ReadonlyArray<Exclude<Locale, "en">> = ["de", "fr"];

interface Localizable {
  name: string;
  description?: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: Localizable[];
  choices?: Array<{
    name: string;
    value: string | number;
    name_localizations?: Record<string, string> | null;
  }>;
}

type TextsByLocale = ReadonlyArray<[Locale, CommandTexts | undefined]>;

function localizeNode<T extends Localizable>(node: T, texts: TextsByLocale): T {
  const names: Record<string, string> = { ...(node.name_localizations ?? {}) };
  const descriptions: Record<string, string> = { ...(node.description_localizations ?? {}) };
  for (const [locale, t] of texts) {
    if (t?.name) names[locale] = t.name;
    if (t?.description) descriptions[locale] = t.description;
  }
  const out: T = { ...node };
  if (Object.keys(names).length > 0) out.name_localizations = names;
  if (Object.keys(descriptions).length > 0) out.description_localizations = descriptions;
  if (node.options) {
    out.options = node.options.map((o) =>
      localizeNode(
        o,
        texts.map(([l, t]) => [l, t?.options?.[o.name]]),
      ),
    );
  }
  if (node.choices) {
    out.choices = node.choices.map((c) => {
      const localized: Record<string, string> = { ...(c.name_localizations ?? {}) };
      for (const [locale, t] of texts) {
        const name = t?.choices?.[String(c.value)];
        if (name) localized[locale] = name;
      }
      return Object.keys(localized).length > 0 ? { ...c, name_localizations: localized } : c;
    });
  }
  return out;
}

/** A definition with its German and French names and descriptions from the catalogue. */
export function localizeCommand(json: CommandJson, messages: Messages): CommandJson {
  const texts: TextsByLocale = TRANSLATED_LOCALES.map((l) => [
    l,
    messages.commandTexts(l)[json.name],
  ]);
  return localizeNode(json as Localizable, texts) as CommandJson;
}

/**
 * Every name, description and choice of the definitions that lacks a localisation for one of
 * the translated locales, as "de: feeds add url (description)".
 */
export function untranslated(definitions: readonly CommandJson[]): string[] {
  const gaps: string[] = [];
  const walk = (node: Localizable, path: string) => {
    for (const locale of TRANSLATED_LOCALES) {
      if (!node.name_localizations?.[locale]) gaps.push(`${locale}: ${path} (name)`);
      if (node.description !== undefined && !node.description_localizations?.[locale]) {
        gaps.push(`${locale}: ${path} (description)`);
      }
      for (const c of node.choices ?? []) {
        if (!c.name_localizations?.[locale]) gaps.push(`${locale}: ${path} choice ${c.value}`);
      }
    }
    for (const o of node.options ?? []) walk(o, `${path} ${o.name}`);
  };
  for (const d of definitions) walk(d as Localizable, d.name);
  return gaps;
}
