import {
  ChannelType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  channelMention,
  EPHEMERAL,
  escapeText,
  NO_MENTIONS,
  requireTopic,
} from "../src/discord/format.js";
import {
  botMember,
  describeMissing,
  missingChannelPermissions,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import { topicChoices } from "../src/search/topics.js";
import { SubscriptionLimitError } from "../src/subscriptions/store.js";

const MAX_KEYWORDS = 10;
const MAX_KEYWORD_LENGTH = 60;

/** "sanctions, export controls; tariffs" → ["sanctions", "export controls", "tariffs"]. */
export function parseKeywords(raw: string | null): string[] {
  if (!raw) return [];
  const words = raw
    .split(/[,;\n]/)
    .map((k) => k.trim().replace(/\s+/g, " "))
    .filter((k) => k.length > 0);
  const unique = [...new Map(words.map((k) => [k.toLowerCase(), k])).values()];
  if (unique.length > MAX_KEYWORDS) {
    throw new UserError(`Use at most ${MAX_KEYWORDS} keywords, separated by commas.`);
  }
  const long = unique.find((k) => k.length > MAX_KEYWORD_LENGTH);
  if (long) throw new UserError(`Keywords may be at most ${MAX_KEYWORD_LENGTH} characters long.`);
  return unique;
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("topic", true));

  const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
  const channel = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId));
  if (
    !channel ||
    (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)
  ) {
    throw new UserError(
      "Alerts can go to text or announcement channels only; pick one with the channel option.",
    );
  }
  const missing = missingChannelPermissions(channel, await botMember(guild));
  if (missing.length > 0) throw new UserError(describeMissing(channel.id, missing));

  const minScore = interaction.options.getNumber("min_score") ?? 0;
  const keywords = parseKeywords(interaction.options.getString("keywords"));
  let replaced: boolean;
  try {
    replaced = await ctx.subscriptions.upsert({
      guildId: guild.id,
      channelId: channel.id,
      topic: topic.id,
      minScore,
      keywords,
      createdBy: interaction.user.id,
      createdAt: ctx.now(),
      status: "active",
      alertsSent: 0,
    });
  } catch (error) {
    if (error instanceof SubscriptionLimitError) throw new UserError(error.message);
    throw error;
  }
  ctx.log.info(
    {
      guildId: guild.id,
      channelId: channel.id,
      topic: topic.id,
      userId: interaction.user.id,
      replaced,
    },
    "subscription saved",
  );
  const lines = [
    `✅ ${replaced ? "Updated: " : ""}${channelMention(channel.id)} will receive ${topic.emoji} **${topic.label}** stories.`,
    `Minimum score: ${minScore > 0 ? minScore.toFixed(2) : "any story tagged with the topic"}`,
    `Keywords: ${keywords.length > 0 ? keywords.map((k) => escapeText(k, true)).join(", ") : "none (every story on the topic)"}`,
  ];
  await interaction.reply({
    content: lines.join("\n"),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("subscribe")
    .setDescription("Post alerts about a topic in a channel")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("The topic to follow")
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(100),
    )
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("Where alerts go (default: this channel)")
        .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement),
    )
    .addNumberOption((o) =>
      o
        .setName("min_score")
        .setDescription("Only stories scoring at least this for the topic (0–1)")
        .setMinValue(0)
        .setMaxValue(1),
    )
    .addStringOption((o) =>
      o
        .setName("keywords")
        .setDescription("Only stories containing one of these words, comma-separated")
        .setMaxLength(300),
    ),
  execute,
  async autocomplete(interaction, ctx) {
    await interaction.respond(topicChoices(ctx.taxonomy, interaction.options.getFocused()));
  },
};

export default command;
