import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
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

/** A problem with what the user asked; its message is shown to them as it is. */
export class UserError extends Error {
  override name = "UserError";
}
