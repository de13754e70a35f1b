import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  Interaction,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
  RepliableInteraction,
} from "discord.js";
import type { Translator } from "../i18n/messages.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import { handleButton, pressIds } from "./buttons/index.js";
import { type SlashCommand, UserError } from "./command.js";
import type { CommandJson } from "./commands.js";
import type { BotContext } from "./context.js";
import { Cooldowns } from "./cooldown.js";
import { EPHEMERAL, NO_MENTIONS } from "./format.js";
import { checkCommandOptions, compileCommandRule, describeOptionProblem } from "./option-check.js";

/** The apology in English (the catalogue's `error.apology`; a test keeps the two equal). */
export const APOLOGY = "Something went wrong on our side; it has been logged.";

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
  /** Buttons under the answer (e.g. a mute's Undo). */
  components?: InteractionReplyOptions["components"];
  /**
   * Only the user may see this answer, even when the command was asked to answer publicly
   * (a "no match" is of no use to the channel).
   */
  private?: boolean;
}

/**
 * Whether a lookup answers only the user: lookups are private unless the user set the
 * `public` option, so that trying queries does not fill a channel.
 */
export function answersPrivately(interaction: ChatInputCommandInteraction): boolean {
  return interaction.options.getBoolean("public") !== true;
}

/**
 * Runs `produce` and replies with its answer, deferring first if it takes longer than
 * DEFER_AFTER_MS. `ephemeral` must be decided up front: a deferred reply keeps the visibility
 * it was deferred with, so a private answer to a publicly deferred reply replaces it with an
 * ephemeral follow-up.
 */
export async function answerInTime(
  interaction: RepliableInteraction,
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
  const { private: only, ...message } = answer;
  const hidden = ephemeral || only === true;
  if (deferring) {
    await deferring;
    if (hidden && !ephemeral) {
      await interaction.deleteReply();
      await interaction.followUp({ ...message, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.editReply({ ...message, allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.reply({
    ...message,
    allowedMentions: NO_MENTIONS,
    ...(hidden ? { flags: EPHEMERAL } : {}),
  });
}

/** Replies, or edits the deferred reply, or follows up: whatever the interaction still allows. */
export async function sendNotice(
  interaction: RepliableInteraction,
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

/** What the user is told about a failed command, in their language. */
function noticeFor(error: unknown, tr: Translator): string {
  if (!(error instanceof UserError)) return tr.t("error.apology");
  return error.key ? tr.t(error.key, error.vars) : error.message;
}

/**
 * The `interactionCreate` listener: routes slash commands and autocomplete to their command by
 * name and button presses to src/discord/buttons/, refuses options that do not fit the command's
 * definition before it runs, and is the ONE place errors are handled. A UserError is shown to the user (from the catalogue in their
 * language when it has a key); anything else is logged with the ids needed to find it and
 * answered with an apology. The returned function never rejects.
 */
export function createInteractionHandler(
  commands: ReadonlyMap<string, SlashCommand>,
  ctx: BotContext,
  cooldowns: Cooldowns = new Cooldowns(ctx.now),
): (interaction: Interaction) => Promise<void> {
  const rules = new Map(
    [...commands].map(([name, c]) => [name, compileCommandRule(c.data.toJSON() as CommandJson)]),
  );

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const name = interaction.commandName;
    const command = commands.get(name);
    const rule = rules.get(name);
    try {
      if (!command || !rule) {
        ctx.log.warn(idsOf(interaction, name), "unknown command");
        throw UserError.of("error.unknownCommand");
      }
      // Before the cooldown: a refused request costs the user no wait.
      const problem = checkCommandOptions(rule, interaction.options.data);
      if (problem) {
        ctx.log.warn(
          {
            ...idsOf(interaction, name),
            option: problem.option,
            problem: describeOptionProblem(problem, ctx.i18n.for("en")),
          },
          "command options refused",
        );
        throw new UserError(describeOptionProblem(problem, ctx.i18n.for(interaction.locale)));
      }
      const sub = interaction.options.getSubcommand(false);
      const cooled =
        !command.cooldownSubcommands || (sub !== null && command.cooldownSubcommands.includes(sub));
      if (command.cooldownMs && cooled) {
        const label = sub ? `${name} ${sub}` : name;
        const wait = cooldowns.take(interaction.user.id, label, command.cooldownMs);
        if (wait > 0) {
          throw UserError.of("error.cooldown", {
            seconds: Math.ceil(wait / 1000),
            command: ctx.i18n.for(interaction.locale).command(name, sub),
          });
        }
      }
      await command.execute(interaction, ctx);
    } catch (error) {
      await fail(interaction, error, idsOf(interaction, name), "command");
    }
  }

  /**
   * The boundary's answer to a failure: a UserError is shown; storage being down is not a bug,
   * so the user is told to retry and the log keeps the backend's words; anything else is logged
   * with `ids` and answered with an apology.
   */
  async function fail(
    interaction: RepliableInteraction,
    error: unknown,
    ids: Record<string, unknown>,
    what: "command" | "button",
  ): Promise<void> {
    const isUserError = error instanceof UserError;
    const storageDown = !isUserError && isStorageUnavailable(error);
    if (!isUserError)
      ctx.log.error(
        { err: error, ...ids, ...(storageDown ? { reason: "storage-unavailable" } : {}) },
        `${what} failed`,
      );
    const tr = ctx.i18n.for(interaction.locale);
    const notice = storageDown ? tr.t("feedProblem.storage-unavailable") : noticeFor(error, tr);
    try {
      await sendNotice(interaction, notice);
    } catch (sendError) {
      // Typically 10062: the 3 s window passed. Nothing more can be said to the user.
      ctx.log.warn({ err: sendError, ...ids }, `could not tell the user about a failed ${what}`);
    }
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    try {
      await handleButton(interaction, ctx);
    } catch (error) {
      await fail(interaction, error, pressIds(interaction), "button");
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
      else if (interaction.isButton()) await onButton(interaction);
    } catch (error) {
      // Only reachable if logging itself throws; a listener must never reject.
      process.stderr.write(`interaction handler failed: ${String(error)}\n`);
    }
  };
}
