/**
 * Text and embed helpers for command replies. Everything that came from a feed (titles, summaries,
 * outlet names, error strings) is untrusted: it is escaped before it reaches a message, and every
 * Discord limit is enforced here so that a reply never fails with 50035 Invalid Form Body.
 */
import { type APIEmbed, MessageFlags } from "discord.js";
import type { Taxonomy, TopicDef } from "../classify/index.js";
import type { Translator } from "../i18n/messages.js";
import { resolveTopicInput, topicLabel } from "../search/topics.js";
import { UserError } from "./command.js";
import { embedLength, safeText, truncate } from "./safe-text.js";
import {
  buildStoryCard,
  type CardLabels,
  type CardStory,
  EMBED_LIMITS as LIMITS,
} from "./story-card.js";

// Discord's message and embed limits: one table, kept beside the story card that needs most of them.
export { LIMITS };

/** Options every reply carries: nothing a feed or a user typed may ping anyone. */
export const NO_MENTIONS = { parse: [] } as { parse: [] };
export const EPHEMERAL = MessageFlags.Ephemeral;

// Untrusted text made inert and cut for Discord: the same rules as alerts (safe-text.ts).
export {
  ELLIPSIS,
  embedLength,
  safeText,
  safeUrl,
  sanitize,
  topicById,
  truncate,
} from "./safe-text.js";

/** A Discord timestamp that every reader sees in their own time zone ("3 hours ago"). */
export function relativeTime(ms: number): string {
  return `<t:${Math.floor(ms / 1000)}:R>`;
}

export function channelMention(channelId: string): string {
  return `<#${channelId}>`;
}

export { topicName } from "./story-card.js";

/**
 * The topic an option names (its id, a label or a lexicon word in any language, resolved as
 * autocomplete ranks them); a UserError listing the topics it could mean, or all of them.
 */
export function requireTopic(
  taxonomy: Taxonomy,
  typed: string,
  tr: Translator,
  /** Topics autocomplete offered first (e.g. the ones a server subscribes to): tried first. */
  among?: ReadonlySet<string>,
): TopicDef {
  const preferred = among ? resolveTopicInput(taxonomy, typed, among).topic : undefined;
  if (preferred) return preferred;
  const { topic, candidates } = resolveTopicInput(taxonomy, typed);
  if (topic) return topic;
  const name = (t: TopicDef) => `${t.emoji} ${topicLabel(t, tr.locale)} (\`${t.id}\`)`;
  const shown = safeText(typed, 60, { singleLine: true });
  if (candidates.length > 1) {
    throw UserError.of("topic.ambiguous", { typed: shown, topics: tr.list(candidates.map(name)) });
  }
  throw UserError.of("topic.unknown", {
    typed: shown,
    topics: taxonomy.topics.map(name).join(", "),
  });
}

export { storyLabels } from "./story-card.js";

export interface StoryEmbedOptions {
  /** The topic the reader asked for: listed first, gives the colour, focuses the summary. */
  topic?: string;
  /** Characters of summary to show. */
  summaryChars?: number;
  /** A line under the summary, already safe (e.g. "also reported by: …"). */
  extra?: string;
  /** Field names in the reader's language (English by default). */
  labels?: Partial<CardLabels>;
  /** Language of topic labels (default English). */
  language?: string;
}

/** A story in a command reply: the same card as an alert (src/discord/story-card.ts). */
export function storyEmbed(
  story: CardStory,
  taxonomy: Taxonomy,
  options: StoryEmbedOptions = {},
): APIEmbed {
  return buildStoryCard(story, {
    taxonomy,
    summaryChars: options.summaryChars ?? 500,
    ...(options.topic ? { focusTopic: options.topic } : {}),
    ...(options.extra ? { extra: options.extra } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.language ? { language: options.language } : {}),
  });
}

/**
 * Makes a list of embeds fit one message: at most 10, at most 6,000 characters together.
 * Descriptions are shortened first (they carry the least essential text); embeds that still do
 * not fit are dropped from the end, and the number dropped is returned so callers can say so.
 */
export function fitEmbeds(
  embeds: APIEmbed[],
  total: number = LIMITS.total,
): { embeds: APIEmbed[]; dropped: number } {
  const kept = embeds.slice(0, LIMITS.embedsPerMessage).map((e) => ({ ...e }));
  let dropped = embeds.length - kept.length;
  const size = () => kept.reduce((n, e) => n + embedLength(e), 0);
  let over = size() - total;
  if (over > 0) {
    // Share the cut over every description in proportion to its length, keeping 80 chars each.
    const cuttable = kept.reduce((n, e) => n + Math.max(0, (e.description?.length ?? 0) - 80), 0);
    for (const e of kept) {
      const len = e.description?.length ?? 0;
      if (!e.description || len <= 80 || cuttable === 0) continue;
      const cut = Math.ceil(((len - 80) / cuttable) * over);
      e.description = truncate(e.description, Math.max(80, len - cut));
    }
    over = size() - total;
  }
  while (over > 0 && kept.length > 0) {
    kept.pop();
    dropped++;
    over = size() - total;
  }
  return { embeds: kept, dropped };
}

/**
 * Splits lines into embed descriptions within the per-embed and per-message limits. Lines that
 * do not fit are counted so the reply can say "…and N more".
 */
export function linesToDescriptions(
  lines: string[],
  options: { perEmbed?: number; total?: number; maxEmbeds?: number } = {},
): { descriptions: string[]; omitted: number } {
  const perEmbed = options.perEmbed ?? LIMITS.description;
  const maxEmbeds = options.maxEmbeds ?? LIMITS.embedsPerMessage;
  const budget = options.total ?? LIMITS.total;
  const descriptions: string[] = [];
  let current = "";
  let used = 0;
  for (const [i, raw] of lines.entries()) {
    const line = truncate(raw, perEmbed);
    const joined = current ? `${current}\n${line}` : line;
    if (joined.length <= perEmbed && used + joined.length - current.length <= budget) {
      used += joined.length - current.length;
      current = joined;
      continue;
    }
    if (current) descriptions.push(current);
    current = "";
    if (descriptions.length >= maxEmbeds || used + line.length > budget) {
      return { descriptions, omitted: lines.length - i };
    }
    current = line;
    used += line.length;
  }
  if (current) descriptions.push(current);
  return { descriptions, omitted: 0 };
}

/**
 * Whole lines up to `max` characters, then "…and N more" (for embed field values); `more`
 * words that last line in the reader's language.
 */
export function joinLines(
  lines: string[],
  max: number = LIMITS.fieldValue,
  more: (count: number) => string = (count) => `…and ${count} more`,
): string {
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const rest = more(lines.length - i);
    const room = max - used - (kept.length > 0 ? 1 : 0);
    const reserve = i < lines.length - 1 ? rest.length + 1 : 0;
    if (line.length + reserve > room) {
      if (kept.length === 0) return truncate(line, max);
      kept.push(rest);
      break;
    }
    kept.push(line);
    used += line.length + (kept.length > 1 ? 1 : 0);
  }
  return kept.join("\n");
}
