/**
 * Opt-in role pings. Which roles an alert mentions is decided when its batch is taken and stored
 * with it (`InFlight.pings`), so a batch resumed after a crash pings exactly as the first try
 * did. What a ping looks like on the wire is decided here too: the message's content is built
 * from role ids alone and `allowed_mentions` names exactly those roles, so nothing a feed writes
 * can notify anyone.
 */
import type { APIAllowedMentions } from "discord.js";
import type { Subscription } from "../subscriptions/store.js";
import type { AlertEntry } from "./alert-log.js";

/** Discord accepts at most this many ids in `allowed_mentions.roles`. */
export const MAX_PINGED_ROLES = 100;

const SNOWFLAKE = /^\d{17,20}$/;

export const isSnowflake = (value: unknown): value is string =>
  typeof value === "string" && SNOWFLAKE.test(value);

/** An alert of a batch: its log entry and the topics the channel wanted it through. */
export interface PingCandidate {
  entry: AlertEntry;
  topics: readonly string[];
}

/**
 * The roles a message of these alerts pings, each once, in the order their stories come: a
 * subscription's role when one of the stories it matched scores at least its `mention.minScore`
 * for its topic.
 */
export function pingsFor(
  alerts: readonly PingCandidate[],
  subs: readonly Subscription[],
): string[] {
  const roles: string[] = [];
  for (const { entry, topics } of alerts) {
    for (const sub of subs) {
      const mention = sub.mention;
      if (!mention || sub.status !== "active" || !topics.includes(sub.topic)) continue;
      const score = entry.story.topics.find((t) => t.id === sub.topic)?.score ?? 0;
      if (score >= mention.minScore && !roles.includes(mention.roleId)) roles.push(mention.roleId);
    }
  }
  return pingableRoles(roles);
}

/** The roles of a ping that may go to Discord: snowflakes, once each, at most 100. */
function pingableRoles(roles: readonly unknown[]): string[] {
  return [...new Set(roles.filter(isSnowflake))].slice(0, MAX_PINGED_ROLES);
}

/**
 * A message's `content` and `allowed_mentions` for pinging these roles (none: no content, and
 * nothing may be mentioned). Never `parse`: that would let text in the message mention too.
 */
export function pingFields(roles: readonly unknown[]): {
  content?: string;
  allowed_mentions: APIAllowedMentions;
} {
  const valid = pingableRoles(roles);
  if (valid.length === 0) return { allowed_mentions: { parse: [] } };
  return {
    content: valid.map((id) => `<@&${id}>`).join(" "),
    allowed_mentions: { parse: [], roles: valid },
  };
}
