import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { EPHEMERAL, NO_MENTIONS, truncate } from "../src/discord/format.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const lines = ctx.taxonomy.topics.map(
    (t) => `${t.emoji} **${t.label}** (\`${t.id}\`) — ${t.description}`,
  );
  await interaction.reply({
    content: "Topics ForeignDesk tags stories with; follow one with /subscribe.",
    embeds: [{ title: "Topics", description: truncate(lines.join("\n"), 4096) }],
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("topics")
    .setDescription("Every topic ForeignDesk tags stories with")
    .setContexts(InteractionContextType.Guild),
  execute,
};

export default command;
