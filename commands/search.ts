import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { fitEmbeds, safeText, storyEmbed } from "../src/discord/format.js";
import { answerInTime } from "../src/discord/interactions.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const query = interaction.options.getString("query", true).trim();
  const limit = interaction.options.getInteger("limit") ?? 5;
  const shown = safeText(query, 100, true);
  await answerInTime(interaction, false, async () => {
    const hits = ctx.search.search(query, { limit });
    if (hits.length === 0) {
      return { content: `No stored story matches “${shown}”.` };
    }
    const { embeds } = fitEmbeds(
      hits.map((h) => storyEmbed(h.story, ctx.taxonomy, { summaryChars: 400 })),
    );
    return {
      content: `${embeds.length} ${embeds.length === 1 ? "story" : "stories"} matching “${shown}”, best first:`,
      embeds,
    };
  });
}

const command: SlashCommand = {
  cooldownMs: 5_000,
  data: new SlashCommandBuilder()
    .setName("search")
    .setDescription("Search the stored stories")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("query")
        .setDescription("Words to look for (typos and word beginnings are fine)")
        .setRequired(true)
        .setMinLength(2)
        .setMaxLength(200),
    )
    .addIntegerOption((o) =>
      o
        .setName("limit")
        .setDescription("How many stories (1–10, default 5)")
        .setMinValue(1)
        .setMaxValue(10),
    ),
  execute,
};

export default command;
