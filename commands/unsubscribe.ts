import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { channelMention, EPHEMERAL, NO_MENTIONS, requireTopic } from "../src/discord/format.js";
import {
  ALERT_CHANNEL_TYPES,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import { topicChoices, topicLabel } from "../src/search/topics.js";
import { truncateText } from "../src/text/truncate.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  // A word means what autocomplete offered: among this server's subscriptions first.
  const subscribed = new Set(ctx.subscriptions.forGuild(guild.id).map((s) => s.topic));
  const topic = requireTopic(
    ctx.taxonomy,
    interaction.options.getString("topic", true),
    tr,
    subscribed,
  );
  const label = `${topic.emoji} ${topicLabel(topic, tr.locale)}`;
  const channelId = interaction.options.getChannel("channel")?.id;
  const removed = await ctx.subscriptions.remove(
    guild.id,
    (s) => s.topic === topic.id && (channelId === undefined || s.channelId === channelId),
  );
  if (removed === 0) {
    throw channelId
      ? UserError.of("unsubscribe.noneInChannel", {
          topic: label,
          channel: channelMention(channelId),
        })
      : UserError.of("unsubscribe.none", { topic: label });
  }
  ctx.log.info(
    { guildId: guild.id, channelId, topic: topic.id, userId: interaction.user.id, removed },
    "subscriptions removed",
  );
  await interaction.reply({
    content: channelId
      ? tr.t("unsubscribe.removedInChannel", {
          count: removed,
          topic: `**${label}**`,
          channel: channelMention(channelId),
        })
      : tr.t("unsubscribe.removed", { count: removed, topic: `**${label}**` }),
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
        .addChannelTypes(...ALERT_CHANNEL_TYPES),
    ),
  execute,
  async autocomplete(interaction, ctx) {
    const language = ctx.i18n.for(interaction.locale).locale;
    const subs = interaction.guildId ? ctx.subscriptions.forGuild(interaction.guildId) : [];
    const subscribed = new Set(subs.map((s) => s.topic));
    const typed = interaction.options.getFocused();
    const choices = topicChoices(ctx.taxonomy, typed, subscribed, language).map((choice) => {
      // Say where each topic goes, so the admin recognises the subscription.
      const channels = subs
        .filter((s) => s.topic === choice.value)
        .map(
          (s) =>
            `#${interaction.guild?.channels.cache.get(s.channelId)?.name ?? ctx.i18n.t(language, "unsubscribe.deletedChannel")}`,
        );
      return {
        name: truncateText(`${choice.name} → ${channels.join(", ")}`, 100),
        value: choice.value,
      };
    });
    await interaction.respond(choices);
  },
};

export default command;
