/**
 * A slash command's options checked against the command's own definition before it runs. Discord
 * enforces the definition in its clients, but an interaction can be crafted, and a client may hold
 * a stale definition; so the bot checks again, once, at the interaction boundary, and each
 * command can rely on what its builder says (types, required, ranges, lengths, choices, channel
 * types, known subcommands).
 */
import { type CommandInteractionOption, ApplicationCommandOptionType as T } from "discord.js";
import { z } from "zod";
import type { CommandJson, OptionJson } from "./commands.js";

/** Why an interaction's options were refused: the option concerned and one sentence for the user. */
export interface OptionProblem {
  option: string;
  message: string;
}

interface LeafRule {
  type: number;
  required: boolean;
  value: z.ZodType;
  /** What the option accepts, in one sentence naming it. */
  message: string;
  channelTypes?: ReadonlySet<number>;
}

/** One level of a command: either plain options, or subcommands / groups to choose one of. */
type LevelRule =
  | { kind: "options"; options: ReadonlyMap<string, LeafRule> }
  | { kind: "branch"; children: ReadonlyMap<string, { type: number; rule: LevelRule }> };

export interface CommandRule {
  name: string;
  root: LevelRule;
}

// Discord's bounds for integer and number options, when a command sets none.
const NUMBER_LIMIT = 2 ** 53;
// Discord's bound for a string option without max_length.
const STRING_LIMIT = 6000;
const SNOWFLAKE = /^\d{1,20}$/;

const CHANNEL_WORDS: Readonly<Record<number, string>> = {
  0: "text",
  2: "voice",
  4: "category",
  5: "announcement",
  // Users pick threads, not thread kinds: the three read as one word.
  10: "thread",
  11: "thread",
  12: "thread",
  13: "stage",
  15: "forum",
  16: "media",
};

const SHOWABLE_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** A name from the interaction, quoted, when it could be a real option name (else `fallback`). */
function quoted(name: string, fallback: string): string {
  return SHOWABLE_NAME.test(name) ? `\`${name}\`` : fallback;
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
  if (min !== undefined) return `of at least ${min}`;
  if (max !== undefined) return `of at most ${max}`;
  return "";
}

/** What an option accepts: a schema for its value, and the sentence that says so. */
function accepts(o: OptionJson): { value: z.ZodType; message: string } {
  const name = `\`${o.name}\``;
  const choices: unknown[] = o.choices?.map((c) => c.value) ?? [];
  if (choices.length > 0) {
    return {
      value: z.unknown().refine((v) => choices.includes(v)),
      message: `${name} must be one of: ${choices.join(", ")}.`,
    };
  }
  switch (o.type) {
    case T.String: {
      const min = o.min_length ?? 0;
      const max = o.max_length ?? STRING_LIMIT;
      const length = (s: string) => [...s].length; // characters as a person counts them
      return {
        value: z.string().refine((s) => length(s) >= min && length(s) <= max),
        message:
          min > 0
            ? `${name} must be ${min} to ${max} characters long.`
            : `${name} must be at most ${max} characters long.`,
      };
    }
    case T.Integer:
    case T.Number: {
      const whole = o.type === T.Integer;
      const number = z
        .number()
        .min(o.min_value ?? -NUMBER_LIMIT)
        .max(o.max_value ?? NUMBER_LIMIT);
      const kind = whole ? "a whole number" : "a number";
      const bounds = range(o.min_value, o.max_value);
      return {
        value: whole ? number.int() : number,
        message: `${name} must be ${kind}${bounds ? ` ${bounds}` : ""}.`,
      };
    }
    case T.Boolean:
      return { value: z.boolean(), message: `${name} must be true or false.` };
    default:
      // user, channel, role, mentionable, attachment: an id
      return { value: z.string().regex(SNOWFLAKE), message: `${name} is not a valid selection.` };
  }
}

function compileLevel(options: OptionJson[] | undefined): LevelRule {
  const list = options ?? [];
  if (list.some((o) => o.type === T.Subcommand || o.type === T.SubcommandGroup)) {
    return {
      kind: "branch",
      children: new Map(list.map((o) => [o.name, { type: o.type, rule: compileLevel(o.options) }])),
    };
  }
  return {
    kind: "options",
    options: new Map(
      list.map((o) => [
        o.name,
        {
          type: o.type,
          required: o.required === true,
          ...accepts(o),
          ...(o.channel_types?.length ? { channelTypes: new Set(o.channel_types) } : {}),
        },
      ]),
    ),
  };
}

/** Compiles a command's definition (its builder's JSON) once, at start. */
export function compileCommandRule(json: CommandJson): CommandRule {
  return { name: json.name, root: compileLevel(json.options) };
}

function checkBranch(
  rule: Extract<LevelRule, { kind: "branch" }>,
  given: readonly CommandInteractionOption[],
  path: string,
): OptionProblem | undefined {
  const names = [...rule.children.keys()].join(", ");
  const [chosen, ...more] = given;
  if (!chosen || more.length > 0) {
    return { option: path, message: `${path} needs exactly one of: ${names}.` };
  }
  const child = rule.children.get(chosen.name);
  if (!child || child.type !== chosen.type) {
    return {
      option: chosen.name,
      message: `${path} has no ${quoted(chosen.name, "such subcommand")}; use one of: ${names}.`,
    };
  }
  return checkLevel(child.rule, chosen.options ?? [], `${path} ${chosen.name}`);
}

function checkLeaves(
  rules: ReadonlyMap<string, LeafRule>,
  given: readonly CommandInteractionOption[],
  path: string,
): OptionProblem | undefined {
  const seen = new Set<string>();
  for (const o of given) {
    const rule = rules.get(o.name);
    if (!rule) {
      return { option: o.name, message: `${path} has no ${quoted(o.name, "such")} option.` };
    }
    if (seen.has(o.name)) {
      return { option: o.name, message: `${path} got the ${quoted(o.name, "same")} option twice.` };
    }
    seen.add(o.name);
    if (o.type !== rule.type || !rule.value.safeParse(o.value).success) {
      return { option: o.name, message: rule.message };
    }
    const channelType = o.channel?.type;
    if (rule.channelTypes && (channelType === undefined || !rule.channelTypes.has(channelType))) {
      const words = [...new Set([...rule.channelTypes].map((t) => CHANNEL_WORDS[t] ?? String(t)))];
      const last = words.pop();
      const kinds = words.length > 0 ? `${words.join(", ")} or ${last}` : last;
      return { option: o.name, message: `\`${o.name}\` must be a ${kinds} channel.` };
    }
  }
  for (const [name, rule] of rules) {
    if (rule.required && !seen.has(name)) {
      return { option: name, message: `\`${name}\` is required for ${path}.` };
    }
  }
  return undefined;
}

function checkLevel(
  rule: LevelRule,
  given: readonly CommandInteractionOption[],
  path: string,
): OptionProblem | undefined {
  return rule.kind === "branch"
    ? checkBranch(rule, given, path)
    : checkLeaves(rule.options, given, path);
}

/** The first problem with an interaction's options, or undefined when they fit the definition. */
export function checkCommandOptions(
  rule: CommandRule,
  given: readonly CommandInteractionOption[],
): OptionProblem | undefined {
  return checkLevel(rule.root, given, `/${rule.name}`);
}
