/**
 * The /trends answer: the trend read from the daily counts, drawn, and put in an embed whose
 * image is the attached PNG, with the chart's figures in text for those who cannot see it.
 */
import type { APIEmbed } from "discord.js";
import type { BotContext } from "../discord/context.js";
import { topicName } from "../discord/story-card.js";
import type { Translator } from "../i18n/messages.js";
import { isoDay } from "./counts.js";
import { countryName, presentTrend } from "./present.js";
import { renderChart } from "./render.js";
import { type Trend, type TrendQuery, trendOf } from "./trend.js";

export const CHART_FILE = "trends.png";
const EMBED_COLOUR = 0x56b4e9;

export interface TrendFile {
  attachment: Buffer;
  name: string;
  description: string;
}

export interface Answer {
  content?: string;
  embeds?: APIEmbed[];
  files?: TrendFile[];
  /** Only the user may see it (nothing to chart is of no use to a channel). */
  private?: boolean;
}

function emptyAnswer(trend: Trend, ctx: BotContext, tr: Translator): Answer {
  const { topic, country } = trend.query;
  const period = tr.t("trends.period", { from: isoDay(trend.firstDay), to: isoDay(trend.lastDay) });
  const scope = [
    ...(topic ? [topicName(ctx.taxonomy, topic, tr.locale)] : []),
    ...(country ? [countryName(country, tr)] : []),
  ].join(" · ");
  const content = scope
    ? tr.t("trends.emptyFor", { scope, period })
    : tr.t("trends.empty", { period });
  return { content, private: true };
}

/** What /trends answers for a query, as of `ctx.now()`. */
export async function trendAnswer(
  ctx: BotContext,
  tr: Translator,
  query: TrendQuery,
): Promise<Answer> {
  const trend = await trendOf(ctx.trends, query, ctx.now());
  // A chart of nothing tells less than a sentence: an empty period is said, not drawn.
  if (trend.total === 0 || trend.lines.length === 0) return emptyAnswer(trend, ctx, tr);
  const texts = presentTrend(trend, ctx.taxonomy, tr);
  const started = performance.now();
  const png = renderChart(texts.chart);
  ctx.log.debug(
    { ms: Math.round(performance.now() - started), bytes: png.length, lines: trend.lines.length },
    "trend chart drawn",
  );
  return {
    embeds: [
      {
        title: texts.title,
        description: texts.summary,
        color: EMBED_COLOUR,
        image: { url: `attachment://${CHART_FILE}` },
      },
    ],
    files: [{ attachment: png, name: CHART_FILE, description: texts.alt }],
  };
}
