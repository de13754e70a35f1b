import {
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { channelMention, EPHEMERAL, NO_MENTIONS, requireTopic } from "../src/discord/format.js";
import { requireGuild, requireManageGuild } from "../src/discord/permissions.js";
import { topicChoices } from "../src/search/topics.js";
import { truncateText } from "../src/text/truncate.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("topic", true));
  const channelId = interaction.options.getChannel("channel")?.id;
  const removed = await ctx.subscriptions.remove(
    guild.id,
    (s) => s.topic === topic.id && (channelId === undefined || s.channelId === channelId),
  );
  const where = channelId ? ` in ${channelMention(channelId)}` : "";
  if (removed === 0) {
    throw new UserError(
      `This server has no subscription to ${topic.emoji} ${topic.label}${where}; /subscriptions lists what it has.`,
    );
  }
  ctx.log.info(
    { guildId: guild.id, channelId, topic: topic.id, userId: interaction.user.id, removed },
    "subscriptions removed",
  );
  await interaction.reply({
    content: `Removed ${removed} ${removed === 1 ? "subscription" : "subscriptions"} to ${topic.emoji} **${topic.label}**${where}.`,
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("unsubscribe")
    .setDescription("Stop alerts about a topic")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("A topic this server subscribes to")
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(100),
    )
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("Only this channel's subscription (default: every channel)")
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    ),
  execute,
  async autocomplete(interaction, ctx) {
    const subs = interaction.guildId ? ctx.subscriptions.forGuild(interaction.guildId) : [];
    const subscribed = new Set(subs.map((s) => s.topic));
    const choices = topicChoices(ctx.taxonomy, interaction.options.getFocused(), subscribed).map(
      (choice) => {
        // Say where each topic goes, so the admin recognises the subscription.
        const channels = subs
          .filter((s) => s.topic === choice.value)
          .map((s) => `#${interaction.guild?.channels.cache.get(s.channelId)?.name ?? "deleted"}`);
        return {
          name: truncateText(`${choice.name} → ${channels.join(", ")}`, 100),
          value: choice.value,
        };
      },
    );
    await interaction.respond(choices);
  },
};

export default command;
