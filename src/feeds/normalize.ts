import { htmlToText, toSingleLine } from "../text/html.js";
import { truncateText } from "../text/truncate.js";
import { storyIdFor } from "./id.js";
import { pickImage } from "./media.js";
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

/** A feed's date text as a time, or undefined when it is missing, unreadable or implausible. */
export function parseDate(raw: string | undefined, now: number): number | undefined {
  if (!raw) return undefined;
  const text = raw.trim();
  let time = canonicalIsoTime(text);
  const canonical = !Number.isNaN(time);
  if (!canonical) time = Date.parse(text);
  if (Number.isNaN(time) || time > now + MAX_FUTURE_MS || time < MIN_DATE_MS) return undefined;
  // The text is already what isoTime would make of the time: let it answer with the text.
  if (canonical) {
    isoLastTime = time;
    isoLast = text;
  }
  return time;
}

/** The number written in s[at, at + count), or -1 when a character there is not a digit. */
function digitsAt(s: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return -1;
    value = value * 10 + code - 0x30;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The time of a date written as toISOString writes it ("2025-11-28T11:32:15.000Z": what the
 * parser hands over for RSS and Atom dates alike) with every field in range, from 1970 on: what
 * Date.parse gives for it. NaN for anything else, which is left to Date.parse.
 */
function canonicalIsoTime(s: string): number {
  if (
    s.length !== 24 ||
    s.charCodeAt(4) !== 0x2d ||
    s.charCodeAt(7) !== 0x2d ||
    s.charCodeAt(10) !== 0x54 ||
    s.charCodeAt(13) !== 0x3a ||
    s.charCodeAt(16) !== 0x3a ||
    s.charCodeAt(19) !== 0x2e ||
    s.charCodeAt(23) !== 0x5a
  ) {
    return Number.NaN;
  }
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  const milli = digitsAt(s, 20, 3);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    milli < 0
  ) {
    return Number.NaN;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
// The "YYYY-MM-DDT" of the day last formatted: a feed's stories mostly fall on a few days.
let isoDay = -1;
let isoDayPrefix = "";
// The last time formatted (or read in that form by parseDate) and its text.
let isoLastTime = Number.NaN;
let isoLast = "";
// Every story of a poll has the same first-seen time.
let firstSeenTime = Number.NaN;
let firstSeenIso = "";

/**
 * `new Date(ms).toISOString()`, without a Date, for whole milliseconds in years 1970–9999 (the
 * rest, including what toISOString throws on, goes to toISOString). Two per story.
 */
export function isoTime(ms: number): string {
  if (ms === isoLastTime) return isoLast;
  if (!(ms >= 0 && ms < 253_402_300_800_000) || ms % 1 !== 0) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  if (days !== isoDay) {
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
    const z = days + 719_468;
    const era = Math.floor(z / 146_097);
    const dayOfEra = z - era * 146_097;
    const yearOfEra = Math.floor(
      (dayOfEra -
        Math.floor(dayOfEra / 1460) +
        Math.floor(dayOfEra / 36_524) -
        Math.floor(dayOfEra / 146_096)) /
        365,
    );
    const dayOfYear =
      dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
    const mp = Math.floor((5 * dayOfYear + 2) / 153);
    const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    isoDay = days;
    isoDayPrefix = `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
  }
  let rest = ms - days * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  isoLastTime = ms;
  isoLast = `${isoDayPrefix}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
  return isoLast;
}

/** "jane@example.org (Jane Doe)" → "Jane Doe"; a bare e-mail address is not a byline. */
function cleanAuthor(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let author = toSingleLine(raw);
  if (author.includes("@")) {
    const inParens = /^\S+@\S+\s*\(([^)]+)\)$/.exec(author);
    if (inParens?.[1]) author = inParens[1].trim();
    if (/^\S+@\S+$/.test(author)) return undefined;
  }
  return author.slice(0, 200) || undefined;
}

const LANGUAGE = /^\s*([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]+)?\s*$/;
// The last tag read and what it gave: a feed states its language once for all its stories.
let lastLanguageTag: string | undefined;
let lastLanguage: string | undefined;

/** "en-GB" → "en"; undefined for anything that is not a language tag. */
function languageOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (raw === lastLanguageTag) return lastLanguage;
  const match = LANGUAGE.exec(raw);
  lastLanguageTag = raw;
  lastLanguage = match?.[1] ? match[1].toLowerCase() : undefined;
  return lastLanguage;
}

function cleanLanguage(
  item: string | undefined,
  feed: string | undefined,
  source: string | undefined,
): string | undefined {
  return languageOf(item) ?? languageOf(feed) ?? languageOf(source);
}

/** Cut at a word boundary so that no stored text ends in half a word. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : truncateText(text, max);
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
  const story: Story = {
    id: storyIdFor(source.id, identity),
    feedId: source.id,
    feedName: source.name,
    guid,
    title,
    text,
    url,
    publishedAt: isoTime(published ?? now),
    publishedEstimated: published === undefined,
    firstSeenAt: now === firstSeenTime ? firstSeenIso : firstSeen(now),
    author: cleanAuthor(raw.author),
    language: cleanLanguage(raw.language, feed.language, source.language),
    categories: cleanCategories(raw.categories),
  };
  if (raw.media) {
    // Relative picture URLs are relative to the item's page, else to the feed's.
    const imageUrl = pickImage(raw.media, url ?? base);
    if (imageUrl) story.imageUrl = imageUrl;
  }
  return story;
}

function firstSeen(now: number): string {
  firstSeenIso = isoTime(now);
  firstSeenTime = now;
  return firstSeenIso;
}

/** At most 20 categories, each on one line, empty ones left out. */
function cleanCategories(raw: string[]): string[] {
  const categories: string[] = [];
  for (const category of raw) {
    const text = toSingleLine(category);
    if (text && categories.push(text) === 20) break;
  }
  return categories;
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
