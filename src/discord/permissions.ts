import {
  ChannelType,
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Guild,
  type GuildBasedChannel,
  type GuildMember,
  PermissionFlagsBits,
  type PermissionsBitField,
} from "discord.js";
import type { MessageKey, Translator } from "../i18n/messages.js";
import type { AlertTarget } from "../subscriptions/store.js";
import { UserError } from "./command.js";
import { channelMention } from "./format.js";

/** The refusal in English (the catalogue's `permission.manageGuild`; a test keeps them equal). */
export const MANAGE_GUILD_REFUSAL =
  "You need the Manage Server permission to change ForeignDesk's set-up.";

/**
 * Set-up commands also carry `default_member_permissions = ManageGuild`, so Discord hides them
 * from other members; this check still runs because server admins can override that default
 * per role or channel in the Integrations settings.
 */
export function requireManageGuild(interaction: ChatInputCommandInteraction): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw UserError.of("permission.manageGuild");
  }
}

/** A permission alerts need: its bit and its name in the words Discord's settings use. */
export type NeededPermission = readonly [bit: bigint, name: string];

/** What the bot needs to post alerts, by where they go, in the words Discord's settings use. */
export const NEEDED: Record<AlertTarget, readonly NeededPermission[]> = {
  channel: [
    [PermissionFlagsBits.ViewChannel, "View Channel"],
    [PermissionFlagsBits.SendMessages, "Send Messages"],
    [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  ],
  thread: [
    [PermissionFlagsBits.ViewChannel, "View Channel"],
    [PermissionFlagsBits.SendMessagesInThreads, "Send Messages in Threads"],
    [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  ],
  // In a forum, Send Messages is what Discord's settings call Create Posts.
  forum: [
    [PermissionFlagsBits.ViewChannel, "View Channel"],
    [PermissionFlagsBits.SendMessages, "Create Posts"],
    [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  ],
};

/** Where alerts to a channel of this type go, or undefined when they cannot go there. */
export function alertTargetOf(type: ChannelType): AlertTarget | undefined {
  switch (type) {
    case ChannelType.GuildText:
    case ChannelType.GuildAnnouncement:
      return "channel";
    case ChannelType.PublicThread:
    case ChannelType.PrivateThread:
    case ChannelType.AnnouncementThread:
      return "thread";
    case ChannelType.GuildForum:
    case ChannelType.GuildMedia:
      return "forum";
    default:
      return undefined;
  }
}

/** The channel types the /subscribe channel option offers. */
export const ALERT_CHANNEL_TYPES = [
  ChannelType.GuildText,
  ChannelType.GuildAnnouncement,
  ChannelType.AnnouncementThread,
  ChannelType.PublicThread,
  ChannelType.PrivateThread,
  ChannelType.GuildForum,
  ChannelType.GuildMedia,
] as const;

/**
 * The permissions the bot lacks in `channel` to post alerts there; empty when it may. A thread's
 * permissions are its parent channel's (discord.js resolves that in permissionsFor).
 */
export function missingChannelPermissions(
  channel: GuildBasedChannel,
  botMember: GuildMember,
): string[] {
  const target = alertTargetOf(channel.type) ?? "channel";
  // Unknown permissions (the channel or member not cached) count as missing: better to ask the
  // admin to check than to promise alerts that will never arrive.
  return missingFor(target, channel.permissionsFor(botMember)) ?? NEEDED[target].map(([, n]) => n);
}

/**
 * The names of what `perms` lacks of what alerts to `target` need; undefined when the
 * permissions are unknown (not cached), so each caller decides what that means.
 */
export function missingFor(
  target: AlertTarget,
  perms: Readonly<PermissionsBitField> | null | undefined,
): string[] | undefined {
  if (!perms) return undefined;
  return NEEDED[target].filter(([bit]) => !perms.has(bit, true)).map(([, name]) => name);
}

/** A permission by Discord's English name ("Embed Links") in the words of the user's language. */
export function permissionWord(name: string, tr: Translator): string {
  return tr.maybe(`permissionName.${name.replace(/\s+/g, "")}`) ?? name;
}

/**
 * One sentence saying what is missing where, and how to fix it, in the user's language. The
 * permission names are Discord's English ones; the catalogue has them as
 * `permissionName.<Name without spaces>` in the words Discord's settings use in each language
 * (a name it lacks stays English).
 */
export function describeMissing(channelId: string, missing: string[], tr: Translator): string {
  const names = missing.map((name) => permissionWord(name, tr));
  return tr.t("permission.missingInChannel", {
    channel: channelMention(channelId),
    permissions: tr.list(names),
    count: missing.length,
  });
}

/**
 * The server a command runs in, from the cache the Guilds intent keeps. Commands are registered
 * for guild contexts only, so this fails only if Discord sends one from elsewhere anyway.
 */
export function requireGuild(interaction: ChatInputCommandInteraction): Guild {
  const guild = interaction.guild;
  if (!guild) throw UserError.of("permission.guildOnly");
  return guild;
}

/** The bot's own member in a server, fetched if the cache does not have it. */
export async function botMember(guild: Guild): Promise<GuildMember> {
  return guild.members.me ?? (await guild.members.fetchMe());
}

/**
 * A channel the bot is to post messages with embeds in (a digest, a health notice): of one of
 * `types`, and with everything alerts need there; otherwise a UserError, `badChannel` for the
 * wrong kind (or a channel the bot cannot see), the missing permissions by name.
 */
export async function checkMessageChannel(
  guild: Guild,
  channelId: string,
  types: readonly ChannelType[],
  badChannel: MessageKey,
  tr: Translator,
): Promise<void> {
  const channel: GuildBasedChannel | null =
    guild.channels.cache.get(channelId) ??
    (await guild.channels.fetch(channelId).catch((error: unknown) => {
      // Discord answers 403 for a channel the bot cannot see.
      if (error instanceof DiscordAPIError && error.status === 403) return null;
      throw error;
    }));
  if (!channel || !types.includes(channel.type)) throw UserError.of(badChannel);
  const missing = missingChannelPermissions(channel, await botMember(guild));
  if (missing.length > 0) throw new UserError(describeMissing(channel.id, missing, tr));
}
