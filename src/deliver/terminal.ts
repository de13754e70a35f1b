import { evidenceLine } from "../discord/evidence.js";
import type { TaggedStory } from "../enrich/types.js";
import { type FeedWords, problemText } from "../feeds/errors.js";
import type { FeedSource } from "../feeds/types.js";
import type { AlertSink, CycleReport } from "../ingest/poll.js";

const RULE = "─".repeat(72);

function formatTime(iso: string, estimated: boolean): string {
  const text = iso.replace("T", " ").replace(/:\d\d\.\d{3}Z$/, " UTC");
  return estimated ? `${text} (first seen)` : text;
}

/** One alert as a reader sees it in a terminal. */
export function formatAlert(story: TaggedStory): string {
  const lines = [
    RULE,
    `${story.feedName} · ${formatTime(story.publishedAt, story.publishedEstimated)}`,
    story.title,
  ];
  if (story.url) lines.push(story.url);
  if (story.topics.length > 0) {
    const tags = story.topics.map((t) => {
      const terms = evidenceLine(t.evidence, { limit: 4 });
      return `${t.id} ${t.score.toFixed(2)}${terms ? ` (${terms})` : ""}`;
    });
    lines.push(`Topics: ${tags.join(" · ")}`);
  } else {
    lines.push("Topics: none");
  }
  if (story.countries.length > 0) lines.push(`Countries: ${story.countries.join(", ")}`);
  if (story.summary) lines.push("", story.summary);
  return lines.join("\n");
}

/** A later report of an event already printed, naming the alert it belongs to. */
export function formatAlsoReported(story: TaggedStory, alerted: string): string {
  const link = story.url ? ` <${story.url}>` : "";
  return `  ↳ also reported by ${story.feedName}, the same event as “${alerted}”: ${story.title}${link}`;
}

/**
 * The sink for running without Discord: a terminal has no subscriptions, so every story with at
 * least one topic is its alert, printed oldest first; a later report of an event printed before
 * is one "also reported by" line. Untagged stories are stored for /search and digests but not
 * printed; they are counted so that the poll's summary line can say so.
 */
export class TerminalSink implements AlertSink {
  printed = 0;
  untagged = 0;
  /** Later reports of events already printed. */
  folded = 0;
  /** Events printed in this run, with their alert's title (a terminal run has nothing to persist). */
  readonly #events = new Map<string, string>();

  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  async accept(stories: TaggedStory[], _feed: FeedSource): Promise<void> {
    const ordered = [...stories].sort(
      (a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt),
    );
    for (const story of ordered) {
      if (story.topics.length === 0) {
        this.untagged++;
        continue;
      }
      const event = story.cluster ?? story.id;
      const alerted = this.#events.get(event);
      if (alerted !== undefined) {
        this.write(`${formatAlsoReported(story, alerted)}\n`);
        this.folded++;
        continue;
      }
      this.#events.set(event, story.title);
      this.write(`${formatAlert(story)}\n`);
      this.printed++;
    }
  }
}

/** What one poll cycle printed, counted by the sink. */
export interface PrintedCounts {
  printed: number;
  untagged: number;
  /** Later reports printed as "also reported by" lines. */
  folded?: number;
}

function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/**
 * One line per poll event for the terminal: the cycle, and each feed that failed (by name, with
 * the plain reason and the technical detail: the reader is the operator). `english` renders the
 * reason from the catalogue (the operator reads English; one copy of the sentences).
 */
export function formatPollReport(
  report: CycleReport,
  counts: PrintedCounts,
  english: FeedWords,
): string[] {
  const at = clock(report.finishedAt);
  if (report.skipped) return [`(${at}: storage is unavailable; this poll was skipped)`];
  const stored = report.outcomes.reduce((n, o) => n + o.stored, 0);
  const folded = counts.folded ?? 0;
  const silent = Math.max(0, stored - counts.printed - counts.untagged - folded);
  const parts = [`${counts.printed} printed`];
  if (folded > 0) parts.push(`${folded} folded under earlier alerts`);
  if (counts.untagged > 0) parts.push(`${counts.untagged} untagged stored without printing`);
  if (silent > 0) parts.push(`${silent} from new feeds' backlogs stored without printing`);
  const what = stored === 0 ? "nothing new" : `${stored} new stories: ${parts.join(", ")}`;
  const lines = [`(${at}: ${report.due} of ${report.feeds} feeds were due; ${what})`];
  for (const o of report.outcomes) {
    if (o.status !== "failed" && o.status !== "error") continue;
    const plain = problemText(english, o.reason);
    lines.push(`(${at}: feed "${o.feedName}" failed: ${plain} [${o.error ?? "no detail"}])`);
  }
  return lines;
}
