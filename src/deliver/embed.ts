/**
 * Story → Discord embed. Pure functions: everything from a feed is untrusted text, so it is
 * sanitised (control characters, markdown, masked links, mention syntax) and every Discord embed
 * limit is enforced here, before the request, because a 50035 answer would cost a retry cycle.
 */
import type { APIEmbed, APIEmbedField } from "discord.js";
import type { Taxonomy, TopicDef } from "../classify/taxonomy.js";
import {
  ELLIPSIS,
  embedLength,
  safeText,
  safeUrl,
  sanitize,
  topicById,
  truncate,
} from "../discord/safe-text.js";
import type { TaggedStory } from "../enrich/types.js";

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

/** Discord's embed limits (Message Resource → Embed Limits). */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** Across every embed of one message. */
  total: 6000,
  embedsPerMessage: 10,
} as const;

/** What alerts aim for: long enough to say what happened, short enough to skim in a channel. */
export const ALERT_SUMMARY_BUDGET = 500;

/** "UA" → "🇺🇦 UA"; codes that are not two letters are shown as they are. */
export function countryLabel(code: string): string {
  const upper = code.toUpperCase().replace(/[^A-Z]/g, "");
  if (upper.length !== 2) return upper;
  const flag = String.fromCodePoint(
    ...[...upper].map((c) => 0x1f1e6 + (c.codePointAt(0) as number) - 65),
  );
  return `${flag} ${upper}`;
}

function topicTag(taxonomy: Taxonomy, id: string): string {
  const def = topicById(taxonomy, id);
  return def ? `${def.emoji} ${def.label}` : sanitize(id, { singleLine: true });
}

/** Joins items with a separator, stopping (with "…") before the value limit is passed. */
function joinWithin(items: string[], sep: string, max: number): string {
  let out = "";
  for (const item of items) {
    const next = out ? `${out}${sep}${item}` : item;
    if (next.length > max)
      return out ? truncate(`${out}${sep}${ELLIPSIS}`, max) : truncate(item, max);
    out = next;
  }
  return out;
}

export interface AlertEmbedOptions {
  taxonomy: Taxonomy;
  /** The summary to show (already budgeted by the summariser); sanitised and cut here. */
  summary: string;
  /** The topic this channel cares most about: listed first and gives the colour. */
  focusTopic?: string;
  /** Topics the channel subscribed to that the story matched; listed before the story's others. */
  matchedTopics?: string[];
}

/** Orders topic ids: focus first, then the channel's matched topics, then the story's others. */
function orderedTopics(story: Omit<TaggedStory, "text">, opts: AlertEmbedOptions): string[] {
  const byScore = [...story.topics].sort((a, b) => b.score - a.score).map((t) => t.id);
  const ordered = [
    ...(opts.focusTopic ? [opts.focusTopic] : []),
    ...(opts.matchedTopics ?? []),
    ...byScore,
  ];
  return [...new Set(ordered)];
}

/** One alert embed for one story, within every Discord limit on its own (≤ 6,000 in total). */
export function buildAlertEmbed(
  story: Omit<TaggedStory, "text">,
  opts: AlertEmbedOptions,
): APIEmbed {
  const { taxonomy } = opts;
  const embed: APIEmbed = {
    title: safeText(story.title, EMBED_LIMITS.title, { singleLine: true, fallback: "(untitled)" }),
  };
  const url = safeUrl(story.url);
  if (url) embed.url = url;
  const fields: APIEmbedField[] = [];
  const topics = orderedTopics(story, opts);
  if (topics.length > 0) {
    fields.push({
      name: topics.length === 1 ? "Topic" : "Topics",
      value: joinWithin(
        topics.map((id) => topicTag(taxonomy, id)),
        " · ",
        EMBED_LIMITS.fieldValue,
      ),
      inline: true,
    });
  }
  const countries = [...new Set(story.countries)].map(countryLabel).filter((c) => c.length > 0);
  if (countries.length > 0) {
    fields.push({
      name: "Countries",
      value: joinWithin(countries, " ", EMBED_LIMITS.fieldValue),
      inline: true,
    });
  }
  if (fields.length > 0) embed.fields = fields.slice(0, EMBED_LIMITS.fields);
  const source = safeText(story.feedName, EMBED_LIMITS.authorName, { singleLine: true });
  if (source) embed.author = { name: source };
  const published = Date.parse(story.publishedAt);
  if (Number.isFinite(published)) embed.timestamp = new Date(published).toISOString();
  const colourTopic = topics[0] ? topicById(taxonomy, topics[0]) : undefined;
  if (colourTopic) embed.color = colourTopic.color;
  // The description takes whatever the 6,000 total leaves after the fixed parts.
  const room = Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - embedLength(embed));
  const description = safeText(opts.summary, room);
  if (description) embed.description = description;
  return embed;
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
function linkText(title: string): string {
  const plain = title.replace(/\[/g, "(").replace(/\]/g, ")");
  return safeText(plain, 200, { singleLine: true, fallback: "(untitled)" });
}

/** A URL inside `(…)` of a masked link: parentheses and spaces encoded so the link stays whole. */
function linkTarget(url: string): string {
  return url.replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/ /g, "%20");
}

/**
 * One embed standing for many stories (the channel's hourly cap was reached): a linked list of
 * titles, as many as fit, then "and N more".
 */
export function buildRollup(stories: RollupEntry[], topic?: TopicDef): APIEmbed {
  const count = stories.length;
  const noun = count === 1 ? "story" : "stories";
  const heading = `${count} more ${noun} from the past hour`;
  const embed: APIEmbed = {
    title: truncate(
      topic ? `${topic.emoji} ${topic.label}: ${heading}` : heading,
      EMBED_LIMITS.title,
    ),
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
  if (rest > 0) lines.push(`and ${rest} more`);
  embed.description = lines.join("\n");
  embed.footer = { text: "Hourly alert limit reached for this channel" };
  return embed;
}
