/**
 * Story × subscriptions → deliveries. One delivery per channel, however many of that channel's
 * subscriptions match: a reader should see a story once, tagged with everything it matched.
 */
import type { TaggedStory } from "../enrich/types.js";
import type { Subscription } from "../subscriptions/store.js";
import type { AlertEntry } from "./alert-log.js";

export interface ChannelMatch {
  guildId: string;
  channelId: string;
  /** Matched topic ids, best score first. */
  topics: string[];
  /** The best-scoring matched topic: decides the summary focus and the embed colour. */
  focusTopic: string;
}

const KEYWORD_CACHE_LIMIT = 2000;

/** A keyword as subscriptions and alert-log entries compare it. */
export function keywordKey(keyword: string): string {
  return keyword.trim().toLowerCase().replace(/\s+/g, " ");
}
const keywordCache = new Map<string, RegExp>();

/**
 * A keyword or phrase as a whole-word, case-insensitive pattern: "EU" must not match "Europe",
 * and "human rights" matches across any whitespace between its words.
 */
export function keywordPattern(keyword: string): RegExp | undefined {
  const key = keywordKey(keyword);
  if (!key) return undefined;
  const cached = keywordCache.get(key);
  if (cached) return cached;
  const body = key
    .split(/\s+/)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("\\s+");
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, "iu");
  // Keywords come from admins and are few; the bound only stops unbounded growth.
  if (keywordCache.size >= KEYWORD_CACHE_LIMIT) keywordCache.clear();
  keywordCache.set(key, pattern);
  return pattern;
}

/** Whether any keyword appears in the text; no (usable) keywords means no constraint. */
export function keywordsMatch(keywords: readonly string[], text: string): boolean {
  const patterns = keywords.map(keywordPattern).filter((p): p is RegExp => p !== undefined);
  if (patterns.length === 0) return true;
  return patterns.some((p) => p.test(text));
}

/** Whether one subscription wants this story (status is checked by the caller's source list too). */
export function subscriptionMatches(story: TaggedStory, sub: Subscription): boolean {
  if (sub.status !== "active") return false;
  const tag = story.topics.find((t) => t.id === sub.topic);
  if (!tag || tag.score < sub.minScore) return false;
  return keywordsMatch(sub.keywords, `${story.title}\n${story.text}`);
}

/** Every channel that should receive the story, with the topics it matched there. */
export function matchSubscriptions(
  story: TaggedStory,
  subscriptions: Iterable<Subscription>,
): ChannelMatch[] {
  const byChannel = new Map<string, { guildId: string; channelId: string; topics: Set<string> }>();
  for (const sub of subscriptions) {
    if (!subscriptionMatches(story, sub)) continue;
    const key = `${sub.guildId}:${sub.channelId}`;
    let entry = byChannel.get(key);
    if (!entry) {
      entry = { guildId: sub.guildId, channelId: sub.channelId, topics: new Set() };
      byChannel.set(key, entry);
    }
    entry.topics.add(sub.topic);
  }
  const score = (id: string): number => story.topics.find((t) => t.id === id)?.score ?? 0;
  return [...byChannel.values()].map((e) => {
    const topics = [...e.topics].sort((a, b) => score(b) - score(a) || a.localeCompare(b));
    return {
      guildId: e.guildId,
      channelId: e.channelId,
      topics,
      focusTopic: topics[0] as string,
    };
  });
}

/** The keywords (as `keywordKey`) among `keywords` that appear in the story. */
export function keywordHits(keywords: Iterable<string>, story: TaggedStory): string[] {
  const text = `${story.title}\n${story.text}`;
  const hits: string[] = [];
  for (const keyword of keywords) {
    if (keywordPattern(keyword)?.test(text)) hits.push(keywordKey(keyword));
  }
  return hits;
}

/**
 * The topics through which a channel's subscriptions want a logged story, best score first
 * (empty: not wanted). Keywords were looked for when the story was logged; a subscription made
 * after that does not receive it.
 */
export function entryTopics(entry: AlertEntry, subs: readonly Subscription[]): string[] {
  const matched: Array<{ id: string; score: number }> = [];
  for (const sub of subs) {
    if (sub.status !== "active" || sub.createdAt > entry.at) continue;
    const tag = entry.story.topics.find((t) => t.id === sub.topic);
    if (!tag || tag.score < sub.minScore) continue;
    const keys = sub.keywords.map(keywordKey).filter((k) => k.length > 0);
    if (keys.length > 0 && !keys.some((k) => entry.keywordHits.includes(k))) continue;
    if (!matched.some((m) => m.id === tag.id)) matched.push({ id: tag.id, score: tag.score });
  }
  matched.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return matched.map((m) => m.id);
}
