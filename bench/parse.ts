import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { parseFeed as rowanmanningParse } from "@rowanmanning/feed-parser";
import FeedParser from "feedparser";
import Parser from "rss-parser";
import { decodeBody } from "../src/feeds/charset.js";
import { normalizeFeed } from "../src/feeds/normalize.js";
import { parseFeed, type XmlReader } from "../src/feeds/parse.js";
import type { FeedSource } from "../src/feeds/types.js";
import { generateFeeds } from "./corpus.js";

/**
 * Parse throughput, the peers side by side in one run, median of 3 rotating passes, on the shared
 * feed corpus (334 real feeds, decoded to text first) and on 400 synthetic news feeds × 20 items
 * (bench/corpus.ts: what a news bot mostly reads):
 *  - ForeignDesk: parseFeed + normalizeFeed, with the fast reader (now) and with xml2js alone
 *    (before);
 *  - bare rss-parser (xml2js), a new Parser per document;
 *  - @rowanmanning/feed-parser (fast-xml-parser), every field read (toJSON);
 *  - feedparser (sax; MonitoRSS's parser), every item read from its stream.
 * Each parser reads every file; what it refuses costs what refusing it costs.
 */

const RUNS = 3;
const NOW = Date.UTC(2026, 0, 1);
const SOURCE: FeedSource = {
  id: "bench",
  name: "bench",
  url: "https://bench.invalid/feed",
  origin: "operator",
};

interface Contender {
  name: string;
  /** Stories or items read from one document; 0 when refused. */
  run: (xml: string) => Promise<number>;
}

function foreignDesk(reader: XmlReader): Contender["run"] {
  return async (xml) => {
    try {
      return normalizeFeed(await parseFeed(xml, 200, reader), SOURCE, NOW).length;
    } catch {
      return 0;
    }
  };
}

async function bareRssParser(xml: string): Promise<number> {
  try {
    return (await new Parser().parseString(xml)).items.length;
  } catch {
    return 0;
  }
}

async function rowanmanning(xml: string): Promise<number> {
  try {
    return rowanmanningParse(xml).toJSON().items.length;
  } catch {
    return 0;
  }
}

function feedparser(xml: string): Promise<number> {
  return new Promise((done) => {
    let items = 0;
    const parser = new FeedParser({});
    parser.on("error", () => {});
    parser.on("readable", () => {
      while (parser.read()) items++;
    });
    parser.on("end", () => done(items));
    Readable.from([xml]).pipe(parser);
  });
}

export const CONTENDERS: Contender[] = [
  { name: "ForeignDesk parse + normalise (fast reader)", run: foreignDesk("fast") },
  { name: "ForeignDesk parse + normalise (xml2js, before)", run: foreignDesk("xml2js") },
  { name: "bare rss-parser (xml2js)", run: bareRssParser },
  { name: "@rowanmanning/feed-parser", run: rowanmanning },
  { name: "feedparser (MonitoRSS)", run: feedparser },
];

async function loadCorpus(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && !/\.(md|txt)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const texts: string[] = [];
  for (const path of files) texts.push(decodeBody(await readFile(path), undefined, 5e6).text);
  return texts;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function table(label: string, texts: string[]): Promise<string[]> {
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const times = CONTENDERS.map(() => [] as number[]);
  const counts = CONTENDERS.map(() => 0);
  // One warm-up pass each, then passes in rotating order so that no parser always runs first.
  for (let pass = -1; pass < RUNS; pass++) {
    for (let k = 0; k < CONTENDERS.length; k++) {
      const i = (k + Math.max(pass, 0)) % CONTENDERS.length;
      const contender = CONTENDERS[i] as Contender;
      let items = 0;
      const t0 = performance.now();
      for (const text of texts) items += await contender.run(text);
      const ms = performance.now() - t0;
      if (pass >= 0) (times[i] as number[]).push(ms);
      counts[i] = items;
    }
  }
  const medians = times.map(median);
  const ours = medians[0] as number;
  const lines = [`${label}: ${texts.length} files, ${(bytes / 1e6).toFixed(1)} MB of text`];
  CONTENDERS.forEach((c, i) => {
    const ms = medians[i] as number;
    lines.push(
      `  ${c.name.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6)} MB/s ${String(counts[i]).padStart(6)} items   ForeignDesk ${(ms / ours).toFixed(2)}× as fast`,
    );
  });
  const peers = medians.slice(2);
  const fastest = Math.min(...peers);
  const name = CONTENDERS[2 + peers.indexOf(fastest)]?.name;
  lines.push(
    `  ForeignDesk (fast reader): throughput ${((medians[1] as number) / ours).toFixed(2)}× its own before, ${(fastest / ours).toFixed(2)}× the fastest peer's (${name})`,
  );
  return lines;
}

export async function benchParse(): Promise<string[]> {
  const dir = resolve(process.env.FEED_CORPUS ?? "../shared/corpus/feeds");
  const lines: string[] = [];
  try {
    lines.push(...(await table(`shared corpus (${dir})`, await loadCorpus(dir))));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    lines.push(`shared corpus: skipped, none at ${dir} (set FEED_CORPUS)`);
  }
  const synthetic = generateFeeds(400, 20, 1).map((f) => f.xml);
  lines.push(...(await table("synthetic news feeds (400 × 20 items)", synthetic)));
  return lines;
}
