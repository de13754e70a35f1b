/**
 * What the log channel reads for an incident: one embed in the server's language naming what
 * is wrong, where, and the fix, in the words and command names the admin's client shows.
 */
import type { APIEmbed, RESTPostAPIChannelMessageJSONBody } from "discord.js";
import type { Taxonomy } from "../classify/index.js";
import { channelMention, safeText, topicName } from "../discord/format.js";
import { permissionWord } from "../discord/permissions.js";
import { problemText } from "../feeds/errors.js";
import type { Translator } from "../i18n/messages.js";
import type { Incident } from "./incidents.js";

const WARN = 0xf0b232;
const BAD = 0xda373c;
const GOOD = 0x23a55a;
const URL_SHOWN = 200;

/** A command as the admin's client names it, e.g. "/feeds add" → "/flux ajouter". */
function slash(tr: Translator, name: string, sub?: string): string {
  return `\`/${tr.command(name, sub)}\``;
}

function code(url: string): string {
  const safe = url.replace(/`/g, "%60");
  return `\`${safe.length > URL_SHOWN ? `${safe.slice(0, URL_SHOWN - 1)}…` : safe}\``;
}

function topics(ids: readonly string[], taxonomy: Taxonomy, tr: Translator): string {
  return tr.list(ids.map((id) => topicName(taxonomy, id, tr.locale)));
}

/** Pauses the bot undoes by itself once the gateway cache shows the cause gone. */
const SELF_RESUMING: ReadonlySet<string | undefined> = new Set([
  "missing-permissions",
  "thread-locked",
  "thread-closed",
]);

function pausedEmbed(i: Extract<Incident, { kind: "alerts-paused" }>, tr: Translator): APIEmbed {
  const channel = channelMention(i.subject);
  const names = (i.permissions ?? []).map((p) => `**${permissionWord(p, tr)}**`);
  const command = slash(tr, "resume");
  const resume = tr.t("health.resume", { channel, command });
  let what: string;
  let fix: string;
  if (i.code === "missing-permissions" && names.length > 0) {
    const permissions = i.anyOf ? tr.either(names) : tr.list(names);
    what = tr.t("health.pausedMissing", { channel, permissions, count: i.topics.length });
    fix = tr.t("health.pausedMissingFix", { channel, permissions, resume });
  } else {
    const why =
      i.code && i.code !== "missing-permissions"
        ? tr.t(`statusReason.${i.code}`)
        : i.code === "missing-permissions"
          ? tr.t("statusReason.no-permission")
          : safeText(i.reason ?? "", 200, { singleLine: true });
    what = tr.t("health.pausedOther", { channel, why, count: i.topics.length });
    fix = SELF_RESUMING.has(i.code)
      ? tr.t("health.pausedAutoFix", { resume })
      : tr.t("health.pausedOtherFix", { channel, command });
  }
  return { title: tr.t("health.pausedTitle"), description: `${what}\n\n${fix}`, color: WARN };
}

function goneEmbed(
  i: Extract<Incident, { kind: "channel-gone" }>,
  taxonomy: Taxonomy,
  tr: Translator,
): APIEmbed {
  const vars = {
    channel: channelMention(i.subject),
    id: i.subject,
    count: i.topics.length,
    topics: topics(i.topics, taxonomy, tr),
  };
  const what = tr.t(i.thread ? "health.threadGone" : "health.channelGone", vars);
  const fix = tr.t("health.goneFix", {
    subscribe: slash(tr, "subscribe"),
    subscriptions: slash(tr, "subscriptions"),
    unsubscribe: slash(tr, "unsubscribe"),
  });
  return { title: tr.t("health.goneTitle"), description: `${what}\n\n${fix}`, color: BAD };
}

function feedEmbed(
  i: Extract<Incident, { kind: "feed-failing" }>,
  now: number,
  tr: Translator,
): APIEmbed {
  const what = tr.t("health.feedFailing", {
    name: safeText(i.feed.name, 100, { singleLine: true }),
    url: code(i.feed.url),
    hours: Math.floor((now - i.since) / 3_600_000),
    reason: problemText(tr, i.reason),
  });
  const fix = tr.t("health.feedFix", {
    remove: slash(tr, "feeds", "remove"),
    add: slash(tr, "feeds", "add"),
    list: slash(tr, "feeds", "list"),
  });
  return { title: tr.t("health.feedTitle"), description: `${what}\n\n${fix}`, color: WARN };
}

/** The notice that an incident opened. */
export function incidentNotice(
  incident: Incident,
  ctx: { taxonomy: Taxonomy; tr: Translator; now: number },
): APIEmbed {
  switch (incident.kind) {
    case "alerts-paused":
      return pausedEmbed(incident, ctx.tr);
    case "channel-gone":
      return goneEmbed(incident, ctx.taxonomy, ctx.tr);
    case "feed-failing":
      return feedEmbed(incident, ctx.now, ctx.tr);
  }
}

/** The notice that a failing feed works again. */
export function recoveredNotice(
  incident: Extract<Incident, { kind: "feed-failing" }>,
  tr: Translator,
): APIEmbed {
  return {
    title: tr.t("health.recoveredTitle"),
    description: tr.t("health.feedRecovered", {
      name: safeText(incident.feed.name, 100, { singleLine: true }),
      url: code(incident.feed.url),
    }),
    color: GOOD,
  };
}

/** A notice as a message: never a mention, and one message per nonce however often it is sent. */
export function noticeMessage(embed: APIEmbed, nonce: string): RESTPostAPIChannelMessageJSONBody {
  return { embeds: [embed], nonce, enforce_nonce: true, allowed_mentions: { parse: [] } };
}
