import { htmlToText, toSingleLine } from "../text/html.js";
import { storyIdFor } from "./id.js";
import type { FeedSource, ParsedFeed, RawItem, Story } from "./types.js";
import { canonicalUrl } from "./url.js";

export interface NormalizeLimits {
  maxTitle: number;
  maxText: number;
}

export const DEFAULT_LIMITS: NormalizeLimits = { maxTitle: 500, maxText: 20_000 };

// A date more than a day ahead is a publisher's clock or time-zone error; more than 30 years back
// is a default value ("1970-01-01"). Either way first-seen time tells the reader more.
const MAX_FUTURE_MS = 24 * 3600_000;
const MIN_DATE_MS = Date.UTC(1995, 0, 1);

function parseDate(raw: string | undefined, now: number): number | undefined {
  if (!raw) return undefined;
  const time = Date.parse(raw.trim());
  if (Number.isNaN(time) || time > now + MAX_FUTURE_MS || time < MIN_DATE_MS) return undefined;
  return time;
}

/** "jane@example.org (Jane Doe)" → "Jane Doe"; a bare e-mail address is not a byline. */
function cleanAuthor(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let author = toSingleLine(raw);
  const inParens = /^\S+@\S+\s*\(([^)]+)\)$/.exec(author);
  if (inParens?.[1]) author = inParens[1].trim();
  if (/^\S+@\S+$/.test(author)) return undefined;
  return author.slice(0, 200) || undefined;
}

function cleanLanguage(...candidates: Array<string | undefined>): string | undefined {
  for (const raw of candidates) {
    const match = raw && /^\s*([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]+)?\s*$/.exec(raw);
    if (match?.[1]) return match[1].toLowerCase();
  }
  return undefined;
}

/** Cut at a word boundary so that no stored text ends in half a word. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * One raw item to a Story, or undefined when there is nothing a reader could use (no title and
 * no text). Identity: the GUID, else the canonical link, else title + date.
 */
export function normalizeItem(
  raw: RawItem,
  source: FeedSource,
  feed: Pick<ParsedFeed, "link" | "language">,
  now: number,
  limits: NormalizeLimits = DEFAULT_LIMITS,
): Story | undefined {
  const text = clip(htmlToText(raw.body ?? ""), limits.maxText);
  let title = toSingleLine(raw.title ?? "");
  if (!title && text) title = text.split("\n")[0] ?? "";
  title = clip(title, limits.maxTitle);
  if (!title) return undefined;
  const base =
    feed.link && /^https?:/i.test(feed.link)
      ? feed.link
      : /^https?:/i.test(source.url)
        ? source.url
        : undefined;
  const url =
    canonicalUrl(raw.link, base) ??
    (raw.guid && /^https?:\/\//i.test(raw.guid) ? canonicalUrl(raw.guid) : undefined);
  const published = parseDate(raw.date, now);
  const guid = raw.guid ? raw.guid.slice(0, 500) : undefined;
  const identity = guid ? `guid:${guid}` : url ? `url:${url}` : `title:${title}\n${raw.date ?? ""}`;
  return {
    id: storyIdFor(source.id, identity),
    feedId: source.id,
    feedName: source.name,
    guid,
    title,
    text,
    url,
    publishedAt: new Date(published ?? now).toISOString(),
    publishedEstimated: published === undefined,
    firstSeenAt: new Date(now).toISOString(),
    author: cleanAuthor(raw.author),
    language: cleanLanguage(raw.language, feed.language, source.language),
    categories: raw.categories
      .map((c) => toSingleLine(c))
      .filter(Boolean)
      .slice(0, 20),
  };
}

/** All items of a feed, duplicates within the same document dropped (first one wins). */
export function normalizeFeed(
  parsed: ParsedFeed,
  source: FeedSource,
  now: number,
  limits?: NormalizeLimits,
): Story[] {
  const seen = new Set<string>();
  const stories: Story[] = [];
  for (const raw of parsed.items) {
    const story = normalizeItem(raw, source, parsed, now, limits);
    if (!story || seen.has(story.id)) continue;
    seen.add(story.id);
    stories.push(story);
  }
  return stories;
}
