/**
 * Which role a subscription may ping, checked when /subscribe saves it: a ping must reach the
 * people who chose it, so the admin learns at once why one would not.
 */
import {
  type APIRole,
  type GuildBasedChannel,
  type GuildMember,
  PermissionFlagsBits,
  type Role,
} from "discord.js";
import type { MentionSetting } from "../subscriptions/store.js";
import { UserError } from "./command.js";
import { channelMention } from "./format.js";

/**
 * The score a story needs for its topic before an alert pings, when the admin gives a role but
 * no threshold: pings are for the stories most squarely on the topic (a third or so of those
 * alerted at the default min_score 0), not for every alert.
 */
export const DEFAULT_MENTION_MIN_SCORE = 0.8;

export const roleMention = (roleId: string): string => `<@&${roleId}>`;

/**
 * The ping to save, or a UserError saying why this role cannot be pinged here:
 * - @everyone (the role whose id is the server's) never; @here is no role, so it cannot be picked;
 * - a managed role (a bot's, a booster or integration subscriber role): its members did not choose
 *   to be pinged and cannot leave it to stop the pings;
 * - a role Discord would not notify: neither mentionable nor the bot has Mention Everyone in the
 *   channel (Discord then shows the mention and notifies nobody).
 */
export function checkPingRole(
  role: Role | APIRole | null,
  minScore: number | null,
  where: { guildId: string; channel: GuildBasedChannel; me: GuildMember },
): MentionSetting | undefined {
  if (!role) {
    if (minScore !== null) throw UserError.of("subscribe.mentionScoreWithoutRole");
    return undefined;
  }
  if (role.id === where.guildId) throw UserError.of("subscribe.mentionEveryone");
  if (role.managed) throw UserError.of("subscribe.mentionManaged", { role: roleMention(role.id) });
  const mayMentionAll = where.channel
    .permissionsFor(where.me)
    ?.has(PermissionFlagsBits.MentionEveryone);
  if (!role.mentionable && !mayMentionAll) {
    throw UserError.of("subscribe.mentionNotMentionable", {
      role: roleMention(role.id),
      channel: channelMention(where.channel.id),
    });
  }
  return { roleId: role.id, minScore: minScore ?? DEFAULT_MENTION_MIN_SCORE };
}
