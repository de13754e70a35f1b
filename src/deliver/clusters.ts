/**
 * One alert per event per channel. The first report of an event a channel wants is alerted as
 * usual; later reports (the same cluster, src/cluster/) post nothing new: they edit that alert's
 * message to list their outlets under "Also reported by", for `clusterEditMs` after it was
 * posted, and after that they are dropped.
 *
 * Keys (JSON in the shared Keyv), beside the outbox's:
 * - `ob:cl:<channel>:<cluster>` — where the channel's alert for the event is (`ClusterPost`);
 * - `ob:msg:<channel>:<message>` — what that message was built from and the outlets it lists
 *   (`PostedMessage`), so that an edit rebuilds it word for word with more outlets.
 */
import type { APIEmbed, APIEmbedField } from "discord.js";
import { fitEmbeds } from "../discord/format.js";
import { EMBED_LIMITS } from "../discord/story-card.js";
import type { Locale } from "../i18n/catalogue.js";
import type { Translator } from "../i18n/messages.js";
import type { AlertEntry } from "./alert-log.js";
import { linkTarget, linkText, safeText, safeUrl } from "./embed.js";

/** Where a channel's alert for one event went. */
export interface ClusterPost {
  /** The message's key (`messageKey`); empty when it cannot be edited (a roll-up). */
  message: string;
  /** When it was posted: edits stop `clusterEditMs` later. */
  at: number;
}

/** A later report listed under an alert. */
export interface Outlet {
  storyId: string;
  name: string;
  url?: string;
}

/** An alert message as posted: enough to rebuild it with more outlets. */
export interface PostedMessage {
  id: string;
  /** The channel or thread the message is in (a forum post's thread). */
  where: string;
  seqs: number[];
  topics: string[][];
  locale?: Locale;
  at: number;
  /** Later reports per head story (by its seq), in arrival order. */
  also: Record<string, Outlet[]>;
  /** Deleted on Discord: later reports are dropped, never re-posted. */
  gone?: boolean;
}

export const clusterKey = (channelId: string, cluster: string): string =>
  `ob:cl:${channelId}:${cluster}`;
export const messageKey = (channelId: string, messageId: string): string =>
  `ob:msg:${channelId}:${messageId}`;

/** What the outbox does with one wanted log entry. */
export type Plan =
  | { type: "alert" }
  /** A later report of an event alerted in the same batch: listed under that alert. */
  | { type: "merge"; head: number }
  /** A later report of an event alerted before: edit that message. */
  | { type: "edit"; message: string }
  /** A later report past the edit window, or of an alert that cannot be edited: nothing. */
  | { type: "skip" };

/**
 * Decides, in log order, what each entry becomes for one channel, given where the channel's
 * earlier alerts for these events are.
 */
export function planEntries(
  entries: readonly AlertEntry[],
  posts: ReadonlyMap<string, ClusterPost>,
  opts: { now: number; editMs: number },
): Plan[] {
  const heads = new Map<string, number>();
  return entries.map((entry): Plan => {
    const cluster = entry.story.cluster;
    if (!cluster) return { type: "alert" };
    const post = posts.get(cluster);
    if (post) {
      if (!post.message || opts.now - post.at > opts.editMs) return { type: "skip" };
      return { type: "edit", message: post.message };
    }
    const head = heads.get(cluster);
    if (head !== undefined) return { type: "merge", head };
    heads.set(cluster, entry.seq);
    return { type: "alert" };
  });
}

/** The outlets a message lists under one alert: distinct names, none the alert's own. */
export function outletsFor(head: AlertEntry, later: readonly Outlet[]): Outlet[] {
  const seen = new Set([outletName(head.story.feedName)]);
  const out: Outlet[] = [];
  for (const o of later) {
    const name = outletName(o.name);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(o);
  }
  return out;
}

/**
 * The later reports each alert of a posted message lists once `added` (reports of its events)
 * are put in, by the alert's seq: those listed before first, each report once.
 */
export function alsoAfterEdit(
  message: PostedMessage,
  heads: readonly AlertEntry[],
  added: readonly AlertEntry[],
): Record<string, Outlet[]> {
  const also = { ...message.also };
  for (const h of heads) {
    const listed = also[String(h.seq)] ?? [];
    const ids = new Set(listed.map((o) => o.storyId));
    const mine = added.filter((e) => e.story.cluster === h.story.cluster && !ids.has(e.storyId));
    also[String(h.seq)] = [...listed, ...mine.map(outletOf)];
  }
  return also;
}

export function outletOf(entry: AlertEntry): Outlet {
  return {
    storyId: entry.storyId,
    name: entry.story.feedName,
    ...(entry.story.url ? { url: entry.story.url } : {}),
  };
}

const outletName = (name: string): string => name.trim().toLowerCase();

/** Outlets listed by name at most: the rest are counted. */
const MAX_LISTED = 12;
/** Room kept for "and N more" at the end of the field. */
const MORE_ROOM = 40;

function outletLink(o: Outlet): string {
  const url = safeUrl(o.url);
  return url
    ? `[${linkText(o.name)}](${linkTarget(url)})`
    : safeText(o.name, 80, { singleLine: true });
}

/** "Also reported by": each outlet linked to its report, as many as fit, then "and N more". */
export function alsoField(outlets: readonly Outlet[], tr: Translator): APIEmbedField | undefined {
  if (outlets.length === 0) return undefined;
  const shown: string[] = [];
  let length = 0;
  for (const o of outlets.slice(0, MAX_LISTED)) {
    const item = outletLink(o);
    const next = length + (shown.length > 0 ? 2 : 0) + item.length;
    if (next > EMBED_LIMITS.fieldValue - MORE_ROOM) break;
    shown.push(item);
    length = next;
  }
  const rest = outlets.length - shown.length;
  const value = shown.join(", ") + (rest > 0 ? ` ${tr.t("rollup.more", { count: rest })}` : "");
  return { name: tr.t("card.alsoReportedBy"), value: value.trim() };
}

/**
 * The message's embeds with each alert's "Also reported by" field, within Discord's 6,000
 * characters per message: summaries give way first, never the outlets.
 */
export function withOutlets(
  embeds: readonly APIEmbed[],
  outlets: ReadonlyArray<readonly Outlet[]>,
  tr: Translator,
): APIEmbed[] {
  const built = embeds.map((embed, i) => {
    const field = alsoField(outlets[i] ?? [], tr);
    if (!field) return embed;
    const fields = [...(embed.fields ?? []), field].slice(0, EMBED_LIMITS.fields);
    return { ...embed, fields };
  });
  return fitEmbeds(built).embeds;
}
