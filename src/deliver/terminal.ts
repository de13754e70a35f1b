import type { TaggedStory } from "../enrich/types.js";
import type { FeedSource } from "../feeds/types.js";
import type { AlertSink } from "../ingest/poll.js";

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
      const terms = t.evidence.slice(0, 4).map((e) => e.term);
      return `${t.id} ${t.score.toFixed(2)}${terms.length ? ` (${terms.join(", ")})` : ""}`;
    });
    lines.push(`Topics: ${tags.join(" · ")}`);
  } else {
    lines.push("Topics: none");
  }
  if (story.countries.length > 0) lines.push(`Countries: ${story.countries.join(", ")}`);
  if (story.summary) lines.push("", story.summary);
  return lines.join("\n");
}

/** The sink for running without Discord: alerts go to the terminal, oldest first. */
export class TerminalSink implements AlertSink {
  printed = 0;

  constructor(private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  async accept(stories: TaggedStory[], _feed: FeedSource): Promise<void> {
    const ordered = [...stories].sort(
      (a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt),
    );
    for (const story of ordered) {
      this.write(`${formatAlert(story)}\n`);
      this.printed++;
    }
  }
}
