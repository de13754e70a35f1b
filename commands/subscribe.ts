import {
  ChannelFlags,
  ChannelType,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Guild,
  type GuildBasedChannel,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import type { TopicDef } from "../src/classify/taxonomy.js";
import { tagForTopic } from "../src/deliver/forum.js";
import { termKey } from "../src/deliver/terms.js";
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
  ALERT_CHANNEL_TYPES,
  alertTargetOf,
  botMember,
  describeMissing,
  missingChannelPermissions,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import { topicChoices } from "../src/search/topics.js";
import { type AlertTarget, SubscriptionLimitError } from "../src/subscriptions/store.js";

const MAX_TERMS = 10;
const MAX_TERM_LENGTH = 60;

/** "sanctions, export controls; tariffs" → ["sanctions", "export controls", "tariffs"]. */
export function parseKeywords(raw: string | null, what = "keywords"): string[] {
  if (!raw) return [];
  const words = raw
    .split(/[,;\n]/)
    .map((k) => k.trim().replace(/\s+/g, " "))
    .filter((k) => k.length > 0);
  const unique = [...new Map(words.map((k) => [termKey(k), k])).values()];
  if (unique.length > MAX_TERMS) {
    throw new UserError(`Use at most ${MAX_TERMS} ${what}, separated by commas.`);
  }
  const long = unique.find((k) => k.length > MAX_TERM_LENGTH);
  if (long) {
    throw new UserError(`Each of the ${what} may be at most ${MAX_TERM_LENGTH} characters long.`);
  }
  return unique;
}

/**
 * Where alerts for this channel would go, or a UserError saying why they cannot: the channel
 * type, a locked thread, the permissions the bot lacks, a forum that requires a tag it lacks.
 */
async function checkTarget(
  channel: GuildBasedChannel | null,
  guild: Guild,
  topic: TopicDef,
): Promise<AlertTarget> {
  const target = channel ? alertTargetOf(channel.type) : undefined;
  if (!channel || !target) throw new UserError(TEXT.wrongType);
  // A locked thread takes messages only from members with Manage Threads; an archived one that
  // is not locked is reopened by the first alert.
  if (channel.isThread() && channel.locked) throw new UserError(TEXT.locked(channel.id));
  const me = await botMember(guild);
  const missing = missingChannelPermissions(channel, me);
  if (missing.length > 0) throw new UserError(describeMissing(channel.id, missing));
  // A private thread takes messages from its members (and from Manage Threads holders) only.
  if (
    channel.type === ChannelType.PrivateThread &&
    !channel.permissionsFor(me)?.has(PermissionFlagsBits.ManageThreads) &&
    !(await channel.members.fetchMe().then(
      () => true,
      () => false,
    ))
  ) {
    throw new UserError(TEXT.unseen(channel.id));
  }
  if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia) {
    const required = channel.flags.has(ChannelFlags.RequireTag);
    if (required && !tagForTopic(channel.availableTags, topic)) {
      throw new UserError(TEXT.tagRequired(channel.id, topic.label));
    }
  }
  return target;
}

/** The replies this command adds for exclusions, threads and forums, in one place. */
const TEXT = {
  wrongType:
    "Alerts can go to text or announcement channels, threads, and forum or media channels; pick one with the channel option.",
  unseen: (id: string) =>
    `ForeignDesk cannot see ${channelMention(id)}. Give its role the View Channel permission there (for a private thread, add ForeignDesk to the thread by mentioning it), then try again.`,
  locked: (id: string) =>
    `${channelMention(id)} is a locked thread: ForeignDesk cannot post there. Unlock it or pick another channel.`,
  tagRequired: (id: string, label: string) =>
    `${channelMention(id)} requires a tag on every post, and it has no tag named "${label}". Add one (not restricted to moderators), then try again.`,
  both: (term: string) =>
    `"${escapeText(term, true)}" cannot be both a keyword and an excluded term.`,
  excluded: (terms: string[]) =>
    `Excluded: ${terms.length > 0 ? terms.map((k) => escapeText(k, true)).join(", ") : "none"}`,
  where: (target: AlertTarget) =>
    target === "forum" ? "One post per story, titled with its headline." : undefined,
};

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("topic", true));

  const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
  const channel =
    guild.channels.cache.get(channelId) ??
    // Discord answers 403 for a channel the bot cannot see (a private thread it is not in).
    (await guild.channels.fetch(channelId).catch((error: unknown) => {
      if (error instanceof DiscordAPIError && error.status === 403) {
        throw new UserError(TEXT.unseen(channelId));
      }
      throw error;
    }));
  const target = await checkTarget(channel, guild, topic);

  const minScore = interaction.options.getNumber("min_score") ?? 0;
  const keywords = parseKeywords(interaction.options.getString("keywords"));
  const exclude = parseKeywords(interaction.options.getString("exclude"), "excluded terms");
  const both = exclude.find((e) => keywords.some((k) => termKey(k) === termKey(e)));
  if (both) throw new UserError(TEXT.both(both));
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
      channelId,
      topic: topic.id,
      target,
      userId: interaction.user.id,
      replaced,
    },
    "subscription saved",
  );
  const lines = [
    `✅ ${replaced ? "Updated: " : ""}${channelMention(channelId)} will receive ${topic.emoji} **${topic.label}** stories.`,
    `Minimum score: ${minScore > 0 ? minScore.toFixed(2) : "any story tagged with the topic"}`,
    `Keywords: ${keywords.length > 0 ? keywords.map((k) => escapeText(k, true)).join(", ") : "none (every story on the topic)"}`,
    TEXT.excluded(exclude),
    TEXT.where(target),
  ].filter((line): line is string => line !== undefined);
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
    ),
  execute,
  async autocomplete(interaction, ctx) {
    await interaction.respond(topicChoices(ctx.taxonomy, interaction.options.getFocused()));
  },
};

export default command;
