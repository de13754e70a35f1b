import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  Interaction,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
} from "discord.js";
import { feedText } from "../feeds/errors.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import { type SlashCommand, UserError } from "./command.js";
import type { BotContext } from "./context.js";
import { Cooldowns } from "./cooldown.js";
import { EPHEMERAL, NO_MENTIONS } from "./format.js";

export const APOLOGY = "Something went wrong on our side; it has been logged.";
const UNKNOWN_COMMAND =
  "That command is not available any more; Discord may still be updating the list.";

/**
 * Discord drops an interaction that is not acknowledged within 3 s. Work that usually finishes
 * well within that (a storage read) replies directly; if it has not finished after this long,
 * the reply is deferred, which buys 15 minutes.
 */
export const DEFER_AFTER_MS = 2000;

/** What a command answers with: content and/or embeds. Mentions are always disabled. */
export interface Answer {
  content?: string;
  embeds?: InteractionReplyOptions["embeds"];
}

/**
 * Runs `produce` and replies with its answer, deferring first if it takes longer than
 * DEFER_AFTER_MS. `ephemeral` must be decided up front: a deferred reply keeps the visibility
 * it was deferred with.
 */
export async function answerInTime(
  interaction: ChatInputCommandInteraction,
  ephemeral: boolean,
  produce: () => Promise<Answer>,
): Promise<void> {
  let deferring: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    deferring = interaction.deferReply(ephemeral ? { flags: EPHEMERAL } : {});
    // The outcome is awaited below; this only keeps an early failure from being unhandled.
    deferring.catch(() => {});
  }, DEFER_AFTER_MS);
  let answer: Answer;
  try {
    answer = await produce();
  } catch (error) {
    // Let the error boundary see a settled interaction state (deferred or not), never a race.
    if (deferring) await deferring.catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (deferring) {
    await deferring;
    await interaction.editReply({ ...answer, allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.reply({
    ...answer,
    allowedMentions: NO_MENTIONS,
    ...(ephemeral ? { flags: EPHEMERAL } : {}),
  });
}

/** Replies, or edits the deferred reply, or follows up: whatever the interaction still allows. */
export async function sendNotice(
  interaction: ChatInputCommandInteraction,
  content: string,
): Promise<void> {
  if (interaction.deferred && !interaction.replied) {
    const edit: InteractionEditReplyOptions = { content, embeds: [], allowedMentions: NO_MENTIONS };
    await interaction.editReply(edit);
  } else if (interaction.replied) {
    await interaction.followUp({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
  } else {
    await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
  }
}

function idsOf(interaction: Interaction, command: string) {
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    command,
    interactionId: interaction.id,
  };
}

/**
 * The `interactionCreate` listener: routes slash commands and autocomplete to their command by
 * name, and is the ONE place errors are handled. A UserError's message is shown to the user as
 * it is; anything else is logged with the ids needed to find it and answered with an apology.
 * The returned function never rejects.
 */
export function createInteractionHandler(
  commands: ReadonlyMap<string, SlashCommand>,
  ctx: BotContext,
  cooldowns: Cooldowns = new Cooldowns(ctx.now),
): (interaction: Interaction) => Promise<void> {
  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const name = interaction.commandName;
    const command = commands.get(name);
    try {
      if (!command) {
        ctx.log.warn(idsOf(interaction, name), "unknown command");
        throw new UserError(UNKNOWN_COMMAND);
      }
      const sub = interaction.options.getSubcommand(false);
      const cooled =
        !command.cooldownSubcommands || (sub !== null && command.cooldownSubcommands.includes(sub));
      if (command.cooldownMs && cooled) {
        const label = sub ? `${name} ${sub}` : name;
        const wait = cooldowns.take(interaction.user.id, label, command.cooldownMs);
        if (wait > 0) {
          throw new UserError(
            `Please wait ${Math.ceil(wait / 1000)} s before using /${label} again.`,
          );
        }
      }
      await command.execute(interaction, ctx);
    } catch (error) {
      const isUserError = error instanceof UserError;
      // Storage being down is not a bug: the user is told to retry, the log keeps the backend's words.
      const storageDown = !isUserError && isStorageUnavailable(error);
      if (!isUserError)
        ctx.log.error(
          {
            err: error,
            ...idsOf(interaction, name),
            ...(storageDown ? { reason: "storage-unavailable" } : {}),
          },
          "command failed",
        );
      const notice = isUserError
        ? error.message
        : storageDown
          ? feedText("storage-unavailable")
          : APOLOGY;
      try {
        await sendNotice(interaction, notice);
      } catch (sendError) {
        // Typically 10062: the 3 s window passed. Nothing more can be said to the user.
        ctx.log.warn(
          { err: sendError, ...idsOf(interaction, name) },
          "could not tell the user about a failed command",
        );
      }
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const name = interaction.commandName;
    const command = commands.get(name);
    try {
      if (!command?.autocomplete) {
        await interaction.respond([]);
        return;
      }
      await command.autocomplete(interaction, ctx);
    } catch (error) {
      ctx.log.error({ err: error, ...idsOf(interaction, name) }, "autocomplete failed");
      if (interaction.responded) return;
      await interaction.respond([]).catch((respondError: unknown) => {
        ctx.log.warn({ err: respondError, ...idsOf(interaction, name) }, "autocomplete: no reply");
      });
    }
  }

  return async (interaction) => {
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
    } catch (error) {
      // Only reachable if logging itself throws; a listener must never reject.
      process.stderr.write(`interaction handler failed: ${String(error)}\n`);
    }
  };
}
