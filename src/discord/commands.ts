/**
 * Slash command discovery, validation and registration. Every file in `commands/` default-exports
 * one SlashCommand; a mistake in a definition (a long description, a required option after an
 * optional one, an autocomplete option without a handler) fails at start, naming the file,
 * instead of as a 50035 from Discord or as a command that silently never answers.
 */
import { readdir } from "node:fs/promises";
import { basename, extname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Locale, Routes } from "discord.js";
import type { Messages } from "../i18n/messages.js";
import type { SlashCommand } from "./command.js";
import { localizeCommand } from "./localize-commands.js";

export const COMMANDS_DIR = new URL("../../commands/", import.meta.url);

/** Discord's limits for application commands (Application Commands → limits). */
export const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  combinedChars: 4000,
  commands: 100,
} as const;

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** The locales Discord accepts as keys of `name_localizations` / `description_localizations`. */
export const DISCORD_LOCALES: ReadonlySet<string> = new Set<string>(Object.values(Locale));
const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;
const STRING = 3;
const INTEGER = 4;
const NUMBER = 10;

export class CommandDefinitionError extends Error {
  override name = "CommandDefinitionError";
}

/** The parts of a command's JSON this module checks and compares. */
export interface OptionJson {
  type: number;
  name: string;
  description?: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{
    name: string;
    value: string | number;
    name_localizations?: Record<string, string> | null;
  }>;
  options?: OptionJson[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  channel_types?: number[];
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

export interface CommandJson {
  type?: number;
  name: string;
  description?: string;
  options?: OptionJson[];
  default_member_permissions?: string | null;
  contexts?: number[] | null;
  integration_types?: number[] | null;
  nsfw?: boolean;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

function checkName(name: unknown, where: string): string[] {
  if (typeof name !== "string" || !NAME.test(name)) {
    return [`${where} name ${JSON.stringify(name)} must be 1–32 letters, digits, - or _`];
  }
  return name === name.toLowerCase() ? [] : [`${where} name "${name}" must be lower case`];
}

function checkDescription(description: unknown, where: string): string[] {
  if (typeof description !== "string" || description.length < 1) {
    return [`${where} needs a description`];
  }
  return description.length > COMMAND_LIMITS.description
    ? [`${where} description is ${description.length} characters, more than 100`]
    : [];
}

/** Localisations obey the same rules as the text they translate, under a locale Discord knows. */
function checkLocalizations(
  map: Record<string, string> | null | undefined,
  where: string,
  check: (value: unknown, at: string) => string[],
): string[] {
  const problems: string[] = [];
  for (const [locale, value] of Object.entries(map ?? {})) {
    if (!DISCORD_LOCALES.has(locale))
      problems.push(`${where}: "${locale}" is not a Discord locale`);
    problems.push(...check(value, `${where} (${locale})`));
  }
  return problems;
}

interface Named {
  name: string;
  description?: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
}

function checkNamed(node: Named, where: string): string[] {
  return [
    ...checkName(node.name, where),
    ...checkLocalizations(node.name_localizations, where, checkName),
    ...checkDescription(node.description, where),
    ...checkLocalizations(node.description_localizations, where, checkDescription),
  ];
}

/** The longest of a text and its localisations: what Discord counts towards the 4000. */
function longest(text: string | undefined, map: Record<string, string> | null | undefined) {
  return Math.max(text?.length ?? 0, ...Object.values(map ?? {}).map((v) => v.length));
}

function charsOf(options: OptionJson[] | undefined): number {
  let n = 0;
  for (const o of options ?? []) {
    n += longest(o.name, o.name_localizations);
    n += longest(o.description, o.description_localizations);
    for (const c of o.choices ?? []) {
      n += longest(c.name, c.name_localizations) + String(c.value).length;
    }
    n += charsOf(o.options);
  }
  return n;
}

/** Names must be unique per language too: two options both called "thema" in German clash. */
function duplicateLocalizedNames(list: ReadonlyArray<Named>, where: string): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const o of list) {
    for (const [locale, name] of Object.entries(o.name_localizations ?? {})) {
      const key = `${locale}:${name}`;
      const other = seen.get(key);
      if (other) {
        problems.push(`${where}: "${other}" and "${o.name}" are both "${name}" in ${locale}`);
      }
      seen.set(key, o.name);
    }
  }
  return problems;
}

function checkOptions(options: OptionJson[] | undefined, where: string, depth: number): string[] {
  const problems: string[] = [];
  const list = options ?? [];
  if (list.length > COMMAND_LIMITS.options) problems.push(`${where} has more than 25 options`);
  const names = new Set<string>();
  const nested = list.filter((o) => o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP);
  if (nested.length > 0 && nested.length !== list.length) {
    problems.push(`${where} mixes subcommands with other options`);
  }
  let optionalSeen = false;
  problems.push(...duplicateLocalizedNames(list, where));
  for (const o of list) {
    const at = `${where} option "${o.name}"`;
    problems.push(...checkNamed(o, at));
    if (names.has(o.name)) problems.push(`${at} is defined twice`);
    names.add(o.name);
    if (o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP) {
      if (o.type === SUBCOMMAND_GROUP && depth > 0) problems.push(`${at}: groups cannot nest`);
      if (o.type === SUBCOMMAND && depth > 1) problems.push(`${at}: too deeply nested`);
      problems.push(...checkOptions(o.options, `${where} ${o.name}`, depth + 1));
      continue;
    }
    if (o.required) {
      if (optionalSeen) problems.push(`${at} is required but comes after an optional option`);
    } else optionalSeen = true;
    const choices = o.choices ?? [];
    if (choices.length > COMMAND_LIMITS.choices) problems.push(`${at} has more than 25 choices`);
    if (o.autocomplete && choices.length > 0) {
      problems.push(`${at} cannot have both autocomplete and choices`);
    }
    if (o.autocomplete && ![STRING, INTEGER, NUMBER].includes(o.type)) {
      problems.push(`${at}: only string, integer and number options can autocomplete`);
    }
    for (const c of choices) {
      const names = [c.name, ...Object.values(c.name_localizations ?? {})];
      if (names.some((n) => n.length < 1 || n.length > COMMAND_LIMITS.choiceName))
        problems.push(`${at} choice "${c.name}" needs a name of 1–100 characters`);
      if (typeof c.value === "string" && c.value.length > COMMAND_LIMITS.choiceValue)
        problems.push(`${at} choice "${c.name}" has a value over 100 characters`);
    }
    if (o.min_value !== undefined && o.max_value !== undefined && o.min_value > o.max_value)
      problems.push(`${at} has min_value above max_value`);
    if (o.min_length !== undefined && o.max_length !== undefined && o.min_length > o.max_length)
      problems.push(`${at} has min_length above max_length`);
  }
  return problems;
}

function hasAutocomplete(options: OptionJson[] | undefined): boolean {
  return (options ?? []).some((o) => o.autocomplete === true || hasAutocomplete(o.options));
}

/** Every way a command's JSON (localisations included) breaks Discord's rules. */
export function definitionProblems(json: CommandJson): string[] {
  const where = `command "${json.name}"`;
  const problems = [
    ...checkName(json.name, "command"),
    ...checkLocalizations(json.name_localizations, where, checkName),
    ...checkDescription(json.description, where),
    ...checkLocalizations(json.description_localizations, where, checkDescription),
    ...checkOptions(json.options, where, 0),
  ];
  const chars =
    longest(json.name, json.name_localizations) +
    longest(json.description, json.description_localizations) +
    charsOf(json.options);
  if (chars > COMMAND_LIMITS.combinedChars) {
    problems.push(`${where} has ${chars} characters of names, descriptions and choices (max 4000)`);
  }
  return problems;
}

/**
 * Checks one command module's export; returns the command's JSON. Throws CommandDefinitionError
 * with every problem found, prefixed with `file`.
 */
export function validateCommand(candidate: unknown, file: string): CommandJson {
  const fail = (problems: string[]): never => {
    throw new CommandDefinitionError(`${file}: ${problems.join("; ")}`);
  };
  const cmd = candidate as Partial<SlashCommand> | undefined;
  if (!cmd || typeof cmd !== "object") fail(["must default-export a SlashCommand"]);
  if (!cmd?.data || typeof cmd.data.toJSON !== "function") fail(["has no `data` builder"]);
  if (typeof cmd?.execute !== "function") fail(["has no execute() function"]);
  let json: CommandJson;
  try {
    json = (cmd as SlashCommand).data.toJSON() as CommandJson;
  } catch (error) {
    return fail([`its definition is invalid: ${(error as Error).message}`]);
  }
  const where = `command "${json.name}"`;
  const problems = definitionProblems(json);
  if (hasAutocomplete(json.options) && typeof cmd?.autocomplete !== "function") {
    problems.push(`${where} has autocomplete options but no autocomplete() handler`);
  }
  const expected = basename(file, extname(file));
  if (json.name !== expected) {
    problems.push(`${where} must live in a file named ${json.name}${extname(file)}`);
  }
  if (problems.length > 0) fail(problems);
  return json;
}

function isCommandFile(file: string): boolean {
  return (
    /\.(ts|js|mjs)$/.test(file) &&
    !/\.d\.ts$/.test(file) &&
    !/\.test\.(ts|js)$/.test(file) &&
    !file.startsWith("_") &&
    !file.startsWith(".")
  );
}

/** Imports every command file and returns the commands by name, all validated. */
export async function loadCommands(dir: URL = COMMANDS_DIR): Promise<Map<string, SlashCommand>> {
  const path = fileURLToPath(dir);
  const files = (await readdir(path)).filter(isCommandFile).sort();
  const commands = new Map<string, SlashCommand>();
  const from = new Map<string, string>();
  for (const file of files) {
    const label = `commands/${file}`;
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(`${path}/${file}`).href)) as { default?: unknown };
    } catch (error) {
      throw new CommandDefinitionError(`${label}: cannot be loaded: ${(error as Error).message}`);
    }
    const json = validateCommand(mod.default, label);
    const previous = from.get(json.name);
    if (previous) {
      throw new CommandDefinitionError(
        `${label}: command "${json.name}" is already defined in ${previous}`,
      );
    }
    from.set(json.name, label);
    commands.set(json.name, mod.default as SlashCommand);
  }
  if (commands.size > COMMAND_LIMITS.commands) {
    throw new CommandDefinitionError(`${commands.size} commands; Discord allows at most 100`);
  }
  return commands;
}

/**
 * The body for a bulk overwrite (PUT /applications/:id/commands), with the catalogue's German
 * and French names and descriptions. A translation that breaks Discord's rules (an upper-case
 * or too long name, two options with one name in a language) fails here, at start.
 */
export function commandDefinitions(
  commands: ReadonlyMap<string, SlashCommand>,
  messages: Messages,
): CommandJson[] {
  const definitions = [...commands.values()].map((c) =>
    localizeCommand(c.data.toJSON() as CommandJson, messages),
  );
  const problems = [
    ...definitions.flatMap(definitionProblems),
    ...duplicateLocalizedNames(definitions, "commands"),
  ];
  if (problems.length > 0) {
    throw new CommandDefinitionError(`localised commands: ${problems.join("; ")}`);
  }
  return definitions;
}

// ------------------------------------------------------------------------------------------------
// Registration

/** The REST calls registration needs; discord.js's `REST` (client.rest) fits. */
export interface CommandRest {
  get(route: `/${string}`): Promise<unknown>;
  put(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
}

function sortedOrNull(list: number[] | null | undefined): number[] | null {
  return list && list.length > 0 ? [...list].sort((a, b) => a - b) : null;
}

function localizations(value: Record<string, string> | null | undefined) {
  return value && Object.keys(value).length > 0 ? value : null;
}

function normaliseOption(o: OptionJson): unknown {
  return {
    type: o.type,
    name: o.name,
    name_localizations: localizations(o.name_localizations),
    description: o.description ?? "",
    description_localizations: localizations(o.description_localizations),
    required: o.required === true,
    autocomplete: o.autocomplete === true,
    choices: (o.choices ?? []).map((c) => ({
      name: c.name,
      name_localizations: localizations(c.name_localizations),
      value: c.value,
    })),
    channel_types: sortedOrNull(o.channel_types),
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
    options: (o.options ?? []).map(normaliseOption),
  };
}

/**
 * A command in a canonical form: Discord's answer adds ids, versions and defaults (null
 * localizations, integration_types [0], dm_permission) that a local definition leaves out, so
 * raw JSON would never compare equal.
 */
export function normaliseCommand(c: CommandJson): unknown {
  return {
    type: c.type ?? 1,
    name: c.name,
    name_localizations: localizations(c.name_localizations),
    description: c.description ?? "",
    description_localizations: localizations(c.description_localizations),
    default_member_permissions: c.default_member_permissions ?? null,
    contexts: sortedOrNull(c.contexts),
    integration_types: sortedOrNull(c.integration_types) ?? [0],
    nsfw: c.nsfw === true,
    options: (c.options ?? []).map(normaliseOption),
  };
}

function canonical(list: CommandJson[]): string {
  return JSON.stringify(
    list
      .map(normaliseCommand)
      .map((c) => JSON.stringify(c))
      .sort(),
  );
}

/**
 * Registers the definitions (globally, or in one guild for development) only when they differ
 * from what Discord has: a bulk overwrite on every start would count against the daily
 * command-creation limit. Returns whether it wrote.
 */
export async function syncCommands(
  rest: CommandRest,
  applicationId: string,
  definitions: CommandJson[],
  guildId?: string,
): Promise<boolean> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const current = (await rest.get(route)) as CommandJson[];
  if (canonical(current) === canonical(definitions)) return false;
  await rest.put(route, { body: definitions });
  return true;
}
