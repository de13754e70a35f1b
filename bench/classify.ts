import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Classifier,
  createClassifier,
  loadClassifier,
  loadTaxonomy,
} from "../src/classify/index.js";
import { tokenize } from "../src/classify/tokenize.js";
import { decodeBody } from "../src/feeds/charset.js";
import { normalizeFeed } from "../src/feeds/normalize.js";
import { parseFeed } from "../src/feeds/parse.js";
import type { FeedSource } from "../src/feeds/types.js";
import { summarize } from "../src/summarize/index.js";
import { summaryInputFor } from "../src/summarize/input.js";
import { CORPUS_EPOCH_MS, mulberry32 } from "./corpus.js";

/**
 * Classifier throughput on synthetic stories, next to the cost of tokenising the same texts:
 * the ratio shows how much the lexicon matching and scoring add on top of one tokenisation pass.
 * Deterministic (seeded PRNG), single thread.
 */

const TOPIC_SENTENCES: readonly string[] = [
  "Rights groups said the detained activists had been tortured and denied access to lawyers.",
  "Delegates at the climate summit argued over emissions targets and the 1.5-degree limit.",
  "The Kremlin said Russian forces had advanced near Pokrovsk as Kyiv asked for more air defence.",
  "Beijing warned Taipei against provocations as Chinese warships patrolled the Taiwan Strait.",
  "Israeli strikes in Gaza continued while mediators in Doha pushed for a ceasefire with Hamas.",
  "Brussels prepared new tariffs and export controls in response to what it called economic coercion.",
  "NATO allies pledged to raise defence spending and to expand production of artillery ammunition.",
  "The number of asylum seekers crossing the Mediterranean rose, according to the UN refugee agency.",
  "The UN Security Council failed to adopt a resolution after a veto by one of its permanent members.",
  "Opposition parties accused the government of electoral fraud after the presidential election.",
  "Aid agencies warned of famine as humanitarian convoys were blocked at the border crossing.",
  "Gas prices climbed after a pipeline outage, raising fears about energy security in Europe.",
  "Die Bundesregierung kündigte neue Sanktionen an und forderte einen Waffenstillstand in der Ukraine.",
  "Le gouvernement français a appelé à protéger les réfugiés et à renforcer l'aide humanitaire.",
];

const FILLER: readonly string[] = [
  "Officials declined to comment further on the matter.",
  "The meeting lasted several hours and ended without a joint statement.",
  "Analysts said the outcome would depend on negotiations in the coming weeks.",
  "The ministry published a short summary of the talks on its website.",
  "Local media reported that the delegation would return next month.",
  "Several questions remained open, according to people familiar with the discussions.",
  "The spokesperson said further details would be released in due course.",
  "Markets reacted calmly to the news, with most indices little changed.",
  "The report was based on interviews with more than forty officials.",
  "Correspondents in the capital described the mood as cautious.",
];

export interface Story {
  title: string;
  text: string;
}

export function generateStories(n: number, seed = 42): Story[] {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const stories: Story[] = [];
  for (let i = 0; i < n; i++) {
    const target = 1000 + Math.floor(rand() * 1000);
    const parts: string[] = [];
    let len = 0;
    while (len < target) {
      const s = rand() < 0.35 ? pick(TOPIC_SENTENCES) : pick(FILLER);
      parts.push(s);
      len += s.length + 1;
    }
    const title = pick(TOPIC_SENTENCES).split(" ").slice(0, 8).join(" ");
    stories.push({ title, text: parts.join(" ") });
  }
  return stories;
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Stories per second of `fn` over `stories`, best of `rounds` after one warm-up pass. */
function throughput(stories: readonly Story[], fn: (s: Story) => number, rounds = 3): number {
  let sink = 0;
  const run = () => {
    for (const s of stories) sink += fn(s);
  };
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) best = Math.min(best, time(run));
  if (sink < 0) console.log(sink);
  return (stories.length / best) * 1000;
}

const FEED_CORPUS = fileURLToPath(new URL("../../shared/corpus/feeds", import.meta.url));

/** Every story of the shared feed corpus (real feeds from parser test suites), as the bot reads them. */
export async function feedCorpusStories(): Promise<Story[]> {
  if (!existsSync(FEED_CORPUS)) return [];
  const source: FeedSource = {
    id: "bench",
    name: "bench",
    url: "https://corpus.invalid/",
    origin: "operator",
  };
  const out: Story[] = [];
  for (const e of await readdir(FEED_CORPUS, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || /\.(md|txt)$/i.test(e.name)) continue;
    try {
      const { text } = decodeBody(await readFile(join(e.parentPath, e.name)), undefined, 5_000_000);
      for (const s of normalizeFeed(await parseFeed(text), source, CORPUS_EPOCH_MS)) {
        out.push({ title: s.title, text: s.text });
      }
    } catch {
      // Refused feeds are the conformance suite's business, not this bench's.
    }
  }
  return out;
}

export async function benchClassify(): Promise<string[]> {
  const N = 5_000;
  const stories = generateStories(N);
  const avgChars = Math.round(stories.reduce((n, s) => n + s.title.length + s.text.length, 0) / N);
  const taxonomy = loadTaxonomy();
  let t0 = performance.now();
  const lexicon = createClassifier(taxonomy);
  const buildMs = performance.now() - t0;
  const rssBefore = process.memoryUsage().rss;
  t0 = performance.now();
  const learned = loadClassifier(taxonomy);
  const loadMs = performance.now() - t0;
  const rssGrowth = (process.memoryUsage().rss - rssBefore) / 2 ** 20;

  const tokenizeRate = throughput(stories, (s) => tokenize(s.title, s.text).words.length);
  const lexiconRate = throughput(stories, (s) => lexicon.classify(s).topics.length);
  const learnedRate = throughput(stories, (s) => learned.classify(s).topics.length);
  const withSummary = (c: Classifier) => (s: Story) => {
    const r = c.classify(s);
    const input = summaryInputFor({ ...s, language: r.language, topics: r.topics }, 500);
    return summarize(input).length;
  };
  const rate = (x: number) =>
    `${Math.round(x).toLocaleString("en")} stories/s (${(1e6 / x).toFixed(1)} µs/story)`;
  const lexiconSumRate = throughput(stories, withSummary(lexicon));
  const learnedSumRate = throughput(stories, withSummary(learned));
  const real = await feedCorpusStories();
  const realLines: string[] = [];
  if (real.length > 0) {
    const realChars = Math.round(
      real.reduce((n, s) => n + s.title.length + s.text.length, 0) / real.length,
    );
    const lex = throughput(real, withSummary(lexicon));
    const lrn = throughput(real, withSummary(learned));
    realLines.push(
      `  real feed stories (shared corpus: ${real.length} stories, avg ${realChars} chars):`,
      `    classify + summarise, lexicon: ${rate(lex)}`,
      `    classify + summarise, learned: ${rate(lrn)}  (target ≥ 2,000)`,
    );
  }
  const big = "Ukraine and Russia exchanged prisoners as talks continued. ".repeat(17_000);
  const bigMs = time(() => {
    learned.classify({ title: "Big", text: big });
  });
  return [
    `classify bench: ${N} synthetic stories, avg ${avgChars} chars, one core, best of 3`,
    `  lexicon compile: ${buildMs.toFixed(1)} ms; learned classifier load (lexicon + gazetteer + model): ${loadMs.toFixed(0)} ms, RSS +${rssGrowth.toFixed(0)} MB`,
    `  tokenize only:                 ${rate(tokenizeRate)}`,
    `  classify, lexicon only:        ${rate(lexiconRate)}`,
    `  classify, learned:             ${rate(learnedRate)}  (${(lexiconRate / learnedRate).toFixed(2)}× the lexicon's time)`,
    `  classify + summarise, lexicon: ${rate(lexiconSumRate)}`,
    `  classify + summarise, learned: ${rate(learnedSumRate)}  (target ≥ 2,000)`,
    ...realLines,
    `  one ${(big.length / 1e6).toFixed(2)} MB text, learned: ${bigMs.toFixed(1)} ms`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchClassify().then((lines) => {
    for (const line of lines) console.log(line);
  });
}
