/**
 * Request-body validation with Discord's limits and its "Invalid Form Body" (50035) error
 * shape: `errors` mirrors the body's structure and leaves carry `_errors: [{ code, message }]`.
 */
import { Locale } from "discord.js";
import type { JsonObject } from "./state.js";

export interface FieldError {
  code: string;
  message: string;
}

/** Collects errors keyed by path (e.g. ["embeds", 0, "description"]) and renders Discord's nesting. */
export class FormErrors {
  private readonly entries: Array<{ path: Array<string | number>; error: FieldError }> = [];

  add(path: Array<string | number>, code: string, message: string): void {
    this.entries.push({ path, error: { code, message } });
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  toJSON(): JsonObject {
    const root: JsonObject = {};
    for (const { path, error } of this.entries) {
      let node = root;
      for (const key of path) {
        const k = String(key);
        const next = node[k];
        if (isObject(next)) {
          node = next;
        } else {
          const created: JsonObject = {};
          node[k] = created;
          node = created;
        }
      }
      const list = Array.isArray(node._errors) ? (node._errors as FieldError[]) : [];
      list.push(error);
      node._errors = list;
    }
    return root;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type Validation<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; body: JsonObject };

export function invalidFormBody(errors: FormErrors): { status: number; body: JsonObject } {
  return {
    status: 400,
    body: { message: "Invalid Form Body", code: 50035, errors: errors.toJSON() },
  };
}

const maxLen = (n: number): FieldError => ({
  code: "BASE_TYPE_MAX_LENGTH",
  message: `Must be ${n} or fewer in length.`,
});
const badLen = (min: number, max: number): FieldError => ({
  code: "BASE_TYPE_BAD_LENGTH",
  message: `Must be between ${min} and ${max} in length.`,
});

function checkString(
  errors: FormErrors,
  path: Array<string | number>,
  value: unknown,
  opts: { max: number; min?: number; required?: boolean },
): void {
  if (value === undefined || value === null) {
    if (opts.required) errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  if (typeof value !== "string") {
    errors.add(path, "BASE_TYPE_STRING", "Must be a string.");
    return;
  }
  // Discord counts characters, not UTF-16 code units.
  const length = [...value].length;
  if (opts.min !== undefined && (length < opts.min || length > opts.max)) {
    const e = badLen(opts.min, opts.max);
    errors.add(path, e.code, e.message);
  } else if (length > opts.max) {
    const e = maxLen(opts.max);
    errors.add(path, e.code, e.message);
  }
}

function checkUrl(
  errors: FormErrors,
  path: Array<string | number>,
  value: unknown,
  allowAttachment: boolean,
): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "string") {
    errors.add(path, "BASE_TYPE_STRING", "Must be a string.");
    return;
  }
  if (allowAttachment && value.startsWith("attachment://")) return;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    errors.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.");
    return;
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (scheme !== "http" && scheme !== "https") {
    errors.add(
      path,
      "URL_TYPE_INVALID_SCHEME",
      `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https').`,
    );
  }
}

const len = (v: unknown): number => (typeof v === "string" ? [...v].length : 0);

/** Returns the number of characters this embed contributes to the 6000 total. */
function validateEmbed(errors: FormErrors, path: Array<string | number>, embed: unknown): number {
  if (!isObject(embed)) {
    errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return 0;
  }
  let total = len(embed.title) + len(embed.description);
  checkString(errors, [...path, "title"], embed.title, { max: 256 });
  checkString(errors, [...path, "description"], embed.description, { max: 4096 });
  checkUrl(errors, [...path, "url"], embed.url, false);
  if (embed.color !== undefined && embed.color !== null) {
    if (typeof embed.color !== "number" || !Number.isInteger(embed.color)) {
      errors.add([...path, "color"], "NUMBER_TYPE_COERCE", "Value is not int.");
    } else if (embed.color < 0 || embed.color > 0xffffff) {
      errors.add(
        [...path, "color"],
        "NUMBER_TYPE_MAX",
        "int value should be less than or equal to 16777215.",
      );
    }
  }
  if (embed.timestamp !== undefined && embed.timestamp !== null) {
    if (typeof embed.timestamp !== "string" || Number.isNaN(Date.parse(embed.timestamp))) {
      errors.add(
        [...path, "timestamp"],
        "DATE_TIME_TYPE_PARSE",
        "Could not parse timestamp. Should be ISO8601.",
      );
    }
  }
  if (embed.footer !== undefined && embed.footer !== null) {
    if (!isObject(embed.footer)) {
      errors.add([...path, "footer"], "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
    } else {
      total += len(embed.footer.text);
      checkString(errors, [...path, "footer", "text"], embed.footer.text, {
        max: 2048,
        required: true,
      });
      checkUrl(errors, [...path, "footer", "icon_url"], embed.footer.icon_url, true);
    }
  }
  if (embed.author !== undefined && embed.author !== null) {
    if (!isObject(embed.author)) {
      errors.add([...path, "author"], "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
    } else {
      total += len(embed.author.name);
      checkString(errors, [...path, "author", "name"], embed.author.name, {
        max: 256,
        required: true,
      });
      checkUrl(errors, [...path, "author", "url"], embed.author.url, false);
      checkUrl(errors, [...path, "author", "icon_url"], embed.author.icon_url, true);
    }
  }
  for (const key of ["image", "thumbnail"] as const) {
    const media = embed[key];
    if (media === undefined || media === null) continue;
    if (!isObject(media)) {
      errors.add([...path, key], "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
      continue;
    }
    if (media.url === undefined) {
      errors.add([...path, key, "url"], "BASE_TYPE_REQUIRED", "This field is required");
    }
    checkUrl(errors, [...path, key, "url"], media.url, true);
  }
  if (embed.fields !== undefined && embed.fields !== null) {
    if (!Array.isArray(embed.fields)) {
      errors.add([...path, "fields"], "BASE_TYPE_LIST", "Must be an array.");
    } else {
      if (embed.fields.length > 25) {
        const e = maxLen(25);
        errors.add([...path, "fields"], e.code, e.message);
      }
      embed.fields.forEach((field: unknown, i: number) => {
        const fp = [...path, "fields", i];
        if (!isObject(field)) {
          errors.add(fp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used");
          return;
        }
        total += len(field.name) + len(field.value);
        checkString(errors, [...fp, "name"], field.name, { max: 256, required: true });
        checkString(errors, [...fp, "value"], field.value, { max: 1024, required: true });
        if (field.inline !== undefined && typeof field.inline !== "boolean") {
          errors.add([...fp, "inline"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
        }
      });
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Message components (action rows of buttons)

/** Discord's limits on a message's components (Reference → Message Components). */
export const COMPONENT_LIMITS = {
  rows: 5,
  perRow: 5,
  customId: 100,
  label: 80,
} as const;

/**
 * Action rows of buttons as Discord checks them: ≤ 5 rows of 1–5 buttons, style 1–5, a label of
 * ≤ 80, a custom_id of 1–100 characters unique in the message (not on a link button, which
 * needs a url instead). Other component types in a row are accepted as they are.
 */
function validateComponents(errors: FormErrors, components: unknown): void {
  if (components === undefined || components === null) return;
  if (!Array.isArray(components)) {
    errors.add(["components"], "BASE_TYPE_LIST", "Must be an array.");
    return;
  }
  if (components.length > COMPONENT_LIMITS.rows) {
    const e = maxLen(COMPONENT_LIMITS.rows);
    errors.add(["components"], e.code, e.message);
  }
  const ids = new Set<string>();
  components.forEach((row: unknown, r: number) => {
    const rp: Array<string | number> = ["components", r];
    if (!isObject(row) || row.type !== 1) {
      errors.add(
        [...rp, "type"],
        "UNION_TYPE_CHOICES",
        'Value of field "type" must be one of (1,).',
      );
      return;
    }
    const inner = row.components;
    if (!Array.isArray(inner) || inner.length < 1 || inner.length > COMPONENT_LIMITS.perRow) {
      const e = badLen(1, COMPONENT_LIMITS.perRow);
      errors.add([...rp, "components"], e.code, e.message);
      return;
    }
    inner.forEach((button: unknown, b: number) => {
      const bp = [...rp, "components", b];
      if (!isObject(button)) {
        errors.add(bp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
        return;
      }
      if (button.type !== 2) return;
      validateButton(errors, bp, button, ids);
    });
  });
}

function validateButton(
  errors: FormErrors,
  path: Array<string | number>,
  button: JsonObject,
  ids: Set<string>,
): void {
  const style = button.style;
  if (typeof style !== "number" || !Number.isInteger(style) || style < 1 || style > 5) {
    errors.add([...path, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5}.");
    return;
  }
  checkString(errors, [...path, "label"], button.label, { max: COMPONENT_LIMITS.label });
  if (style === 5) {
    if (typeof button.url !== "string" || button.url.length === 0) {
      errors.add([...path, "url"], "BUTTON_COMPONENT_URL_REQUIRED", "A url is required");
    }
    if (button.custom_id !== undefined) {
      errors.add(
        [...path, "custom_id"],
        "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
        "A custom id cannot be specified",
      );
    }
    return;
  }
  if (button.url !== undefined) {
    errors.add([...path, "url"], "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url cannot be specified");
  }
  checkString(errors, [...path, "custom_id"], button.custom_id, {
    min: 1,
    max: COMPONENT_LIMITS.customId,
    required: true,
  });
  if (typeof button.custom_id === "string") {
    if (ids.has(button.custom_id)) {
      errors.add(
        [...path, "custom_id"],
        "COMPONENT_CUSTOM_ID_DUPLICATED",
        "Component custom id cannot be duplicated",
      );
    }
    ids.add(button.custom_id);
  }
}

export interface MessageValidationOptions {
  /** PATCH bodies may omit everything; only what is present is checked. */
  partial?: boolean;
  /** Number of files uploaded alongside (multipart), which makes an empty body acceptable. */
  files?: number;
}

const MENTION_TYPES = ["roles", "users", "everyone"];
const SNOWFLAKE = /^\d{17,20}$/;

/**
 * `allowed_mentions` as Discord checks it: `parse` from the three types, at most 100 role and
 * user ids, and a type either parsed or listed, not both.
 */
function validateAllowedMentions(errors: FormErrors, value: unknown): void {
  const at = ["allowed_mentions"];
  if (!isObject(value)) {
    errors.add(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  const parse = value.parse ?? [];
  if (!Array.isArray(parse)) {
    errors.add([...at, "parse"], "BASE_TYPE_LIST", "Must be an array.");
  } else {
    parse.forEach((p: unknown, i: number) => {
      if (typeof p !== "string" || !MENTION_TYPES.includes(p)) {
        errors.add(
          [...at, "parse", i],
          "BASE_TYPE_CHOICES",
          `Value must be one of {${MENTION_TYPES.map((t) => `'${t}'`).join(", ")}}.`,
        );
      }
    });
  }
  for (const kind of ["roles", "users"] as const) {
    const ids = value[kind];
    if (ids === undefined || ids === null) continue;
    if (!Array.isArray(ids)) {
      errors.add([...at, kind], "BASE_TYPE_LIST", "Must be an array.");
      continue;
    }
    if (ids.length > 100) {
      const e = maxLen(100);
      errors.add([...at, kind], e.code, e.message);
    }
    ids.forEach((id: unknown, i: number) => {
      if (typeof id !== "string" || !SNOWFLAKE.test(id)) {
        errors.add(
          [...at, kind, i],
          "NUMBER_TYPE_COERCE",
          `Value "${String(id)}" is not snowflake.`,
        );
      }
    });
    if (ids.length > 0 && Array.isArray(parse) && parse.includes(kind)) {
      errors.add(
        at,
        "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
        `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`,
      );
    }
  }
  if (value.replied_user !== undefined && typeof value.replied_user !== "boolean") {
    errors.add([...at, "replied_user"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  }
}

/** Validates a create/edit message body; the 50006 "empty message" check is skipped for partial edits. */
export function validateMessageBody(
  body: unknown,
  opts: MessageValidationOptions = {},
): Validation<JsonObject> {
  if (!isObject(body)) {
    const errors = new FormErrors();
    errors.add([], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return { ok: false, ...invalidFormBody(errors) };
  }
  const errors = new FormErrors();
  checkString(errors, ["content"], body.content, { max: 2000 });
  let embedChars = 0;
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) {
      errors.add(["embeds"], "BASE_TYPE_LIST", "Must be an array.");
    } else {
      if (body.embeds.length > 10) {
        const e = maxLen(10);
        errors.add(["embeds"], e.code, e.message);
      }
      body.embeds.forEach((embed: unknown, i: number) => {
        embedChars += validateEmbed(errors, ["embeds", i], embed);
      });
      if (embedChars > 6000) {
        errors.add(
          ["embeds"],
          "MAX_EMBED_SIZE_EXCEEDED",
          "Embed size exceeds maximum size of 6000",
        );
      }
    }
  }
  validateComponents(errors, body.components);
  if (body.flags !== undefined && body.flags !== null && typeof body.flags !== "number") {
    errors.add(["flags"], "NUMBER_TYPE_COERCE", "Value is not int.");
  }
  if (body.allowed_mentions !== undefined && body.allowed_mentions !== null) {
    validateAllowedMentions(errors, body.allowed_mentions);
  }
  if (!errors.empty) return { ok: false, ...invalidFormBody(errors) };

  if (!opts.partial) {
    const hasContent = typeof body.content === "string" && body.content.length > 0;
    const hasEmbeds = Array.isArray(body.embeds) && body.embeds.length > 0;
    const hasComponents = Array.isArray(body.components) && body.components.length > 0;
    const hasStickers = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
    const hasPoll = isObject(body.poll);
    if (!hasContent && !hasEmbeds && !hasComponents && !hasStickers && !hasPoll && !opts.files) {
      return {
        ok: false,
        status: 400,
        body: { message: "Cannot send an empty message", code: 50006 },
      };
    }
  }
  return { ok: true, value: body };
}

// ---------------------------------------------------------------------------------------------
// Application commands

const CHAT_INPUT_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkCommandName(
  errors: FormErrors,
  path: Array<string | number>,
  name: unknown,
  chatInput: boolean,
  code: string,
): void {
  if (typeof name !== "string") {
    errors.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  if (!chatInput) {
    checkString(errors, path, name, { min: 1, max: 32 });
    return;
  }
  // Discord requires lowercase wherever a lowercase variant exists.
  if (!CHAT_INPUT_NAME.test(name) || name !== name.toLowerCase()) {
    errors.add(path, code, "Command name is invalid");
  }
}

/** Discord's locales (Reference → Locales): the only keys a localisation map may have. */
const LOCALES = new Set<string>(Object.values(Locale));

/**
 * `name_localizations` / `description_localizations`: keys must be Discord locales, values obey
 * the rules of the field they translate (a localised chat-input name is lower case, ≤ 32).
 */
function checkLocalizations(
  errors: FormErrors,
  path: Array<string | number>,
  map: unknown,
  kind: "name" | "description",
): void {
  if (map === undefined || map === null) return;
  if (!isObject(map)) {
    errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType");
    return;
  }
  for (const [locale, value] of Object.entries(map)) {
    if (!LOCALES.has(locale)) {
      errors.add([...path, locale], "BASE_TYPE_CHOICES", `Value must be one of ${[...LOCALES]}.`);
      continue;
    }
    if (kind === "name") {
      checkCommandName(errors, [...path, locale], value, true, "APPLICATION_COMMAND_INVALID_NAME");
    } else {
      checkString(errors, [...path, locale], value, { min: 1, max: 100, required: true });
    }
  }
}

/** The longest of a field and its localisations counts towards the 4,000 characters. */
function longestOf(value: unknown, map: unknown): number {
  const localized = isObject(map) ? Object.values(map).map(len) : [];
  return Math.max(len(value), ...localized);
}

function charsOf(option: JsonObject): number {
  let n =
    longestOf(option.name, option.name_localizations) +
    longestOf(option.description, option.description_localizations);
  if (Array.isArray(option.choices)) {
    for (const c of option.choices) {
      if (isObject(c)) {
        n += longestOf(c.name, c.name_localizations);
        n += typeof c.value === "string" ? len(c.value) : 0;
      }
    }
  }
  if (Array.isArray(option.options)) {
    for (const o of option.options) if (isObject(o)) n += charsOf(o);
  }
  return n;
}

const CHOICE_TYPES = new Set([3, 4, 10]);

function validateOptions(
  errors: FormErrors,
  path: Array<string | number>,
  options: unknown,
  depth: number,
): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    errors.add(path, "BASE_TYPE_LIST", "Must be an array.");
    return;
  }
  if (options.length > 25) {
    const e = maxLen(25);
    errors.add(path, e.code, e.message);
  }
  const names = new Set<string>();
  let seenOptional = false;
  let hasSub = false;
  let hasPlain = false;
  options.forEach((option: unknown, i: number) => {
    const op = [...path, i];
    if (!isObject(option)) {
      errors.add(op, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return;
    }
    const type = option.type;
    if (typeof type !== "number" || !Number.isInteger(type) || type < 1 || type > 11) {
      errors.add(
        [...op, "type"],
        "BASE_TYPE_CHOICES",
        "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}.",
      );
      return;
    }
    checkCommandName(
      errors,
      [...op, "name"],
      option.name,
      true,
      "APPLICATION_COMMAND_INVALID_NAME",
    );
    checkString(errors, [...op, "description"], option.description, {
      min: 1,
      max: 100,
      required: true,
    });
    checkLocalizations(errors, [...op, "name_localizations"], option.name_localizations, "name");
    checkLocalizations(
      errors,
      [...op, "description_localizations"],
      option.description_localizations,
      "description",
    );
    if (typeof option.name === "string") {
      if (names.has(option.name)) {
        errors.add(
          [...op, "name"],
          "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
          "Option names must be unique",
        );
      }
      names.add(option.name);
    }
    const isSub = type === 1 || type === 2;
    if (isSub) {
      hasSub = true;
      if (type === 2 && depth > 0) {
        errors.add([...op, "type"], "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Invalid nesting");
      }
      if (type === 1 && depth > 1) {
        errors.add([...op, "type"], "APPLICATION_COMMAND_OPTION_TYPE_INVALID", "Invalid nesting");
      }
      if (type === 2 && Array.isArray(option.options)) {
        option.options.forEach((child: unknown, j: number) => {
          if (isObject(child) && child.type !== 1) {
            errors.add(
              [...op, "options", j, "type"],
              "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
              "Subcommand groups may only contain subcommands",
            );
          }
        });
      }
      validateOptions(errors, [...op, "options"], option.options, depth + 1);
      return;
    }
    hasPlain = true;
    const required = option.required === true;
    if (required && seenOptional) {
      errors.add(
        [...op, "required"],
        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
        "Required options must be placed before non-required options",
      );
    }
    if (!required) seenOptional = true;
    if (option.choices !== undefined && option.choices !== null) {
      if (!CHOICE_TYPES.has(type)) {
        errors.add(
          [...op, "choices"],
          "APPLICATION_COMMAND_OPTION_CHOICES_INVALID",
          "Choices are only allowed on string, integer and number options",
        );
      } else if (!Array.isArray(option.choices)) {
        errors.add([...op, "choices"], "BASE_TYPE_LIST", "Must be an array.");
      } else {
        if (option.choices.length > 25) {
          const e = maxLen(25);
          errors.add([...op, "choices"], e.code, e.message);
        }
        if (option.autocomplete === true && option.choices.length > 0) {
          errors.add(
            [...op, "autocomplete"],
            "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES",
            "Autocomplete cannot be set on options with choices",
          );
        }
        validateChoices(errors, [...op, "choices"], option.choices, type);
      }
    }
    for (const key of ["min_length", "max_length"] as const) {
      const v = option[key];
      if (v === undefined || v === null) continue;
      if (type !== 3) {
        errors.add([...op, key], "APPLICATION_COMMAND_OPTION_INVALID", `${key} only on strings`);
      } else if (typeof v !== "number" || v < (key === "min_length" ? 0 : 1) || v > 6000) {
        errors.add([...op, key], "NUMBER_TYPE_MAX", "Must be between 0 and 6000.");
      }
    }
  });
  if (hasSub && hasPlain) {
    errors.add(
      path,
      "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
      "Sub-command and sub-command group option types are mutually exclusive to all other types",
    );
  }
}

/** Choice arrays appear both in command definitions and in autocomplete (type 8) results. */
export function validateChoices(
  errors: FormErrors,
  path: Array<string | number>,
  choices: unknown[],
  optionType?: number,
): void {
  choices.forEach((choice: unknown, j: number) => {
    const cp = [...path, j];
    if (!isObject(choice)) {
      errors.add(cp, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return;
    }
    checkString(errors, [...cp, "name"], choice.name, { min: 1, max: 100, required: true });
    if (typeof choice.value === "string") {
      if (optionType !== undefined && optionType !== 3) {
        errors.add([...cp, "value"], "NUMBER_TYPE_COERCE", "Value is not a number.");
      }
      checkString(errors, [...cp, "value"], choice.value, { max: 100 });
    } else if (typeof choice.value === "number") {
      if (optionType === 3) {
        errors.add([...cp, "value"], "BASE_TYPE_STRING", "Must be a string.");
      }
    } else {
      errors.add([...cp, "value"], "BASE_TYPE_REQUIRED", "This field is required");
    }
  });
}

function validateCommand(errors: FormErrors, path: Array<string | number>, cmd: unknown): void {
  if (!isObject(cmd)) {
    errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return;
  }
  const type = cmd.type ?? 1;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4) {
    errors.add([...path, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}.");
    return;
  }
  const chatInput = type === 1;
  checkCommandName(
    errors,
    [...path, "name"],
    cmd.name,
    chatInput,
    "APPLICATION_COMMAND_INVALID_NAME",
  );
  if (chatInput) {
    checkString(errors, [...path, "description"], cmd.description, {
      min: 1,
      max: 100,
      required: true,
    });
    checkLocalizations(errors, [...path, "name_localizations"], cmd.name_localizations, "name");
    checkLocalizations(
      errors,
      [...path, "description_localizations"],
      cmd.description_localizations,
      "description",
    );
    validateOptions(errors, [...path, "options"], cmd.options, 0);
    if (charsOf(cmd) > 4000) {
      errors.add(path, "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)");
    }
  } else {
    if (typeof cmd.description === "string" && cmd.description.length > 0) {
      errors.add(
        [...path, "description"],
        "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION_INVALID",
        "Context menu commands cannot have description",
      );
    }
    if (Array.isArray(cmd.options) && cmd.options.length > 0) {
      errors.add(
        [...path, "options"],
        "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS_INVALID",
        "Context menu commands cannot have options",
      );
    }
  }
  const dmp = cmd.default_member_permissions;
  if (dmp !== undefined && dmp !== null && (typeof dmp !== "string" || !/^\d+$/.test(dmp))) {
    errors.add([...path, "default_member_permissions"], "BASE_TYPE_STRING", "Must be a string.");
  }
}

/** Validates a single command (POST) body. */
export function validateCommandBody(body: unknown): Validation<JsonObject> {
  const errors = new FormErrors();
  validateCommand(errors, [], body);
  if (!errors.empty || !isObject(body)) return { ok: false, ...invalidFormBody(errors) };
  return { ok: true, value: body };
}

/** Validates a bulk-overwrite (PUT) body: every command plus uniqueness and count limits. */
export function validateCommandList(body: unknown): Validation<JsonObject[]> {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], "BASE_TYPE_LIST", "Must be an array.");
    return { ok: false, ...invalidFormBody(errors) };
  }
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  body.forEach((cmd: unknown, i: number) => {
    validateCommand(errors, [i], cmd);
    if (!isObject(cmd)) return;
    const type = typeof cmd.type === "number" ? cmd.type : 1;
    perType.set(type, (perType.get(type) ?? 0) + 1);
    const key = `${type}:${String(cmd.name)}`;
    if (seen.has(key)) {
      errors.add(
        [i, "name"],
        "APPLICATION_COMMANDS_DUPLICATE_NAME",
        `Application command names must be unique`,
      );
    }
    seen.add(key);
  });
  if ((perType.get(1) ?? 0) > 100) {
    errors.add([], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer chat input commands.");
  }
  if ((perType.get(2) ?? 0) > 15 || (perType.get(3) ?? 0) > 15) {
    errors.add([], "BASE_TYPE_MAX_LENGTH", "Must be 15 or fewer context menu commands per type.");
  }
  if (!errors.empty) return { ok: false, ...invalidFormBody(errors) };
  return { ok: true, value: body as JsonObject[] };
}

/** Validates a type-8 autocomplete result body `{ choices }`. */
export function validateAutocompleteResult(data: unknown): Validation<JsonObject> {
  const errors = new FormErrors();
  if (!isObject(data) || !Array.isArray(data.choices)) {
    errors.add(["data", "choices"], "BASE_TYPE_REQUIRED", "This field is required");
    return { ok: false, ...invalidFormBody(errors) };
  }
  if (data.choices.length > 25) {
    const e = maxLen(25);
    errors.add(["data", "choices"], e.code, e.message);
  }
  validateChoices(errors, ["data", "choices"], data.choices);
  if (!errors.empty) return { ok: false, ...invalidFormBody(errors) };
  return { ok: true, value: data };
}
