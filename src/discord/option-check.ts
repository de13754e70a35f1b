/**
 * A slash command's options checked against the command's own definition before it runs. Discord
 * enforces the definition in its clients, but an interaction can be crafted, and a client may hold
 * a stale definition; so the bot checks again, once, at the interaction boundary, and each
 * command can rely on what its builder says (types, required, ranges, lengths, choices, channel
 * types, known subcommands).
 */
import { type CommandInteractionOption, ApplicationCommandOptionType as T } from "discord.js";
import { z } from "zod";
import type { MessageKey, Translator, Vars } from "../i18n/messages.js";
import type { CommandJson, OptionJson } from "./commands.js";

/** Words a refusal is put in: a user's Translator (or the English one, for the log). */
type Words = Pick<Translator, "t" | "either" | "names">;

type ChannelKind =
  | "text"
  | "voice"
  | "category"
  | "announcement"
  | "thread"
  | "stage"
  | "forum"
  | "media";

/**
 * Why an interaction's options were refused, as a catalogue key and what fills it; names are kept
 * as registered and put in the reader's language by describeOptionProblem.
 */
export interface OptionProblem {
  /** The option concerned, by its registered name (for the log). */
  option: string;
  key: MessageKey;
  /** The registered names of the command (and subcommands) the problem is about. */
  at: readonly string[];
  /** The option named in the sentence: one the command defines (localisable) or as given. */
  named?: { name: string; defined: boolean };
  /** Subcommands to choose from, by registered name. */
  offered?: readonly string[];
  channelKinds?: readonly ChannelKind[];
  vars?: Vars;
}

/** What an option accepts, as the refusal that says so. */
type Refusal = Pick<OptionProblem, "key" | "vars" | "channelKinds">;

interface LeafRule {
  type: number;
  required: boolean;
  value: z.ZodType;
  refusal: Refusal;
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

const CHANNEL_KINDS: Readonly<Record<number, ChannelKind>> = {
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

/** Which of the number refusals fits the bounds an option has. */
function numberKey(whole: boolean, min: number | undefined, max: number | undefined): MessageKey {
  const kind = whole ? "integer" : "number";
  if (min !== undefined && max !== undefined) return `optionCheck.${kind}Range`;
  if (min !== undefined) return `optionCheck.${kind}Min`;
  return max !== undefined ? `optionCheck.${kind}Max` : `optionCheck.${kind}`;
}

/** What an option accepts: a schema for its value, and the refusal that says so. */
function accepts(o: OptionJson): { value: z.ZodType; refusal: Refusal } {
  const choices: unknown[] = o.choices?.map((c) => c.value) ?? [];
  if (choices.length > 0) {
    return {
      value: z.unknown().refine((v) => choices.includes(v)),
      refusal: { key: "optionCheck.oneOf", vars: { choices: choices.join(", ") } },
    };
  }
  switch (o.type) {
    case T.String: {
      const min = o.min_length ?? 0;
      const max = o.max_length ?? STRING_LIMIT;
      const length = (s: string) => [...s].length; // characters as a person counts them
      return {
        value: z.string().refine((s) => length(s) >= min && length(s) <= max),
        refusal:
          min > 0
            ? { key: "optionCheck.lengthRange", vars: { min, max } }
            : { key: "optionCheck.lengthMax", vars: { max } },
      };
    }
    case T.Integer:
    case T.Number: {
      const whole = o.type === T.Integer;
      const number = z
        .number()
        .min(o.min_value ?? -NUMBER_LIMIT)
        .max(o.max_value ?? NUMBER_LIMIT);
      const vars: Record<string, number> = {};
      if (o.min_value !== undefined) vars.min = o.min_value;
      if (o.max_value !== undefined) vars.max = o.max_value;
      return {
        value: whole ? number.int() : number,
        refusal: { key: numberKey(whole, o.min_value, o.max_value), vars },
      };
    }
    case T.Boolean:
      return { value: z.boolean(), refusal: { key: "optionCheck.boolean" } };
    default:
      // user, channel, role, mentionable, attachment: an id
      return {
        value: z.string().regex(SNOWFLAKE),
        refusal: { key: "optionCheck.selection" },
      };
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
  at: readonly string[],
): OptionProblem | undefined {
  const offered = [...rule.children.keys()];
  const [chosen, ...more] = given;
  if (!chosen || more.length > 0) {
    return { option: `/${at.join(" ")}`, key: "optionCheck.exactlyOne", at, offered };
  }
  const child = rule.children.get(chosen.name);
  if (!child || child.type !== chosen.type) {
    const showable = SHOWABLE_NAME.test(chosen.name);
    return {
      option: chosen.name,
      key: showable ? "optionCheck.unknownSubcommand" : "optionCheck.unknownSubcommandUnnamed",
      at,
      offered,
      ...(showable ? { named: { name: chosen.name, defined: false } } : {}),
    };
  }
  return checkLevel(child.rule, chosen.options ?? [], [...at, chosen.name]);
}

/** A problem about an option named by the user, which may not be a real option name. */
function aboutGiven(
  name: string,
  at: readonly string[],
  known: boolean,
  keys: { named: MessageKey; unnamed: MessageKey },
): OptionProblem {
  if (known) return { option: name, key: keys.named, at, named: { name, defined: true } };
  return SHOWABLE_NAME.test(name)
    ? { option: name, key: keys.named, at, named: { name, defined: false } }
    : { option: name, key: keys.unnamed, at };
}

function checkLeaves(
  rules: ReadonlyMap<string, LeafRule>,
  given: readonly CommandInteractionOption[],
  at: readonly string[],
): OptionProblem | undefined {
  const seen = new Set<string>();
  for (const o of given) {
    const rule = rules.get(o.name);
    if (!rule) {
      return aboutGiven(o.name, at, false, {
        named: "optionCheck.unknownOption",
        unnamed: "optionCheck.unknownOptionUnnamed",
      });
    }
    if (seen.has(o.name)) {
      return aboutGiven(o.name, at, true, {
        named: "optionCheck.twice",
        unnamed: "optionCheck.twiceUnnamed",
      });
    }
    seen.add(o.name);
    const named = { name: o.name, defined: true };
    if (o.type !== rule.type || !rule.value.safeParse(o.value).success) {
      return { option: o.name, at, named, ...rule.refusal };
    }
    const channelType = o.channel?.type;
    if (rule.channelTypes && (channelType === undefined || !rule.channelTypes.has(channelType))) {
      const kinds = [...rule.channelTypes].flatMap((t) => CHANNEL_KINDS[t] ?? []);
      return {
        option: o.name,
        key: "optionCheck.channelKind",
        at,
        named,
        channelKinds: [...new Set(kinds)],
      };
    }
  }
  for (const [name, rule] of rules) {
    if (rule.required && !seen.has(name)) {
      return { option: name, key: "optionCheck.required", at, named: { name, defined: true } };
    }
  }
  return undefined;
}

function checkLevel(
  rule: LevelRule,
  given: readonly CommandInteractionOption[],
  at: readonly string[],
): OptionProblem | undefined {
  return rule.kind === "branch"
    ? checkBranch(rule, given, at)
    : checkLeaves(rule.options, given, at);
}

/** The first problem with an interaction's options, or undefined when they fit the definition. */
export function checkCommandOptions(
  rule: CommandRule,
  given: readonly CommandInteractionOption[],
): OptionProblem | undefined {
  return checkLevel(rule.root, given, [rule.name]);
}

/**
 * A refusal in the reader's words: the command and the options it defines by the names the
 * reader's client shows, a name the user made up as given.
 */
export function describeOptionProblem(problem: OptionProblem, words: Words): string {
  const { at, named, offered, channelKinds } = problem;
  const last = (path: readonly string[]) => words.names(path).at(-1) ?? "";
  const vars: Record<string, string | number> = {
    ...problem.vars,
    command: `/${words.names(at).join(" ")}`,
  };
  if (named) vars.option = `\`${named.defined ? last([...at, named.name]) : named.name}\``;
  if (offered) vars.names = offered.map((name) => last([...at, name])).join(", ");
  if (channelKinds) {
    vars.kinds = words.either(channelKinds.map((k) => words.t(`channelKind.${k}`)));
  }
  return words.t(problem.key, vars);
}
