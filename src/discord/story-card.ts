/**
 * The story card: the one embed a story is shown as, in alerts, /topic, /search, /digest and
 * /preview. Everything from a feed is untrusted: it is sanitised here (safe-text.ts), shortened
 * between words, and every Discord embed limit is enforced before the request, because a 50035
 * answer would cost a retry cycle (alerts) or the whole reply (commands).
 */
import type { APIEmbed, APIEmbedField } from "discord.js";
import type { Taxonomy } from "../classify/taxonomy.js";
import type { Translator } from "../i18n/messages.js";
import { topicLabel } from "../search/topics.js";
import { summarize as defaultSummarize, type SummaryInput } from "../summarize/index.js";
import { summaryInputFor } from "../summarize/input.js";
import { type EvidenceLike, evidenceLine } from "./evidence.js";
import {
  ELLIPSIS,
  embedLength,
  safeText,
  safeUrl,
  sanitize,
  topicById,
  truncate,
} from "./safe-text.js";

/** Discord's embed limits (Message Resource → Embed Limits). */
export const EMBED_LIMITS = {
  /** A message's content, beside its embeds. */
  content: 2000,
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

/** What a card shows: a stored story, an alert log entry's story or a search index entry. */
export interface CardStory {
  title: string;
  url?: string;
  feedName: string;
  /** The byline, shown after the source. */
  author?: string;
  publishedAt: string;
  summary: string;
  /** The full text, when at hand: lets the card focus the summary on the reader's topic. */
  text?: string;
  language?: string;
  topics: ReadonlyArray<{
    id: string;
    score: number;
    evidence?: ReadonlyArray<EvidenceLike>;
  }>;
  countries?: readonly string[];
  imageUrl?: string;
}

/** Field names and fallbacks, so that a localisation layer can pass its own. */
export interface CardLabels {
  topic: string;
  topics: string;
  countries: string;
  why: string;
  untitled: string;
}

export const DEFAULT_CARD_LABELS: CardLabels = {
  topic: "Topic",
  topics: "Topics",
  countries: "Countries",
  why: "Why",
  untitled: "(untitled)",
};

/** The card's field labels in the translator's language. */
export function storyLabels(tr: Translator): CardLabels {
  return {
    topic: tr.t("card.topic"),
    topics: tr.t("card.topics"),
    countries: tr.t("card.countries"),
    why: tr.t("card.why"),
    untitled: tr.t("card.untitled"),
  };
}

export interface StoryCardOptions {
  taxonomy: Taxonomy;
  /**
   * The summary to show (an alert's, already focused on the subscribed topic). Without it the
   * card shows the story's summary, focused on `focusTopic` when the story's text is at hand.
   */
  summary?: string;
  /** The topic the reader cares most about: listed first, gives the colour, focuses the summary. */
  focusTopic?: string;
  /** Topics a channel subscribed to that the story matched; listed after the focus topic. */
  matchedTopics?: readonly string[];
  /** Characters of summary at most (the embed's room decides otherwise). */
  summaryChars?: number;
  /** Show what made each listed topic (alerts, /preview): its strongest evidence, as written. */
  why?: boolean;
  /** A line under the summary, already safe (e.g. "also reported by: …"); never shortened. */
  extra?: string;
  labels?: Partial<CardLabels>;
  /** Language of the topic labels (the taxonomy's English label when it has none in it). */
  language?: string;
  /** The summariser used to focus a summary (injected in tests; default: src/summarize). */
  summarize?: (input: SummaryInput) => string;
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

/** "🌍 Climate" (or "🌍 Klima"); an id the taxonomy does not know (any more) is shown escaped. */
export function topicName(taxonomy: Taxonomy, id: string, language?: string): string {
  const def = topicById(taxonomy, id);
  return def ? `${def.emoji} ${topicLabel(def, language)}` : sanitize(id, { singleLine: true });
}

/** Joins whole items with a separator, stopping (with "…") before the value limit is passed. */
export function joinWithin(items: readonly string[], sep: string, max: number): string {
  let out = "";
  for (const item of items) {
    const next = out ? `${out}${sep}${item}` : item;
    if (next.length > max) {
      if (!out) return truncate(item, max);
      return `${out}${sep}${ELLIPSIS}`.length <= max ? `${out}${sep}${ELLIPSIS}` : out;
    }
    out = next;
  }
  return out;
}

/** Topic ids: focus first, then the channel's matched topics, then the story's others by score. */
function orderedTopics(story: CardStory, opts: StoryCardOptions): string[] {
  const byScore = [...story.topics].sort((a, b) => b.score - a.score).map((t) => t.id);
  const ordered = [
    ...(opts.focusTopic ? [opts.focusTopic] : []),
    ...(opts.matchedTopics ?? []),
    ...byScore,
  ];
  return [...new Set(ordered)];
}

/**
 * The summary to show: the one given; else the story's own through the lens of the focus topic
 * (when the text is there to summarise again); else the stored one; else the start of the text.
 */
function summaryFor(story: CardStory, opts: StoryCardOptions, budget: number): string {
  if (opts.summary !== undefined) return opts.summary;
  const focus = opts.focusTopic
    ? story.topics
        .find((t) => t.id === opts.focusTopic)
        ?.evidence?.filter((e) => e.kind !== "country")
        .map((e) => e.term)
    : undefined;
  if (focus && focus.length > 0 && story.text) {
    // As alerts do (src/deliver/focused-summary.ts): the reader's topic first, then the others.
    const focused = (opts.summarize ?? defaultSummarize)(
      summaryInputFor({ ...story, text: story.text }, budget, opts.focusTopic),
    );
    if (focused.trim()) return focused;
  }
  return story.summary?.trim() ? story.summary : (story.text ?? "");
}

/** "Outlet · Byline" as the embed's author line. */
function sourceLine(story: CardStory): string {
  const byline = story.author?.trim();
  const parts = [story.feedName, byline].filter((p): p is string => Boolean(p?.trim()));
  return safeText(parts.join(" · "), EMBED_LIMITS.authorName, { singleLine: true });
}

/**
 * One story as one embed, within every Discord limit on its own (≤ 6,000 in total): the linked
 * headline, the summary, topics with emoji, countries with flags, the source and byline, the
 * publication time (Discord shows it in each reader's time zone), the top topic's colour and the
 * story's picture as thumbnail.
 */
export function buildStoryCard(story: CardStory, opts: StoryCardOptions): APIEmbed {
  const { taxonomy } = opts;
  const labels = { ...DEFAULT_CARD_LABELS, ...opts.labels };
  const embed: APIEmbed = {
    title: safeText(story.title, EMBED_LIMITS.title, {
      singleLine: true,
      fallback: labels.untitled,
    }),
  };
  const url = safeUrl(story.url);
  if (url) embed.url = url;
  const fields: APIEmbedField[] = [];
  const topics = orderedTopics(story, opts);
  if (topics.length > 0) {
    fields.push({
      name: topics.length === 1 ? labels.topic : labels.topics,
      value: joinWithin(
        topics.map((id) => topicName(taxonomy, id, opts.language)),
        " · ",
        EMBED_LIMITS.fieldValue,
      ),
      inline: true,
    });
  }
  const countries = [...new Set(story.countries ?? [])]
    .map(countryLabel)
    .filter((c) => c.length > 0);
  if (countries.length > 0) {
    fields.push({
      name: labels.countries,
      value: joinWithin(countries, " ", EMBED_LIMITS.fieldValue),
      inline: true,
    });
  }
  const why = opts.why ? whyField(story, topics, taxonomy, labels.why) : undefined;
  if (why) fields.push(why);
  if (fields.length > 0) {
    embed.fields = fields.slice(0, EMBED_LIMITS.fields).map((f) => ({
      ...f,
      name: truncate(f.name, EMBED_LIMITS.fieldName),
    }));
  }
  const source = sourceLine(story);
  if (source) embed.author = { name: source };
  const published = Date.parse(story.publishedAt);
  if (Number.isFinite(published)) embed.timestamp = new Date(published).toISOString();
  const colourTopic = topics[0] ? topicById(taxonomy, topics[0]) : undefined;
  if (colourTopic) embed.color = colourTopic.color;
  const image = safeUrl(story.imageUrl);
  if (image) embed.thumbnail = { url: image };
  const description = descriptionFor(story, opts, embedLength(embed));
  if (description) embed.description = description;
  return embed;
}

/** Evidence per topic shown, countries left to the countries field. */
const WHY_TERMS = 4;

function whyField(
  story: CardStory,
  topics: readonly string[],
  taxonomy: Taxonomy,
  name: string,
): APIEmbedField | undefined {
  const lines: string[] = [];
  for (const id of topics) {
    const evidence = story.topics.find((t) => t.id === id)?.evidence ?? [];
    const line = evidenceLine(evidence, { limit: WHY_TERMS });
    if (line) lines.push(`${topicById(taxonomy, id)?.emoji ?? "•"} ${line}`);
  }
  if (lines.length === 0) return undefined;
  return { name, value: joinWithin(lines, "\n", EMBED_LIMITS.fieldValue) };
}

/** Summary, then the extra line; the description takes what the 6,000 total leaves. */
function descriptionFor(story: CardStory, opts: StoryCardOptions, used: number): string {
  const room = Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - used);
  const extra = opts.extra ? truncate(opts.extra, room) : "";
  const forSummary = Math.min(
    opts.summaryChars ?? EMBED_LIMITS.description,
    extra ? room - extra.length - 2 : room,
  );
  const summary = forSummary > 0 ? safeText(summaryFor(story, opts, forSummary), forSummary) : "";
  return [summary, extra].filter(Boolean).join("\n\n");
}
