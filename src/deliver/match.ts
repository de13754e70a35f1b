/**
 * Story × subscriptions → deliveries. One delivery per channel, however many of that channel's
 * subscriptions match: a reader should see a story once, tagged with everything it matched.
 */
import type { TaggedStory } from "../enrich/types.js";
import type { Subscription } from "../subscriptions/store.js";
import type { AlertEntry } from "./alert-log.js";
import { anyTermIn, termKey } from "./terms.js";

export interface ChannelMatch {
  guildId: string;
  channelId: string;
  /** Matched topic ids, best score first. */
  topics: string[];
  /** The best-scoring matched topic: decides the summary focus and the embed colour. */
  focusTopic: string;
}

/**
 * Whether any keyword appears in the text as a whole word or phrase, ignoring case and accents;
 * no (usable) keywords means no constraint.
 */
export function keywordsMatch(keywords: readonly string[], text: string): boolean {
  if (!keywords.some((k) => termKey(k).length > 0)) return true;
  return anyTermIn(keywords, text);
}

/** Whether one subscription wants this story (status is checked by the caller's source list too). */
export function subscriptionMatches(story: TaggedStory, sub: Subscription): boolean {
  if (sub.status !== "active") return false;
  const tag = story.topics.find((t) => t.id === sub.topic);
  if (!tag || tag.score < sub.minScore) return false;
  const text = `${story.title}\n${story.text}`;
  return keywordsMatch(sub.keywords, text) && !anyTermIn(sub.exclude ?? [], text);
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

/**
 * Folded terms per subscription and hit sets per log entry, each made once: a story is matched
 * against every channel that may want it (millions of pairs in a flood), and folding a term
 * (NFKD) for every pair cost more than the rest of the match.
 */
const subscriptionKeys = new WeakMap<Subscription, { keywords: string[]; exclude: string[] }>();
const entryHits = new WeakMap<AlertEntry, { keywords: Set<string>; exclude: Set<string> }>();

function keysOf(sub: Subscription): { keywords: string[]; exclude: string[] } {
  let keys = subscriptionKeys.get(sub);
  if (!keys) {
    const fold = (terms: readonly string[]) => terms.map(termKey).filter((k) => k.length > 0);
    keys = { keywords: fold(sub.keywords), exclude: fold(sub.exclude ?? []) };
    subscriptionKeys.set(sub, keys);
  }
  return keys;
}

/** An entry's hits as keys; folded again because entries from older builds kept other keys. */
function hitsOf(entry: AlertEntry): { keywords: Set<string>; exclude: Set<string> } {
  let hits = entryHits.get(entry);
  if (!hits) {
    hits = {
      keywords: new Set(entry.keywordHits.map(termKey)),
      exclude: new Set((entry.excludeHits ?? []).map(termKey)),
    };
    entryHits.set(entry, hits);
  }
  return hits;
}

/**
 * The topics through which a channel's subscriptions want a logged story, best score first
 * (empty: not wanted). Keywords and exclusions were looked for when the story was logged, over
 * the terms of every subscription active then; a subscription made or changed after that (its
 * `createdAt` is reset by subscribing again) does not receive the story, since its terms may not
 * have been looked for.
 */
export function entryTopics(entry: AlertEntry, subs: readonly Subscription[]): string[] {
  const matched: Array<{ id: string; score: number }> = [];
  // Entries logged before exclusions existed have no `checkedAt`/`excludeHits`.
  const checkedAt = entry.checkedAt ?? entry.at;
  for (const sub of subs) {
    if (sub.status !== "active" || sub.createdAt > checkedAt) continue;
    // Switched back on after a mute: what was logged meanwhile is not sent late.
    if (sub.activeSince !== undefined && entry.at < sub.activeSince) continue;
    const tag = entry.story.topics.find((t) => t.id === sub.topic);
    if (!tag || tag.score < sub.minScore) continue;
    const keys = keysOf(sub);
    if (keys.keywords.length > 0) {
      const hits = hitsOf(entry).keywords;
      if (!keys.keywords.some((k) => hits.has(k))) continue;
    }
    if (keys.exclude.length > 0) {
      const hits = hitsOf(entry).exclude;
      if (keys.exclude.some((k) => hits.has(k))) continue;
    }
    if (!matched.some((m) => m.id === tag.id)) matched.push({ id: tag.id, score: tag.score });
  }
  matched.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return matched.map((m) => m.id);
}
