import type { Client } from "discord.js";
import type { AlertLanguage } from "../deliver/embed.js";
import type { Messages } from "../i18n/messages.js";

/**
 * Alerts speak the server's language: Discord's preferred locale, which Community servers set as
 * their "Server Primary Language" (every other server reports en-US). A server the client has not
 * cached gets `elsewhere`'s locale (a sharded gateway delivers to servers another shard holds,
 * which that shard published), else English. A batch's stored language wins over the server's
 * current one.
 */
export function serverLanguage(
  client: Client,
  i18n: Messages,
  elsewhere?: (guildId: string) => string | undefined,
): AlertLanguage {
  return (guildId, locale) =>
    i18n.for(locale ?? client.guilds.cache.get(guildId)?.preferredLocale ?? elsewhere?.(guildId));
}
