/**
 * "More like this" (src/search/similar.ts) over a full in-memory index: what one press costs
 * the first time (every candidate's words folded) and after (words cached per index entry).
 * Synthetic stories where every story shares a topic or a country with every other: the worst
 * case for the candidate filter. `node --import tsx bench/similar.ts`
 */
import { pathToFileURL } from "node:url";
import type { IndexedStory } from "../src/search/index.js";
import { similarStories } from "../src/search/similar.js";

const TOPICS = ["climate", "energy", "china", "trade-sanctions", "migration", "middle-east"];
const COUNTRIES = ["DE", "FR", "US", "CN", "RU", "UA", "IR", "BR", "IN", "GB"];
const WORDS = (
  "government minister talks summit sanctions oil gas border refugees election army missile " +
  "trade tariff deal climate emissions agreement court protest president parliament"
).split(" ");

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
const text = (i: number, n: number, step: number) =>
  Array.from({ length: n }, (_, k) => pick(WORDS, i * 7 + k * step)).join(" ");

function stories(n: number): IndexedStory[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `s${i}`,
    title: text(i, 10, 3),
    feedId: "f",
    feedName: "Wire",
    publishedAt: new Date(1.7e12 + i * 1000).toISOString(),
    summary: text(i, 40, 5),
    language: "en",
    topics: [
      { id: pick(TOPICS, i), score: 0.5 },
      { id: pick(TOPICS, i + 3), score: 0.4 },
    ],
    countries: [pick(COUNTRIES, i), pick(COUNTRIES, i + 4)],
    ...(i % 3 === 0 ? { cluster: `c${Math.floor(i / 3)}` } : {}),
  }));
}

export async function benchSimilar(): Promise<string[]> {
  const lines: string[] = [];
  for (const n of [20_000, 100_000]) {
    const all = stories(n);
    const source = (k: number) => ({ ...(all[k] as IndexedStory), id: `probe${k}` });
    let t0 = performance.now();
    similarStories(source(5), all, 5);
    const first = performance.now() - t0;
    t0 = performance.now();
    for (let k = 1; k <= 5; k++) similarStories(source(k * 17), all, 5);
    const later = (performance.now() - t0) / 5;
    lines.push(
      `${n.toLocaleString("en")} indexed stories: first press ${first.toFixed(0)} ms, later presses ${later.toFixed(0)} ms each`,
    );
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const line of await benchSimilar()) console.log(line);
}
