/**
 * Story → Discord embed. Pure functions: everything from a feed is untrusted text, so it is
 * sanitised (control characters, markdown, masked links, mention syntax) and every Discord embed
 * limit is enforced here, before the request, because a 50035 answer would cost a retry cycle.
 */
import { type APIEmbed, type APIEmbedField, escapeMarkdown } from "discord.js";
import type { Taxonomy, TopicDef } from "../classify/taxonomy.js";
import type { TaggedStory } from "../enrich/types.js";

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

const ELLIPSIS = "…";
/** Breaks mention and link syntax without changing what a reader sees. */
const ZWSP = "\u200B";
const MAX_URL_LENGTH = 2048;

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Characters as Discord counts them for limits. UTF-16 code units are never fewer than code
 * points or graphemes, so measuring this way is safe whichever of those Discord counts.
 */
export function textLength(text: string | undefined): number {
  return text ? text.length : 0;
}

/**
 * Cuts `text` to at most `max` code units at a grapheme boundary, ending in "…" when it cut.
 * A flag, a family emoji or a letter with combining marks is kept whole or dropped whole.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return "";
  const room = max - ELLIPSIS.length;
  // Segmenting megabytes would be slow; boundaries before `room` do not depend on text far after it.
  const head = text.slice(0, room + 64);
  const kept: string[] = [];
  let used = 0;
  for (const { segment } of segmenter.segment(head)) {
    if (used + segment.length > room) break;
    kept.push(segment);
    used += segment.length;
  }
  // Trailing blanks go whole-grapheme, so "…" never lands on half a cluster.
  while (kept.length > 0 && (kept[kept.length - 1] as string).trim() === "") kept.pop();
  return kept.join("") + ELLIPSIS;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0/C1 controls except tab and newline, plus bidi embeddings/overrides/isolates. */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Removes what can corrupt the JSON or the display: lone surrogates, controls, bidi overrides. */
export function stripControls(text: string, singleLine: boolean): string {
  let out = text.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROLS, "");
  out = out.replace(/\r\n?/g, "\n").replace(/\t/g, " ");
  if (singleLine) out = out.replace(/\s*\n\s*/g, " ");
  else out = out.replace(/\n{3,}/g, "\n\n");
  return out.trim();
}

/**
 * Makes mention syntax inert: `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>`,
 * `</cmd:id>`. Embeds never ping and we send `allowed_mentions: { parse: [] }`, but a mention
 * that renders as one still misleads readers, and text may later be reused in content.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#|\/)/g, `<${ZWSP}$1`);
}

/** Masked links `[text](url)` in feed text could disguise where a link goes: break the syntax. */
export function neutraliseMaskedLinks(text: string): string {
  return text.replace(/\]\s*\(/g, `]${ZWSP}(`);
}

/** Feed text → safe Discord text: controls stripped, markdown escaped, links and mentions inert. */
export function sanitize(text: string, opts: { singleLine?: boolean } = {}): string {
  const clean = stripControls(text, opts.singleLine ?? false);
  const escaped = escapeMarkdown(clean, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
  });
  return neutraliseMentions(neutraliseMaskedLinks(escaped));
}

/** Sanitised and cut to `max`; a fallback when nothing readable is left (Discord rejects empty). */
export function safeText(
  text: string | undefined,
  max: number,
  opts: { singleLine?: boolean; fallback?: string } = {},
): string {
  const raw = text ?? "";
  // Sanitising a megabyte only to keep 256 characters is waste; 8× leaves room for whatever
  // stripping removes. A pre-cut text always shows "…", even if stripping made it short.
  const limit = max * 8 + 64;
  const clean = sanitize(raw.length > limit ? raw.slice(0, limit) : raw, opts);
  const out =
    raw.length > limit ? truncate(clean, Math.min(max, clean.length - 1)) : truncate(clean, max);
  return out.trim().length > 0 ? out : (opts.fallback ?? "");
}

/** Only absolute http(s) URLs; anything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (!parsed.hostname) return undefined;
  const href = parsed.href;
  return href.length <= MAX_URL_LENGTH ? href : undefined;
}

/** "UA" → "🇺🇦 UA"; codes that are not two letters are shown as they are. */
export function countryLabel(code: string): string {
  const upper = code.toUpperCase().replace(/[^A-Z]/g, "");
  if (upper.length !== 2) return upper;
  const flag = String.fromCodePoint(
    ...[...upper].map((c) => 0x1f1e6 + (c.codePointAt(0) as number) - 65),
  );
  return `${flag} ${upper}`;
}

/** Characters an embed contributes to the 6,000 per-message total. */
export function embedLength(embed: APIEmbed): number {
  let n = textLength(embed.title) + textLength(embed.description);
  n += textLength(embed.footer?.text) + textLength(embed.author?.name);
  for (const f of embed.fields ?? []) n += textLength(f.name) + textLength(f.value);
  return n;
}

function topicById(taxonomy: Taxonomy, id: string): TopicDef | undefined {
  return taxonomy.topics.find((t) => t.id === id);
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
function orderedTopics(story: TaggedStory, opts: AlertEmbedOptions): string[] {
  const byScore = [...story.topics].sort((a, b) => b.score - a.score).map((t) => t.id);
  const ordered = [
    ...(opts.focusTopic ? [opts.focusTopic] : []),
    ...(opts.matchedTopics ?? []),
    ...byScore,
  ];
  return [...new Set(ordered)];
}

/** One alert embed for one story, within every Discord limit on its own (≤ 6,000 in total). */
export function buildAlertEmbed(story: TaggedStory, opts: AlertEmbedOptions): APIEmbed {
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
