/**
 * Whether the bot can post alerts in a channel now: what /subscribe checks before it accepts a
 * channel and /resume before it lifts a pause, so that the two can never disagree.
 */
import {
  ChannelFlags,
  ChannelType,
  DiscordAPIError,
  type Guild,
  type GuildBasedChannel,
  PermissionFlagsBits,
} from "discord.js";
import type { TopicDef } from "../classify/taxonomy.js";
import { tagForTopic } from "../deliver/forum.js";
import type { MessageKey, Translator } from "../i18n/messages.js";
import { topicLabel } from "../search/topics.js";
import { UserError } from "./command.js";
import { channelMention } from "./format.js";
import { botMember, describeMissing, missingChannelPermissions } from "./permissions.js";

/**
 * The channel from the cache or Discord; null when it no longer exists. Discord answers 403 for
 * a channel the bot cannot see (a private thread it is not in): that is the user's to fix.
 */
export async function fetchGuildChannel(
  guild: Guild,
  channelId: string,
): Promise<GuildBasedChannel | null> {
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
 * Refuses with a UserError naming what is wrong: permissions the bot lacks, a locked thread
 * (`lockedKey`, each command words its own advice), a private thread the bot is not in, a forum
 * that requires a tag none of `topics` has.
 */
export async function checkAlertChannel(
  channel: GuildBasedChannel,
  guild: Guild,
  topics: readonly TopicDef[],
  tr: Translator,
  lockedKey: MessageKey,
): Promise<void> {
  const where = channelMention(channel.id);
  const me = await botMember(guild);
  const missing = missingChannelPermissions(channel, me);
  if (missing.length > 0) throw new UserError(describeMissing(channel.id, missing, tr));
  // Locked and private threads take messages from members with Manage Threads too; an archived
  // thread that is not locked is reopened by the first alert.
  const manages = channel.permissionsFor(me)?.has(PermissionFlagsBits.ManageThreads) === true;
  if (channel.isThread() && channel.locked && !manages) {
    throw UserError.of(lockedKey, { channel: where });
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
  if (channel.type !== ChannelType.GuildForum && channel.type !== ChannelType.GuildMedia) return;
  if (!channel.flags.has(ChannelFlags.RequireTag)) return;
  for (const topic of topics) {
    if (!tagForTopic(channel.availableTags, topic)) {
      throw UserError.of("subscribe.tagRequired", {
        channel: where,
        tag: topicLabel(topic, tr.locale),
      });
    }
  }
}
