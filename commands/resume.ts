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
import { tagForTopic } from "../src/deliver/forum.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { channelMention, EPHEMERAL, NO_MENTIONS } from "../src/discord/format.js";
import { DELIVERY_PAUSE_CODES, pausedFor } from "../src/discord/permission-recovery.js";
import {
  ALERT_CHANNEL_TYPES,
  botMember,
  describeMissing,
  missingChannelPermissions,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import type { Translator } from "../src/i18n/messages.js";
import { topicLabel } from "../src/search/topics.js";
import type { Subscription } from "../src/subscriptions/store.js";

/** Paused for a problem in the channel; a topic an admin muted is left as it is. */
const resumable = pausedFor(DELIVERY_PAUSE_CODES);

/** The channel from the cache or Discord; a 403 means the bot cannot even see it. */
async function fetchChannel(guild: Guild, channelId: string): Promise<GuildBasedChannel | null> {
  const cached = guild.channels.cache.get(channelId);
  if (cached) return cached;
  return guild.channels.fetch(channelId).catch((error: unknown) => {
    if (error instanceof DiscordAPIError && error.status === 403) {
      throw UserError.of("subscribe.unseen", { channel: channelMention(channelId) });
    }
    if (error instanceof DiscordAPIError && error.status === 404) return null;
    throw error;
  });
}

/**
 * Refuses, naming what is still wrong, unless the bot may post the paused subscriptions'
 * alerts in `channel` now: the same checks /subscribe makes.
 */
async function checkFixed(
  channel: GuildBasedChannel,
  guild: Guild,
  paused: readonly Subscription[],
  ctx: BotContext,
  tr: Translator,
): Promise<void> {
  const where = channelMention(channel.id);
  const me = await botMember(guild);
  const missing = missingChannelPermissions(channel, me);
  if (missing.length > 0) throw new UserError(describeMissing(channel.id, missing, tr));
  const manages = channel.permissionsFor(me)?.has(PermissionFlagsBits.ManageThreads) === true;
  if (channel.isThread() && channel.locked && !manages) {
    throw UserError.of("resume.lockedThread", { channel: where });
  }
  if (
    channel.type === ChannelType.PrivateThread &&
    !manages &&
    !(await channel.members.fetchMe().then(
      () => true,
      () => false,
    ))
  ) {
    throw UserError.of("subscribe.unseen", { channel: where });
  }
  if (channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia) {
    if (!channel.flags.has(ChannelFlags.RequireTag)) return;
    for (const s of paused) {
      const topic = ctx.taxonomy.topics.find((t) => t.id === s.topic);
      if (topic && !tagForTopic(channel.availableTags, topic)) {
        throw UserError.of("subscribe.tagRequired", {
          channel: where,
          tag: topicLabel(topic, tr.locale),
        });
      }
    }
  }
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
  const where = channelMention(channelId);
  const paused = ctx.subscriptions
    .forChannel(channelId)
    .filter((s) => s.guildId === guild.id && resumable(s));
  if (paused.length === 0) throw UserError.of("resume.nothingPaused", { channel: where });
  const channel = await fetchChannel(guild, channelId);
  if (!channel) throw UserError.of("resume.gone", { channel: where });
  await checkFixed(channel, guild, paused, ctx, tr);
  const count = await ctx.subscriptions.activateChannel(guild.id, channelId, resumable);
  ctx.wakeDelivery?.(channelId);
  ctx.log.info(
    { guildId: guild.id, channelId, resumed: count, userId: interaction.user.id },
    "alerts resumed by an admin",
  );
  await interaction.reply({
    content: tr.t("resume.done", { channel: where, count }),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("resume")
    .setDescription("Resume a channel's alerts paused for a problem that is now fixed")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("The channel whose alerts are paused (default: this channel)")
        .addChannelTypes(...ALERT_CHANNEL_TYPES),
    ),
  execute,
};

export default command;
