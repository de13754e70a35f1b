/**
 * /trends: the time to draw one chart (Chart.js on Skia, 1000 × 500 PNG) with five lines, for
 * 14 and 90 days, median and max over N renders after one warm-up; and the time to read 90 days
 * of counts from SQLite (one getMany), which is all the storage a chart needs.
 */
import { openStorage } from "../src/store/open.js";
import { DAY_MS, DailyCounts, dayOf } from "../src/trends/counts.js";
import { type ChartInput, renderChart } from "../src/trends/render.js";

const RENDERS = 30;
const TARGET_MS = 300;

function input(days: number): ChartInput {
  const labels = Array.from({ length: days }, (_, i) => `Day ${i + 1}`);
  return {
    title: `Stories per day, top topics · last ${days} days (UTC)`,
    footnote: "* today: so far",
    labels,
    series: Array.from({ length: 5 }, (_, s) => ({
      label: `Topic ${s + 1} (${1000 - s * 150})`,
      values: labels.map((_, i) => Math.round(20 + 15 * Math.sin(i / 3 + s) + s * 4)),
    })),
    partialLast: true,
    xTitle: "Day (UTC)",
    yTitle: "Stories",
  };
}

function stats(times: number[]): { median: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 };
}

async function readBench(): Promise<string> {
  const storage = await openStorage("sqlite://:memory:");
  const now = Date.now();
  const counts = new DailyCounts(storage.kv, () => now);
  // 90 days × 2,000 stories, 12 topics, 40 countries: each day's record as large as it gets.
  for (let d = 0; d < 90; d++) {
    const at = now - d * DAY_MS;
    await counts.add(
      Array.from({ length: 2000 }, (_, i) => ({
        id: `s${d}-${i}`,
        feedId: "f",
        feedName: "f",
        title: "",
        text: "",
        publishedAt: new Date(at).toISOString(),
        publishedEstimated: false,
        firstSeenAt: new Date(at).toISOString(),
        categories: [],
        topics: [{ id: `topic${i % 12}`, score: 1, evidence: [] }],
        countries: [`C${i % 40}`, `C${(i * 7) % 40}`],
        language: "en",
        summary: "",
      })),
    );
  }
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await counts.days(dayOf(now) - 89, dayOf(now));
    times.push(performance.now() - t0);
  }
  await storage.close();
  const { median, max } = stats(times);
  return `read 90 days of counts (SQLite, 2,000 stories/day): median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms over 20 reads`;
}

export async function benchTrends(): Promise<string[]> {
  const lines: string[] = [];
  renderChart(input(14)); // warm-up: fonts, Chart.js registration, Skia's first paint
  for (const days of [14, 90]) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RENDERS; i++) {
      const t0 = performance.now();
      bytes = renderChart(input(days)).length;
      times.push(performance.now() - t0);
    }
    const { median, max } = stats(times);
    lines.push(
      `render ${days} days × 5 lines, 1000×500 PNG (${Math.round(bytes / 1024)} KiB): median ${median.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${RENDERS} renders (target < ${TARGET_MS} ms: ${max < TARGET_MS ? "met" : "NOT met"})`,
    );
  }
  lines.push(await readBench());
  return lines;
}
