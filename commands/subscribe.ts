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
import type { Translator } from "../src/i18n/messages.js";
import { topicChoices, topicLabel } from "../src/search/topics.js";
import { MAX_SUBSCRIPTIONS_PER_GUILD, SubscriptionLimitError } from "../src/subscriptions/store.js";

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
    throw UserError.of("subscribe.tooManyKeywords", { max: MAX_KEYWORDS });
  }
  const long = unique.find((k) => k.length > MAX_KEYWORD_LENGTH);
  if (long) throw UserError.of("subscribe.keywordTooLong", { max: MAX_KEYWORD_LENGTH });
  return unique;
}

/** The confirmation: where alerts go, and the filters in words. */
function confirmation(
  tr: Translator,
  what: {
    channelId: string;
    topic: string;
    replaced: boolean;
    minScore: number;
    keywords: string[];
  },
): string {
  return [
    tr.t(what.replaced ? "subscribe.updated" : "subscribe.saved", {
      channel: channelMention(what.channelId),
      topic: what.topic,
    }),
    tr.t("subscribe.minScore", {
      value: what.minScore > 0 ? tr.number(what.minScore, 2) : tr.t("subscribe.anyScore"),
    }),
    tr.t("subscribe.keywords", {
      value:
        what.keywords.length > 0
          ? what.keywords.map((k) => escapeText(k, true)).join(", ")
          : tr.t("subscribe.noKeywords"),
    }),
  ].join("\n");
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("topic", true), tr);

  const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
  const channel = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId));
  if (
    !channel ||
    (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)
  ) {
    throw UserError.of("subscribe.badChannel");
  }
  const missing = missingChannelPermissions(channel, await botMember(guild));
  if (missing.length > 0) throw new UserError(describeMissing(channel.id, missing, tr));

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
    if (error instanceof SubscriptionLimitError) {
      throw UserError.of("subscribe.limit", { max: MAX_SUBSCRIPTIONS_PER_GUILD });
    }
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
  const content = confirmation(tr, {
    channelId: channel.id,
    topic: `${topic.emoji} **${topicLabel(topic, tr.locale)}**`,
    replaced,
    minScore,
    keywords,
  });
  await interaction.reply({
    content,
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
    const language = ctx.i18n.for(interaction.locale).locale;
    await interaction.respond(
      topicChoices(ctx.taxonomy, interaction.options.getFocused(), undefined, language),
    );
  },
};

export default command;
