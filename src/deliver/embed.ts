/**
 * Alerts as Discord embeds: the story card (src/discord/story-card.ts, shared with the commands),
 * messages packed within Discord's limits, and the roll-up past a channel's hourly cap.
 */
import type { APIEmbed } from "discord.js";
import type { TopicDef } from "../classify/taxonomy.js";
import { embedLength, safeText, safeUrl, truncate } from "../discord/safe-text.js";
import {
  buildStoryCard,
  type CardStory,
  EMBED_LIMITS,
  type StoryCardOptions,
} from "../discord/story-card.js";
import type { Locale } from "../i18n/catalogue.js";
import { loadMessages, type Messages, type Translator } from "../i18n/messages.js";
import { topicLabel } from "../search/topics.js";

export {
  embedLength,
  neutraliseMaskedLinks,
  neutraliseMentions,
  safeText,
  safeUrl,
  sanitize,
  stripControls,
  textLength,
  truncate,
} from "../discord/safe-text.js";
export { countryLabel, EMBED_LIMITS } from "../discord/story-card.js";

/** What alerts aim for: long enough to say what happened, short enough to skim in a channel. */
export const ALERT_SUMMARY_BUDGET = 500;

/**
 * The language of a server's alerts (its Discord "Server Primary Language"): card labels, topic
 * names and the roll-up's lines. Summaries stay in the story's own language. A batch keeps the
 * language it was started in (`locale`), so that one resumed after a restart is rebuilt word for
 * word: finding it among the channel's messages compares what was posted.
 */
export type AlertLanguage = (guildId: string, locale?: Locale) => Translator;

let english: Messages | undefined;
/** Alerts in English whatever the server: for deliveries built without a Discord client. */
export const englishAlerts: AlertLanguage = (_guildId, locale) => {
  english ??= loadMessages();
  return english.for(locale ?? "en");
};

/** An alert shows the summary the alert log holds for the channel's topic. */
export type AlertEmbedOptions = StoryCardOptions & { summary: string };

/**
 * One alert: the story card with the channel's summary, focus topic and matched topics, and why
 * the story carries those topics (the evidence, as the story wrote it).
 */
export function buildAlertEmbed(story: CardStory, opts: AlertEmbedOptions): APIEmbed {
  return buildStoryCard(story, { why: true, ...opts });
}

/**
 * Groups embeds into messages of ≤ 10 embeds and ≤ 6,000 characters, keeping their order.
 * An embed over the total on its own (never built here) gets a message of its own.
 */
export function packEmbeds(embeds: APIEmbed[]): APIEmbed[][] {
  const messages: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const n = embedLength(embed);
    if (
      current.length > 0 &&
      (current.length >= EMBED_LIMITS.embedsPerMessage || size + n > EMBED_LIMITS.total)
    ) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += n;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

export interface RollupEntry {
  title: string;
  url?: string;
}

/**
 * Title for a masked link. Brackets become parentheses first: an escaped `\]` would itself be
 * re-escaped by the markdown pass, and a bare one could close the link early.
 */
export function linkText(title: string): string {
  const plain = title.replace(/\[/g, "(").replace(/\]/g, ")");
  return safeText(plain, 200, { singleLine: true, fallback: "(untitled)" });
}

/** A URL inside `(…)` of a masked link: parentheses and spaces encoded so the link stays whole. */
export function linkTarget(url: string): string {
  return url.replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/ /g, "%20");
}

/**
 * One embed standing for many stories (the channel's hourly cap was reached): a linked list of
 * titles, as many as fit, then "and N more".
 */
export function buildRollup(stories: RollupEntry[], tr: Translator, topic?: TopicDef): APIEmbed {
  const count = stories.length;
  const heading = tr.t("rollup.heading", { count });
  const label = topic ? topicLabel(topic, tr.locale) : "";
  const embed: APIEmbed = {
    title: truncate(topic ? `${topic.emoji} ${label}: ${heading}` : heading, EMBED_LIMITS.title),
  };
  if (topic) embed.color = topic.color;
  const lines: string[] = [];
  let used = 0;
  // Room for the "and N more" line, which is at most ~20 characters.
  const budget = EMBED_LIMITS.description - 32;
  for (const story of stories) {
    const url = safeUrl(story.url);
    const text = linkText(story.title);
    const line = url ? `• [${text}](${linkTarget(url)})` : `• ${text}`;
    if (used + line.length + 1 > budget) break;
    lines.push(line);
    used += line.length + 1;
  }
  const rest = count - lines.length;
  if (rest > 0) lines.push(tr.t("rollup.more", { count: rest }));
  embed.description = lines.join("\n");
  embed.footer = { text: tr.t("rollup.footer") };
  return embed;
}
