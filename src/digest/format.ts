import type { APIEmbed } from "discord.js";
import type { Taxonomy } from "../classify/index.js";
import {
  embedLength,
  fitEmbeds,
  LIMITS,
  safeText,
  storyEmbed,
  topicName,
} from "../discord/format.js";
import type { DigestGroup } from "./digest.js";

export interface DigestMessage {
  content: string;
  embeds: APIEmbed[];
}

export interface DigestMessageOptions {
  topic?: string;
  hours: number;
}

const MAX_SUMMARY = 600;
const MIN_SUMMARY = 120;
const MAX_OUTLETS_LISTED = 8;

/** "also reported by: Outlet A, Outlet B and 3 more" (outlet names escaped). */
export function alsoReportedBy(group: DigestGroup): string | undefined {
  const others = group.outlets.slice(1);
  if (others.length === 0) return undefined;
  const shown = others.slice(0, MAX_OUTLETS_LISTED).map((o) => safeText(o, 80, true));
  const more = others.length - shown.length;
  return `*also reported by: ${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}*`;
}

function embedsFor(
  groups: DigestGroup[],
  taxonomy: Taxonomy,
  topic: string | undefined,
  summaryChars: number,
): APIEmbed[] {
  return groups.map((g) =>
    storyEmbed(g.lead, taxonomy, { topic, summaryChars, extra: alsoReportedBy(g) }),
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
  const scope = options.topic ? topicName(taxonomy, options.topic) : "all topics";
  const period = options.hours === 1 ? "the last hour" : `the last ${options.hours} hours`;
  if (groups.length === 0) {
    return { content: `No stories on ${scope} in ${period}.`, embeds: [] };
  }
  const shown = groups.slice(0, LIMITS.embedsPerMessage);
  let summaryChars = MAX_SUMMARY;
  let embeds = embedsFor(shown, taxonomy, options.topic, summaryChars);
  for (let round = 0; round < 4; round++) {
    const over = embeds.reduce((n, e) => n + embedLength(e), 0) - LIMITS.embedsTotal;
    if (over <= 0 || summaryChars <= MIN_SUMMARY) break;
    summaryChars = Math.max(MIN_SUMMARY, summaryChars - Math.ceil(over / shown.length) - 8);
    embeds = embedsFor(shown, taxonomy, options.topic, summaryChars);
  }
  const fitted = fitEmbeds(embeds);
  const reports = groups.reduce((n, g) => n + g.stories.length, 0);
  const outlets = new Set(groups.flatMap((g) => g.outlets)).size;
  const lines = [
    `**Digest — ${scope}, ${period}**: ${groups.length} ${groups.length === 1 ? "story" : "stories"} from ${reports} ${reports === 1 ? "report" : "reports"} by ${outlets} ${outlets === 1 ? "outlet" : "outlets"}.`,
  ];
  const hidden = groups.length - fitted.embeds.length;
  if (hidden > 0) lines.push(`Showing the top ${fitted.embeds.length}.`);
  return { content: lines.join(" "), embeds: fitted.embeds };
}
