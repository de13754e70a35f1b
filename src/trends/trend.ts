/**
 * What a /trends chart shows, from the daily counts: which lines, their values per day, and the
 * figures the text summary gives (totals, the biggest rise). No Discord and no drawing here.
 *
 *  - no topic, no country: the period's top topics, one line each;
 *  - a topic: that topic's line;
 *  - a topic and a country: that country's line within the topic, then the topic's other most
 *    reported countries, so the country is seen against the rest of the topic's coverage;
 *  - a country alone: the country's stories per topic (its top topics).
 */
import { type DailyCounts, type DayCounts, dayOf } from "./counts.js";

/** Lines on one chart at most: more are unreadable at 1000 × 500. */
export const MAX_LINES = 5;

export interface TrendQuery {
  topic?: string;
  country?: string;
  /** Days shown, today included. */
  days: number;
}

export interface TrendLine {
  /** A topic id, or a country code for the per-country lines. */
  key: string;
  kind: "topic" | "country";
  /** Stories per day, oldest first; null for days before the counts are complete. */
  values: Array<number | null>;
  total: number;
}

export interface Rise {
  key: string;
  kind: TrendLine["kind"];
  /** Stories in the earlier and the later half of the complete days. */
  before: number;
  after: number;
}

export interface Trend {
  query: TrendQuery;
  /** The first and last day shown (days since the epoch, UTC); the last is today. */
  firstDay: number;
  lastDay: number;
  /** When the counts were read: today is complete up to here. */
  asOf: number;
  lines: TrendLine[];
  /** Stories in the period within the query's scope (a story with two topics counts once). */
  total: number;
  /** The first day with complete counts, if it falls inside the period. */
  knownFrom?: number;
  /** Stories stored before the counts existed are still being counted. */
  rebuilding: boolean;
  rise?: Rise;
}

type Pick1 = (day: DayCounts, key: string) => number;

const byTopic: Pick1 = (d, topic) => d.topics[topic] ?? 0;
const topicIn =
  (country: string): Pick1 =>
  (d, topic) =>
    d.pairs[topic]?.[country] ?? 0;
const countryIn =
  (topic: string): Pick1 =>
  (d, country) =>
    d.pairs[topic]?.[country] ?? 0;

/** Keys by their sum over the days, most first, ties by key (stable charts). */
function top(days: DayCounts[], keysOf: (d: DayCounts) => string[], value: Pick1): string[] {
  const sums = new Map<string, number>();
  for (const d of days) {
    for (const key of keysOf(d)) sums.set(key, (sums.get(key) ?? 0) + value(d, key));
  }
  return [...sums]
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key]) => key);
}

function line(
  days: DayCounts[],
  known: boolean[],
  key: string,
  kind: TrendLine["kind"],
  value: Pick1,
): TrendLine {
  const values = days.map((d, i) => (known[i] ? value(d, key) : null));
  return { key, kind, values, total: values.reduce<number>((a, v) => a + (v ?? 0), 0) };
}

/**
 * The line that grew most: stories in the later half of the complete, known days against the
 * earlier half (today is left out, being partial). Undefined with fewer than two such days or
 * when nothing grew.
 */
export function biggestRise(lines: TrendLine[]): Rise | undefined {
  let best: Rise | undefined;
  for (const l of lines) {
    const complete = l.values.slice(0, -1).filter((v): v is number => v !== null);
    if (complete.length < 2) continue;
    const half = Math.floor(complete.length / 2);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    // With an odd count the middle day belongs to neither half, so the halves are equal in length.
    const before = sum(complete.slice(0, half));
    const after = sum(complete.slice(complete.length - half));
    if (after > before && (!best || after - before > best.after - best.before)) {
      best = { key: l.key, kind: l.kind, before, after };
    }
  }
  return best;
}

/** Reads the days of the period (one storage read) and works out the chart's lines. */
export async function trendOf(counts: DailyCounts, query: TrendQuery, now: number): Promise<Trend> {
  const lastDay = dayOf(now);
  const firstDay = lastDay - query.days + 1;
  const [days, since] = await Promise.all([counts.days(firstDay, lastDay), counts.since()]);
  const known = days.map((_, i) => since === undefined || firstDay + i >= since);
  const scoped = days.filter((_, i) => known[i]);
  const { topic, country } = query;
  let lines: TrendLine[];
  let total: number;
  if (topic && country) {
    const others = top(scoped, (d) => Object.keys(d.pairs[topic] ?? {}), countryIn(topic));
    const keys = [country, ...others.filter((c) => c !== country)].slice(0, MAX_LINES);
    lines = keys.map((c) => line(days, known, c, "country", countryIn(topic)));
    total = lines[0]?.total ?? 0;
  } else if (topic) {
    lines = [line(days, known, topic, "topic", byTopic)];
    total = lines[0]?.total ?? 0;
  } else if (country) {
    const keys = top(scoped, (d) => Object.keys(d.pairs), topicIn(country)).slice(0, MAX_LINES);
    lines = keys.map((t) => line(days, known, t, "topic", topicIn(country)));
    total = scoped.reduce((a, d) => a + (d.countries[country] ?? 0), 0);
  } else {
    const keys = top(scoped, (d) => Object.keys(d.topics), byTopic).slice(0, MAX_LINES);
    lines = keys.map((t) => line(days, known, t, "topic", byTopic));
    total = scoped.reduce((a, d) => a + d.total, 0);
  }
  const knownFrom = since !== undefined && since > firstDay ? since : undefined;
  const rise = biggestRise(lines);
  return {
    query,
    firstDay,
    lastDay,
    asOf: now,
    lines,
    total,
    ...(knownFrom !== undefined ? { knownFrom } : {}),
    rebuilding: since === undefined,
    ...(rise ? { rise } : {}),
  };
}

/** The countries most reported over the last `days` days, most first (for autocomplete). */
export async function recentCountries(
  counts: DailyCounts,
  now: number,
  days = 14,
  limit = 25,
): Promise<string[]> {
  const records = await counts.days(dayOf(now) - days + 1, dayOf(now));
  return top(
    records,
    (d) => Object.keys(d.countries),
    (d, c) => d.countries[c] ?? 0,
  ).slice(0, limit);
}
