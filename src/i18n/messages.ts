/**
 * Replies in the user's language: `t(locale, key, vars)` over the catalogue in config/locales/.
 * Built once at start and passed down in the BotContext; keys are typed from en.json, so a
 * misspelt key fails the type check rather than showing up in a reply.
 */
import type enCatalogue from "../../config/locales/en.json";
import {
  type Catalogue,
  type CommandTexts,
  DEFAULT_LOCALE,
  LOCALES,
  type Locale,
  loadCatalogue,
} from "./catalogue.js";

export type MessageKey = keyof (typeof enCatalogue)["messages"];
export type Vars = Readonly<Record<string, string | number>>;

/**
 * The catalogue language for a Discord locale: "de" → de, "fr" → fr; "en-US", "en-GB" and every
 * locale without a catalogue → en.
 */
export function localeOf(discordLocale: string | null | undefined): Locale {
  const base = (discordLocale ?? "").toLowerCase().split("-")[0] ?? "";
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : DEFAULT_LOCALE;
}

function fill(template: string, vars: Vars): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** One user's language: what command handlers hold while answering. */
export interface Translator {
  readonly locale: Locale;
  t(key: MessageKey, vars?: Vars): string;
  /** A key made at run time (e.g. from a permission name); undefined when the catalogue lacks it. */
  maybe(key: string, vars?: Vars): string | undefined;
  /** "a, b and c" in the user's language. */
  list(items: readonly string[]): string;
  /** "a, b or c" in the user's language. */
  either(items: readonly string[]): string;
  /** A number with the language's separators and `digits` decimals. */
  number(value: number, digits?: number): string;
  /** A command (and subcommand) as the user's client names it: "feeds add" → "flux ajouter". */
  command(name: string, subcommand?: string | null): string;
  /**
   * Each name along a path of registered names (command, subcommand…, option) as the user's
   * client shows it: ["feeds", "add", "url"] → ["flux", "ajouter", "url"]; a name the catalogue
   * does not know stays as it is.
   */
  names(path: readonly string[]): string[];
}

export class Messages {
  readonly #catalogue: Catalogue;
  readonly #plurals = new Map<Locale, Intl.PluralRules>();

  constructor(catalogue: Catalogue) {
    this.#catalogue = catalogue;
  }

  /** The text of `key` in `locale` (English when the locale lacks it), placeholders filled. */
  t(locale: Locale, key: MessageKey, vars: Vars = {}): string {
    return this.maybe(locale, key, vars) ?? key;
  }

  maybe(locale: Locale, key: string, vars: Vars = {}): string | undefined {
    const value =
      this.#catalogue[locale].messages[key] ?? this.#catalogue[DEFAULT_LOCALE].messages[key];
    if (value === undefined) return undefined;
    if (typeof value === "string") return fill(value, vars);
    const form = this.#pluralRules(locale).select(Number(vars.count ?? 0));
    return fill(form === "one" ? value.one : value.other, vars);
  }

  /** A translator for an interaction's `locale` (a Discord locale such as "de" or "en-GB"). */
  for(discordLocale: string | null | undefined): Translator {
    const locale = localeOf(discordLocale);
    // British English lists without the serial comma ("a, b and c"), as the replies always did.
    const listLocale = locale === "en" ? "en-GB" : locale;
    const lists = new Intl.ListFormat(listLocale, { style: "long", type: "conjunction" });
    const alternatives = new Intl.ListFormat(listLocale, { style: "long", type: "disjunction" });
    return {
      locale,
      t: (key, vars) => this.t(locale, key, vars),
      maybe: (key, vars) => this.maybe(locale, key, vars),
      list: (items) => lists.format(items),
      either: (items) => alternatives.format(items),
      number: (value, digits = 0) =>
        new Intl.NumberFormat(locale, {
          minimumFractionDigits: digits,
          maximumFractionDigits: digits,
        }).format(value),
      command: (name, subcommand) => this.commandName(locale, name, subcommand),
      names: (path) => this.namesAlong(locale, path),
    };
  }

  /** A command's name in `locale`, English where the catalogue has no translation. */
  commandName(locale: Locale, name: string, subcommand?: string | null): string {
    const texts = this.#catalogue[locale].commands[name];
    const command = texts?.name ?? name;
    if (!subcommand) return command;
    return `${command} ${texts?.options?.[subcommand]?.name ?? subcommand}`;
  }

  /** Each registered name along `path` in `locale` (see Translator.names). */
  namesAlong(locale: Locale, path: readonly string[]): string[] {
    let level: Readonly<Record<string, CommandTexts>> | undefined =
      this.#catalogue[locale].commands;
    return path.map((name) => {
      const node: CommandTexts | undefined =
        level && Object.hasOwn(level, name) ? level[name] : undefined;
      level = node?.options;
      return node?.name ?? name;
    });
  }

  /** Command names and descriptions of one language, for registering localisations. */
  commandTexts(locale: Locale): Readonly<Record<string, CommandTexts>> {
    return this.#catalogue[locale].commands;
  }

  #pluralRules(locale: Locale): Intl.PluralRules {
    let rules = this.#plurals.get(locale);
    if (!rules) {
      rules = new Intl.PluralRules(locale);
      this.#plurals.set(locale, rules);
    }
    return rules;
  }
}

/** Reads config/locales/ (or `dir`) and returns the messages; throws on a bad catalogue. */
export function loadMessages(dir?: URL): Messages {
  return new Messages(loadCatalogue(dir));
}
