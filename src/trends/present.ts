/**
 * A trend in the reader's language: the chart's texts (title, legend, axes, the note on today
 * being partial), the embed's summary (totals, the biggest rise) and the image's alt text, so
 * that what the picture shows is also there for screen readers.
 */

import { countryNames } from "../classify/countries.js";
import type { Taxonomy } from "../classify/index.js";
import { topicById } from "../discord/safe-text.js";
import { countryLabel, topicName } from "../discord/story-card.js";
import type { Translator } from "../i18n/messages.js";
import { topicLabel } from "../search/topics.js";
import { DAY_MS } from "./counts.js";
import type { ChartInput } from "./render.js";
import type { Trend, TrendLine } from "./trend.js";

/** Discord's limit on an attachment's description (alt text). */
export const ALT_TEXT_MAX = 1024;

export interface TrendTexts {
  title: string;
  chart: ChartInput;
  /** The embed's description: totals per line and the biggest rise. */
  summary: string;
  alt: string;
}

function dayLabel(day: number, tr: Translator, withYear = false): string {
  return new Intl.DateTimeFormat(tr.locale, {
    day: "numeric",
    month: "short",
    ...(withYear ? { year: "numeric" } : {}),
    timeZone: "UTC",
  }).format(new Date(day * DAY_MS));
}

function timeLabel(ms: number, tr: Translator): string {
  return new Intl.DateTimeFormat(tr.locale, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  }).format(new Date(ms));
}

/** A country's name in the reader's language ("Germany", "Deutschland"), else its code. */
export function countryName(code: string, tr: Translator): string {
  return countryNames(code, tr.locale).name ?? code;
}

/** A topic's label without its emoji: the chart's font has no emoji. */
function topicText(taxonomy: Taxonomy, id: string, tr: Translator): string {
  const def = topicById(taxonomy, id);
  return def ? topicLabel(def, tr.locale) : id;
}

function lineName(line: TrendLine, taxonomy: Taxonomy, tr: Translator): string {
  return line.kind === "topic" ? topicText(taxonomy, line.key, tr) : countryName(line.key, tr);
}

/** The chart's title; also the embed's. */
function titleOf(trend: Trend, taxonomy: Taxonomy, tr: Translator): string {
  const { topic, country } = trend.query;
  const period = tr.t("trends.period", {
    from: dayLabel(trend.firstDay, tr),
    to: dayLabel(trend.lastDay, tr, true),
  });
  if (topic && country) {
    return tr.t("trends.title.topicCountries", {
      topic: topicText(taxonomy, topic, tr),
      period,
    });
  }
  if (topic) return tr.t("trends.title.topic", { topic: topicText(taxonomy, topic, tr), period });
  if (country) return tr.t("trends.title.country", { country: countryName(country, tr), period });
  return tr.t("trends.title.all", { period });
}

/** The day with most stories of a line: "12 on 3 Mar". */
function peakOf(line: TrendLine, trend: Trend, tr: Translator): string | undefined {
  let best = -1;
  let at = 0;
  line.values.forEach((v, i) => {
    if (v !== null && v > best) {
      best = v;
      at = i;
    }
  });
  if (best <= 0) return undefined;
  return tr.t("trends.peak", { count: best, day: dayLabel(trend.firstDay + at, tr) });
}

function notes(trend: Trend, tr: Translator): string[] {
  const out = [
    tr.t("trends.partial", {
      day: dayLabel(trend.lastDay, tr),
      time: timeLabel(trend.asOf, tr),
    }),
  ];
  if (trend.knownFrom !== undefined) {
    out.push(tr.t("trends.knownFrom", { day: dayLabel(trend.knownFrom, tr) }));
  }
  if (trend.rebuilding) out.push(tr.t("trends.rebuilding"));
  return out;
}

export function presentTrend(trend: Trend, taxonomy: Taxonomy, tr: Translator): TrendTexts {
  const title = titleOf(trend, taxonomy, tr);
  const names = trend.lines.map((l) => lineName(l, taxonomy, tr));
  const labels = Array.from({ length: trend.lastDay - trend.firstDay + 1 }, (_, i) =>
    dayLabel(trend.firstDay + i, tr),
  );
  labels[labels.length - 1] += "*";
  const [partial, ...rest] = notes(trend, tr);
  const chart: ChartInput = {
    title,
    footnote: [partial, ...rest].join("   "),
    labels,
    series: trend.lines.map((l, i) => ({
      label: `${names[i]} (${tr.number(l.total)})`,
      values: l.values,
    })),
    partialLast: true,
    xTitle: tr.t("trends.axis.x"),
    yTitle: tr.t("trends.axis.y"),
  };
  const country = trend.query.country;
  // In text, topics and countries wear their emoji and flags (the chart's font has none).
  const lineLines = trend.lines.map((l, i) => {
    const name =
      l.kind === "topic"
        ? topicName(taxonomy, l.key, tr.locale)
        : `${countryLabel(l.key).split(" ")[0]} ${names[i]}`;
    return tr.t("trends.line", { name, count: l.total });
  });
  const rise = trend.rise;
  const riseLine = rise
    ? tr.t("trends.rise", {
        name: rise.kind === "topic" ? topicText(taxonomy, rise.key, tr) : countryName(rise.key, tr),
        before: tr.number(rise.before),
        after: tr.number(rise.after),
      })
    : tr.t("trends.noRise");
  const totalLine = country
    ? tr.t("trends.totalCountry", { count: trend.total, country: countryName(country, tr) })
    : tr.t("trends.total", { count: trend.total });
  const summary = [totalLine, ...lineLines, riseLine, "", ...notes(trend, tr).map((n) => `-# ${n}`)]
    .join("\n")
    .slice(0, 4000);
  const described = trend.lines.map((l, i) => {
    const peak = peakOf(l, trend, tr);
    return (
      tr.t("trends.altLine", { name: names[i] as string, count: l.total }) +
      (peak ? ` (${peak})` : "")
    );
  });
  const alt = tr.t("trends.alt", { title, lines: described.join("; ") }).slice(0, ALT_TEXT_MAX);
  return { title, chart, summary, alt };
}
