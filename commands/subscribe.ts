import {
  type ChatInputCommandInteraction,
  type Guild,
  type GuildBasedChannel,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import type { TopicDef } from "../src/classify/taxonomy.js";
import { termKey } from "../src/deliver/terms.js";
import { checkAlertChannel, fetchGuildChannel } from "../src/discord/alert-channel-check.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  channelMention,
  EPHEMERAL,
  NO_MENTIONS,
  requireTopic,
  sanitize,
} from "../src/discord/format.js";
import {
  ALERT_CHANNEL_TYPES,
  alertTargetOf,
  botMember,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import { checkPingRole, roleMention } from "../src/discord/role-ping.js";
import { autocompleteTopic } from "../src/discord/topic-autocomplete.js";
import type { Translator } from "../src/i18n/messages.js";
import { topicLabel } from "../src/search/topics.js";
import {
  type AlertTarget,
  MAX_SUBSCRIPTIONS_PER_GUILD,
  type MentionSetting,
  SubscriptionLimitError,
} from "../src/subscriptions/store.js";

const MAX_TERMS = 10;
const MAX_TERM_LENGTH = 60;

/** "sanctions, export controls; tariffs" → ["sanctions", "export controls", "tariffs"]. */
export function parseKeywords(
  raw: string | null,
  kind: "keywords" | "exclude" = "keywords",
): string[] {
  if (!raw) return [];
  const words = raw
    .split(/[,;\n]/)
    .map((k) => k.trim().replace(/\s+/g, " "))
    .filter((k) => k.length > 0);
  const unique = [...new Map(words.map((k) => [termKey(k), k])).values()];
  if (unique.length > MAX_TERMS) {
    throw UserError.of(
      kind === "keywords" ? "subscribe.tooManyKeywords" : "subscribe.tooManyExcluded",
      {
        max: MAX_TERMS,
      },
    );
  }
  const long = unique.find((k) => k.length > MAX_TERM_LENGTH);
  if (long) {
    throw UserError.of(
      kind === "keywords" ? "subscribe.keywordTooLong" : "subscribe.excludedTooLong",
      {
        max: MAX_TERM_LENGTH,
      },
    );
  }
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
    exclude: string[];
    target: AlertTarget;
    mention: MentionSetting | undefined;
    /** The ping the subscription had before, if subscribing again dropped it. */
    droppedMention: MentionSetting | undefined;
  },
): string {
  const terms = (list: string[], none: string) =>
    list.length > 0 ? list.map((k) => sanitize(k, { singleLine: true })).join(", ") : none;
  return [
    tr.t(what.replaced ? "subscribe.updated" : "subscribe.saved", {
      channel: channelMention(what.channelId),
      topic: what.topic,
    }),
    tr.t("subscribe.minScore", {
      value: what.minScore > 0 ? tr.number(what.minScore, 2) : tr.t("subscribe.anyScore"),
    }),
    tr.t("subscribe.keywords", { value: terms(what.keywords, tr.t("subscribe.noKeywords")) }),
    tr.t("subscribe.excluded", { value: terms(what.exclude, tr.t("subscribe.noExcluded")) }),
    ...(what.target === "forum" ? [tr.t("subscribe.postPerStory")] : []),
    ...(what.mention
      ? [
          tr.t("subscribe.mention", {
            role: roleMention(what.mention.roleId),
            value: tr.number(what.mention.minScore, 2),
          }),
        ]
      : []),
    ...(what.droppedMention
      ? [tr.t("subscribe.mentionRemoved", { role: roleMention(what.droppedMention.roleId) })]
      : []),
  ].join("\n");
}

/** Where alerts for this channel would go, or a UserError saying why they cannot. */
async function checkTarget(
  channel: GuildBasedChannel | null,
  guild: Guild,
  topic: TopicDef,
  tr: Translator,
): Promise<AlertTarget> {
  const target = channel ? alertTargetOf(channel.type) : undefined;
  if (!channel || !target) throw UserError.of("subscribe.badChannel");
  await checkAlertChannel(channel, guild, [topic], tr, "subscribe.lockedThread");
  return target;
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("topic", true), tr);

  const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
  const channel = await fetchGuildChannel(guild, channelId);
  const target = await checkTarget(channel, guild, topic, tr);
  const mention = channel
    ? checkPingRole(
        interaction.options.getRole("mention"),
        interaction.options.getNumber("mention_min_score"),
        { guildId: guild.id, channel, me: await botMember(guild) },
      )
    : undefined;

  const minScore = interaction.options.getNumber("min_score") ?? 0;
  const keywords = parseKeywords(interaction.options.getString("keywords"));
  const exclude = parseKeywords(interaction.options.getString("exclude"), "exclude");
  const both = exclude.find((e) => keywords.some((k) => termKey(k) === termKey(e)));
  if (both) throw UserError.of("subscribe.both", { term: sanitize(both, { singleLine: true }) });
  const before = ctx.subscriptions
    .forChannel(channelId)
    .find((s) => s.topic === topic.id && s.guildId === guild.id);
  // Subscribing again replaces every setting, the ping too: the reply says it went.
  const droppedMention = !mention ? before?.mention : undefined;
  let replaced: boolean;
  try {
    replaced = await ctx.subscriptions.upsert({
      guildId: guild.id,
      channelId,
      topic: topic.id,
      minScore,
      keywords,
      exclude,
      target,
      ...(mention ? { mention } : {}),
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
      channelId,
      topic: topic.id,
      target,
      userId: interaction.user.id,
      replaced,
      mentionRoleId: mention?.roleId,
      mentionMinScore: mention?.minScore,
      mentionRemoved: droppedMention !== undefined,
    },
    "subscription saved",
  );
  const content = confirmation(tr, {
    channelId,
    topic: `${topic.emoji} **${topicLabel(topic, tr.locale)}**`,
    replaced,
    minScore,
    keywords,
    exclude,
    target,
    mention,
    droppedMention,
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
        .addChannelTypes(...ALERT_CHANNEL_TYPES),
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
    )
    .addStringOption((o) =>
      o
        .setName("exclude")
        .setDescription("Never stories containing any of these words, comma-separated")
        .setMaxLength(300),
    )
    .addRoleOption((o) =>
      o
        .setName("mention")
        .setDescription("Ping this role for the stories most on the topic (opt-in; not @everyone)"),
    )
    .addNumberOption((o) =>
      o
        .setName("mention_min_score")
        .setDescription(
          "Ping only for stories scoring at least this for the topic (0–1, default 0.8)",
        )
        .setMinValue(0)
        .setMaxValue(1),
    ),
  execute,
  autocomplete: autocompleteTopic,
};

export default command;
