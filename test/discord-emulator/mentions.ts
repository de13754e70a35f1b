/**
 * Who a message notifies, decided as Discord decides it, so that tests can assert exactly who was
 * pinged (`mention_roles`, `mention_everyone` on the stored message):
 * - a role mention `<@&id>` in the content counts when `allowed_mentions` allows it (`parse`
 *   containing "roles", or the id listed in `roles`) and the role is mentionable or the author
 *   has Mention Everyone in the channel;
 * - `@everyone` / `@here` count only with `parse` containing "everyone" and Mention Everyone;
 * - without `allowed_mentions`, Discord parses everything the content mentions.
 * Embeds never mention anyone. User mentions are not modelled.
 */
import {
  channelPermissions,
  type EmulatedChannel,
  type EmulatedGuild,
  type EmulatedMember,
  Perm,
} from "./state.js";
import { isObject } from "./validate.js";

export interface Mentioned {
  mention_roles: string[];
  mention_everyone: boolean;
}

const ROLE_MENTION = /<@&(\d{17,20})>/g;

export function mentionsOf(
  guild: EmulatedGuild,
  channel: EmulatedChannel,
  author: EmulatedMember,
  content: unknown,
  allowedMentions: unknown,
): Mentioned {
  const text = typeof content === "string" ? content : "";
  const allowed = isObject(allowedMentions) ? allowedMentions : undefined;
  const parse = allowed
    ? Array.isArray(allowed.parse)
      ? allowed.parse
      : []
    : ["roles", "users", "everyone"];
  const listed = allowed && Array.isArray(allowed.roles) ? allowed.roles.map(String) : [];
  const mayMentionAll = (channelPermissions(guild, channel, author) & Perm.MentionEveryone) !== 0n;
  const roles: string[] = [];
  for (const [, id] of text.matchAll(ROLE_MENTION)) {
    const role = id ? guild.roles.get(id) : undefined;
    if (!role || role.id === guild.id || roles.includes(role.id)) continue;
    if (!parse.includes("roles") && !listed.includes(role.id)) continue;
    if (role.mentionable === true || mayMentionAll) roles.push(role.id);
  }
  const everyone = /@(everyone|here)\b/.test(text) && parse.includes("everyone") && mayMentionAll;
  return { mention_roles: roles, mention_everyone: everyone };
}
