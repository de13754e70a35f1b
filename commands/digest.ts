import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import { buildDigest } from "../src/digest/digest.js";
import { digestMessage } from "../src/digest/format.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { requireTopic } from "../src/discord/format.js";
import { answerInTime, answersPrivately } from "../src/discord/interactions.js";
import { autocompleteTopic } from "../src/discord/topic-autocomplete.js";

/** Reports read per digest: enough for a busy day on every topic, bounded for the 3 s budget. */
const MAX_REPORTS = 500;

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const typed = interaction.options.getString("topic");
  const topic = typed ? requireTopic(ctx.taxonomy, typed, tr) : undefined;
  const hours = interaction.options.getInteger("hours") ?? 24;
  await answerInTime(interaction, answersPrivately(interaction), async () => {
    const since = ctx.now() - hours * 3600_000;
    const stories = await ctx.stories.latest({ topic: topic?.id, since, limit: MAX_REPORTS });
    const groups = buildDigest(stories, { topic: topic?.id });
    const message = digestMessage(groups, ctx.taxonomy, { topic: topic?.id, hours, tr });
    return { ...message, private: groups.length === 0 };
  });
}

const command: SlashCommand = {
  cooldownMs: 10_000,
  data: new SlashCommandBuilder()
    .setName("digest")
    .setDescription("The period's top stories, duplicates from several outlets merged")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("Only this topic (default: all)")
        .setAutocomplete(true)
        .setMaxLength(100),
    )
    .addIntegerOption((o) =>
      o
        .setName("hours")
        .setDescription("How far back (1–168 hours, default 24)")
        .setMinValue(1)
        .setMaxValue(168),
    )
    .addBooleanOption((o) =>
      o
        .setName("public")
        .setDescription("Post the answer for the whole channel (default: only you)"),
    ),
  execute,
  autocomplete: autocompleteTopic,
};

export default command;
