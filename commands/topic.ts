import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { fitEmbeds, requireTopic, storyEmbed } from "../src/discord/format.js";
import { answerInTime } from "../src/discord/interactions.js";
import { topicChoices } from "../src/search/topics.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("name", true));
  const limit = interaction.options.getInteger("limit") ?? 5;
  await answerInTime(interaction, false, async () => {
    const stories = await ctx.stories.latest({ topic: topic.id, limit });
    if (stories.length === 0) {
      return { content: `No stories tagged ${topic.emoji} ${topic.label} are stored yet.` };
    }
    const { embeds } = fitEmbeds(
      stories.map((s) => storyEmbed(s, ctx.taxonomy, { topic: topic.id, summaryChars: 400 })),
    );
    return {
      content: `Latest ${topic.emoji} **${topic.label}** ${embeds.length === 1 ? "story" : "stories"}:`,
      embeds,
    };
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("topic")
    .setDescription("The latest stories tagged with a topic")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("name")
        .setDescription("The topic")
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(100),
    )
    .addIntegerOption((o) =>
      o
        .setName("limit")
        .setDescription("How many stories (1–10, default 5)")
        .setMinValue(1)
        .setMaxValue(10),
    ),
  execute,
  async autocomplete(interaction, ctx) {
    await interaction.respond(topicChoices(ctx.taxonomy, interaction.options.getFocused()));
  },
};

export default command;
