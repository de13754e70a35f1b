/**
 * The sample /trends chart of `docs/trends.png`: realistic made-up counts (a fixed seed, a fixed
 * afternoon, no storage, no network) drawn through the same DailyCounts, trendOf, presentTrend
 * and renderChart as the command; only the stories are invented. A test renders it and compares
 * it with the committed file, so the picture in the README is what the code draws.
 */
import Keyv from "keyv";
import { loadTaxonomy } from "../classify/index.js";
import type { TaggedStory } from "../enrich/types.js";
import { loadMessages } from "../i18n/messages.js";
import { DAY_MS, DailyCounts, KEEP_MS, MAX_DAYS } from "./counts.js";
import { presentTrend } from "./present.js";
import { renderChart } from "./render.js";
import { trendOf } from "./trend.js";

/** Stories per day per topic: a base level, and a story that breaks `spike` days ago. */
const PROFILE: Array<{ topic: string; base: number; spike?: number; countries: string[] }> = [
  { topic: "russia-ukraine", base: 34, countries: ["UA", "RU", "US", "DE"] },
  { topic: "middle-east", base: 22, spike: 9, countries: ["IL", "PS", "IR", "LB"] },
  { topic: "trade-sanctions", base: 14, spike: 4, countries: ["CN", "US", "DE"] },
  { topic: "climate", base: 12, countries: ["BR", "DE", "IN"] },
  { topic: "migration", base: 9, countries: ["DE", "IT", "GB"] },
  { topic: "energy", base: 6, countries: ["DE", "NO"] },
];

/** A small deterministic generator (mulberry32), so the sample is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function storiesFor(now: number, days: number): TaggedStory[] {
  const rnd = random(13);
  const stories: TaggedStory[] = [];
  const hoursToday = (now % DAY_MS) / 3_600_000;
  for (let ago = days - 1; ago >= 0; ago--) {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS - ago * DAY_MS;
    for (const p of PROFILE) {
      const weekend = new Date(dayStart).getUTCDay() % 6 === 0 ? 0.6 : 1;
      const spike = p.spike !== undefined && ago <= p.spike ? 1 + (p.spike - ago) * 0.35 : 1;
      let n = Math.round(p.base * weekend * spike * (0.8 + rnd() * 0.4));
      if (ago === 0) n = Math.round((n * hoursToday) / 24);
      for (let i = 0; i < n; i++) {
        const id = `${p.topic}-${ago}-${i}`;
        stories.push({
          id,
          feedId: "sample",
          feedName: "Sample",
          title: id,
          text: "",
          publishedAt: new Date(
            dayStart + ((i * 7919) % (ago === 0 ? 1 : 24)) * 3_600_000,
          ).toISOString(),
          publishedEstimated: false,
          firstSeenAt: new Date(dayStart).toISOString(),
          categories: [],
          topics: [{ id: p.topic, score: 0.7, evidence: [] }],
          countries: p.countries.filter(() => rnd() < 0.5),
          language: "en",
          summary: "",
        });
      }
    }
  }
  return stories;
}

export interface SampleOptions {
  days?: number;
  locale?: string;
  topic?: string;
  country?: string;
}

/** The sample chart: its PNG, and the embed text and alt text the command would send with it. */
export async function sampleChart(
  options: SampleOptions = {},
): Promise<{ png: Buffer; summary: string; alt: string }> {
  const days = Math.min(MAX_DAYS, Math.max(1, options.days ?? 30));
  // A fixed afternoon, so the sample does not change with the day it is made.
  const now = Date.UTC(2026, 2, 14, 15, 40);
  const counts = new DailyCounts(new Keyv(), () => now);
  await counts.add(storiesFor(now, days));
  // Nothing was stored before the counts here: the back-fill only marks them complete.
  await counts.backfill({ idsPublished: async () => [], getMany: async () => [] }, KEEP_MS);
  const trend = await trendOf(
    counts,
    {
      days,
      ...(options.topic ? { topic: options.topic } : {}),
      ...(options.country ? { country: options.country } : {}),
    },
    now,
  );
  const tr = loadMessages().for(options.locale ?? "en");
  const texts = presentTrend(trend, loadTaxonomy(), tr);
  return { png: renderChart(texts.chart), summary: texts.summary, alt: texts.alt };
}
