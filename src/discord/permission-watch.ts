/**
 * The gateway side of permission recovery: the cache read through `PermissionView`, and the
 * events after which the bot's permissions in a server may differ.
 */
import { type Client, type DMChannel, Events, type NonThreadGuildBasedChannel } from "discord.js";
import type { ChannelView, PermissionRecovery, PermissionView } from "./permission-recovery.js";

/** The bot's view of a channel from discord.js's cache; nothing is fetched. */
export function cachedPermissionView(client: Client): PermissionView {
  return {
    channel(channelId: string): ChannelView | undefined {
      const channel = client.channels.cache.get(channelId);
      if (!channel || channel.isDMBased()) return undefined;
      const me = channel.guild.members.me;
      // A thread's permissions are its parent's: null when the parent is not cached.
      const permissions = me ? channel.permissionsFor(me)?.bitfield : undefined;
      const thread = channel.isThread()
        ? { locked: channel.locked === true, joined: channel.joined }
        : undefined;
      return { type: channel.type, permissions, ...(thread ? { thread } : {}) };
    },
  };
}

/**
 * Tells `recovery` of every event that may change what the bot may do in a server; returns a
 * function that stops listening.
 */
export function watchPermissionChanges(client: Client, recovery: PermissionRecovery): () => void {
  const guildOf = (x: { guild: { id: string } }) => recovery.changed(x.guild.id);
  const onChannel = (_old: unknown, channel: DMChannel | NonThreadGuildBasedChannel) => {
    if (!channel.isDMBased()) recovery.changed(channel.guildId);
  };
  const onRoleUpdate = (_old: unknown, role: { guild: { id: string } }) => guildOf(role);
  const onMember = (_old: unknown, member: { id: string; guild: { id: string } }) => {
    if (member.id === client.user?.id) guildOf(member);
  };
  const onThread = (_old: unknown, thread: { guildId: string }) => recovery.changed(thread.guildId);
  client.on(Events.ChannelUpdate, onChannel);
  client.on(Events.GuildRoleCreate, guildOf);
  client.on(Events.GuildRoleDelete, guildOf);
  client.on(Events.GuildRoleUpdate, onRoleUpdate);
  client.on(Events.GuildMemberUpdate, onMember);
  client.on(Events.ThreadUpdate, onThread);
  return () => {
    client.off(Events.ChannelUpdate, onChannel);
    client.off(Events.GuildRoleCreate, guildOf);
    client.off(Events.GuildRoleDelete, guildOf);
    client.off(Events.GuildRoleUpdate, onRoleUpdate);
    client.off(Events.GuildMemberUpdate, onMember);
    client.off(Events.ThreadUpdate, onThread);
  };
}
