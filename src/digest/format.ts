import type { APIEmbed } from "discord.js";
import type { Taxonomy } from "../classify/index.js";
import {
  embedLength,
  fitEmbeds,
  LIMITS,
  safeText,
  storyEmbed,
  storyLabels,
  topicName,
} from "../discord/format.js";
import type { Translator } from "../i18n/messages.js";
import type { DigestGroup } from "./digest.js";

export interface DigestMessage {
  content: string;
  embeds: APIEmbed[];
}

export interface DigestMessageOptions {
  topic?: string;
  hours: number;
  /** The reader's language. */
  tr: Translator;
}

const MAX_SUMMARY = 600;
const MIN_SUMMARY = 120;
const MAX_OUTLETS_LISTED = 8;

/**
 * "also reported by: Outlet B, Outlet C and 3 more" for an event's distinct outlets, the shown
 * report's first (outlet names escaped).
 */
export function alsoReportedBy(outlets: readonly string[], tr: Translator): string | undefined {
  const others = outlets.slice(1);
  if (others.length === 0) return undefined;
  const shown = others
    .slice(0, MAX_OUTLETS_LISTED)
    .map((o) => safeText(o, 80, { singleLine: true }));
  const more = others.length - shown.length;
  if (more > 0) shown.push(tr.t("digest.moreOutlets", { count: more }));
  return `*${tr.t("digest.alsoReportedBy", { outlets: tr.list(shown) })}*`;
}

function embedsFor(
  groups: DigestGroup[],
  taxonomy: Taxonomy,
  options: DigestMessageOptions,
  summaryChars: number,
): APIEmbed[] {
  const { topic, tr } = options;
  const labels = storyLabels(tr);
  return groups.map((g) =>
    storyEmbed(g.lead, taxonomy, {
      topic,
      summaryChars,
      extra: alsoReportedBy(g.outlets, tr),
      labels,
      language: tr.locale,
    }),
  );
}

/**
 * The digest as one message: a header line and one embed per event (at most 10), with the
 * summaries shortened evenly until all embeds fit Discord's 6,000-character total — so that
 * the "also reported by" line at the end of each embed is never the part that gets cut.
 */
export function digestMessage(
  groups: DigestGroup[],
  taxonomy: Taxonomy,
  options: DigestMessageOptions,
): DigestMessage {
  const { tr } = options;
  const scope = options.topic
    ? topicName(taxonomy, options.topic, tr.locale)
    : tr.t("digest.allTopics");
  const period = tr.t("digest.period", { count: options.hours });
  if (groups.length === 0) {
    return { content: tr.t("digest.none", { scope, period }), embeds: [] };
  }
  const shown = groups.slice(0, LIMITS.embedsPerMessage);
  let summaryChars = MAX_SUMMARY;
  let embeds = embedsFor(shown, taxonomy, options, summaryChars);
  for (let round = 0; round < 4; round++) {
    const over = embeds.reduce((n, e) => n + embedLength(e), 0) - LIMITS.total;
    if (over <= 0 || summaryChars <= MIN_SUMMARY) break;
    summaryChars = Math.max(MIN_SUMMARY, summaryChars - Math.ceil(over / shown.length) - 8);
    embeds = embedsFor(shown, taxonomy, options, summaryChars);
  }
  const fitted = fitEmbeds(embeds);
  const reports = groups.reduce((n, g) => n + g.stories.length, 0);
  const outlets = new Set(groups.flatMap((g) => g.outlets)).size;
  const lines = [
    tr.t("digest.header", {
      scope,
      period,
      stories: tr.t("digest.stories", { count: groups.length }),
      reports: tr.t("digest.reports", { count: reports }),
      outlets: tr.t("digest.outlets", { count: outlets }),
    }),
  ];
  const hidden = groups.length - fitted.embeds.length;
  if (hidden > 0) lines.push(tr.t("digest.showingTop", { count: fitted.embeds.length }));
  return { content: lines.join(" "), embeds: fitted.embeds };
}
