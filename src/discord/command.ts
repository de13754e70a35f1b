import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import type { MessageKey, Vars } from "../i18n/messages.js";
import type { BotContext } from "./context.js";

/** One slash command: its definition (a builder) and its handlers. Files in `commands/` export one. */
export interface SlashCommand {
  data: { name: string; toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody };
  /** Per-user wait between two uses, for commands that cost real work. */
  cooldownMs?: number;
  /** Limits the cooldown to these subcommands (e.g. `/feeds add`, not `/feeds list`). */
  cooldownSubcommands?: string[];
  execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void>;
}

/**
 * A problem with what the user asked. Made with a catalogue key, it is shown in the user's
 * language (`message` is then the key, for logs); made with a plain string, it is shown as it is.
 */
export class UserError extends Error {
  override name = "UserError";
  readonly key?: MessageKey;
  readonly vars?: Vars;

  constructor(message: string | { key: MessageKey; vars?: Vars }) {
    super(typeof message === "string" ? message : message.key);
    if (typeof message !== "string") {
      this.key = message.key;
      this.vars = message.vars;
    }
  }

  /** A UserError shown from the catalogue in the user's language. */
  static of(key: MessageKey, vars?: Vars): UserError {
    return new UserError({ key, vars });
  }
}
