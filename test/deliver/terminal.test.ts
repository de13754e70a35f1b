/** Terminal mode's output: only stories with a topic are printed, and one line per poll event. */
import { describe, expect, it } from "vitest";
import { formatPollReport, TerminalSink } from "../../src/deliver/terminal.js";
import { loadMessages } from "../../src/i18n/messages.js";
import type { CycleReport } from "../../src/ingest/poll.js";
import { FEED, story, tag } from "./fixtures.js";

describe("TerminalSink", () => {
  it("prints stories with at least one topic, oldest first, and counts the untagged ones", async () => {
    const out: string[] = [];
    const sink = new TerminalSink((t) => out.push(t));
    await sink.accept(
      [
        story(1, {
          title: "Later, tagged",
          publishedAt: "2026-11-30T12:00:00.000Z",
          topics: [tag("climate", 0.8)],
        }),
        story(2, { title: "Untagged local news", topics: [] }),
        story(3, {
          title: "Earlier, tagged",
          publishedAt: "2026-11-30T10:00:00.000Z",
          topics: [tag("china", 0.7)],
        }),
      ],
      FEED,
    );
    expect(out.map((t) => t.split("\n")[2])).toEqual(["Earlier, tagged", "Later, tagged"]);
    expect(out.join("")).not.toContain("Untagged local news");
    expect(sink).toMatchObject({ printed: 2, untagged: 1 });
  });

  it("prints a later report of a printed event as one 'also reported by' line", async () => {
    const out: string[] = [];
    const sink = new TerminalSink((t) => out.push(t));
    await sink.accept([story(1, { title: "G7 agrees loan", cluster: "s0001" })], FEED);
    await sink.accept(
      [
        story(2, { title: "G7 backs $50bn loan", feedName: "Courier", cluster: "s0001" }),
        story(3, { title: "Drone strike on Odesa", cluster: "s0003" }),
      ],
      FEED,
    );
    expect(out[1]).toBe(
      "  ↳ also reported by Courier, the same event as “G7 agrees loan”: G7 backs $50bn loan <https://example.org/news/2>\n",
    );
    expect(out[2]?.split("\n")[2]).toBe("Drone strike on Odesa");
    expect(sink).toMatchObject({ printed: 2, folded: 1 });
    const report = { feeds: 1, due: 1, startedAt: 0, finishedAt: 0 };
    const outcomes = [
      { feedId: "f1", feedName: "Wire", status: "new" as const, stored: 3, alerted: 3 },
    ];
    expect(
      formatPollReport(
        { ...report, outcomes },
        { printed: 2, untagged: 0, folded: 1 },
        loadMessages().for("en"),
      )[0],
    ).toBe(
      "(00:00:00 UTC: 1 of 1 feeds were due; 3 new stories: 2 printed, 1 folded under earlier alerts)",
    );
  });
});

describe("formatPollReport", () => {
  const english = loadMessages().for("en");
  const base: CycleReport = {
    feeds: 4,
    due: 3,
    outcomes: [],
    startedAt: 0,
    finishedAt: Date.UTC(2026, 10, 30, 9, 5, 7),
  };

  it("says a quiet cycle in one line", () => {
    expect(formatPollReport(base, { printed: 0, untagged: 0 }, english)).toEqual([
      "(09:05:07 UTC: 3 of 4 feeds were due; nothing new)",
    ]);
  });

  it("counts printed, untagged and silently stored backlog stories, and names failed feeds", () => {
    const report: CycleReport = {
      ...base,
      outcomes: [
        { feedId: "fA", feedName: "Alpha", status: "new", stored: 10, alerted: 7 },
        { feedId: "fB", feedName: "Beta", status: "new", stored: 20, alerted: 0 },
        {
          feedId: "fs7NgKcesXd7",
          feedName: "Reuters World",
          status: "failed",
          stored: 0,
          alerted: 0,
          error: "HTTP 503",
          reason: "server-error",
        },
      ],
    };
    expect(formatPollReport(report, { printed: 5, untagged: 2 }, english)).toEqual([
      "(09:05:07 UTC: 3 of 4 feeds were due; 30 new stories: 5 printed, 2 untagged stored without printing, 23 from new feeds' backlogs stored without printing)",
      '(09:05:07 UTC: feed "Reuters World" failed: The server at that address had an error of its own; try again later. [HTTP 503])',
    ]);
  });
});
