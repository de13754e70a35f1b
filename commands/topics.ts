import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { EPHEMERAL, NO_MENTIONS, truncate } from "../src/discord/format.js";
import { topicDescription, topicLabel } from "../src/search/topics.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const lines = ctx.taxonomy.topics.map(
    (t) =>
      `${t.emoji} **${topicLabel(t, tr.locale)}** (\`${t.id}\`) — ${topicDescription(t, tr.locale)}`,
  );
  await interaction.reply({
    content: tr.t("topics.intro"),
    embeds: [{ title: tr.t("topics.title"), description: truncate(lines.join("\n"), 4096) }],
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
