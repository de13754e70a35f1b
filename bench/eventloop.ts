import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadClassifier, loadTaxonomy } from "../src/classify/index.js";
import { createEnricher } from "../src/enrich/enricher.js";
import { decodeBody } from "../src/feeds/charset.js";
import { parseFeed } from "../src/feeds/parse.js";
import type { FeedSource } from "../src/feeds/types.js";
import {
  type FeedProcessor,
  InProcessProcessor,
  PooledProcessor,
} from "../src/ingest/processor.js";
import { summarize } from "../src/summarize/index.js";

/**
 * How long the main thread stalls while one huge feed (100,000 items, 5 MB+) is parsed,
 * normalised and its first 200 stories tagged: monitorEventLoopDelay samples the main thread
 * every 10 ms meanwhile. It starts from the body's bytes, as the poller does. Worker pool
 * (WORKERS=1, warmed up) given the bytes (transferred, decoded in the worker), the pool given text
 * decoded on the main thread (as before), and the main thread (WORKERS=0) with the fast reader and
 * with xml2js (the reader before). Target: max < 50 ms with the pool.
 */

const ITEMS = 100_000;
const CONTENT_TYPE = "application/rss+xml; charset=utf-8";
const MAX_BYTES = 50_000_000;
const NOW = Date.UTC(2025, 10, 28, 12);
const FEED: FeedSource = {
  id: "huge",
  name: "huge",
  url: "https://huge.example/feed",
  origin: "guild",
};

export function hugeFeed(items = ITEMS): string {
  const parts = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>'];
  for (let i = 0; i < items; i++) {
    const date = new Date(NOW - i * 60_000).toUTCString().slice(5);
    parts.push(
      `<item><title>Report ${i}</title><link>https://h.example/${i}</link><pubDate>${date}</pubDate></item>`,
    );
  }
  parts.push("</channel></rss>");
  return parts.join("\n");
}

const READ_SIZE = 64 * 1024;

/** The body in parts of a socket read's size, each copied in a turn of its own. */
async function readInParts(bytes: Buffer): Promise<Buffer[]> {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += READ_SIZE) {
    parts.push(Buffer.from(bytes.subarray(at, at + READ_SIZE)));
    await new Promise((done) => setImmediate(done));
  }
  return parts;
}

/** How a contender is handed the fetched body: as its bytes, or as text decoded here first. */
type Handover = "bytes" | "text";

async function stall(
  processor: FeedProcessor,
  bytes: Buffer,
  handover: Handover,
): Promise<{ p99: number; max: number; ms: number; stories: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // Let the sampler tick first: it measures between two of its ticks, so a stall that begins
  // before its first tick would go unseen.
  await new Promise((done) => setTimeout(done, 50));
  const t0 = performance.now();
  // Read as a fetch reads it: 64 KiB parts, each a new allocation, one per turn of the loop (a
  // socket read each); the pool takes their memory away, so every run reads afresh.
  const parts = await readInParts(bytes);
  const doc =
    handover === "bytes"
      ? { body: parts, contentType: CONTENT_TYPE, maxBytes: MAX_BYTES }
      : { text: decodeBody(Buffer.concat(parts), CONTENT_TYPE, MAX_BYTES).text };
  const parsed = await processor.parse({ ...doc, feed: FEED, now: NOW, maxItems: 200 });
  const tagged = await processor.tag(parsed.stories);
  const ms = performance.now() - t0;
  // One more turn of the loop, so that a stall at the very end is sampled too.
  await new Promise((done) => setTimeout(done, 20));
  histogram.disable();
  return {
    p99: histogram.percentile(99) / 1e6,
    max: histogram.max / 1e6,
    ms,
    stories: tagged.length,
  };
}

export async function benchEventLoop(): Promise<string[]> {
  const bytes = Buffer.from(hugeFeed());
  const small = Buffer.from(hugeFeed(2_000));
  const lines = [
    `feed: ${ITEMS.toLocaleString("en")} items, ${(bytes.length / 1e6).toFixed(1)} MB, read inside the window as a fetch reads it (64 KiB parts, one per turn); decode + parse + normalise + tag the newest 200; event-loop delay of the main thread (10 ms resolution)`,
  ];
  const enricher = createEnricher({
    classifier: loadClassifier(loadTaxonomy()),
    summarize,
    summaryBudget: 500,
  });
  const pool = new PooledProcessor({ threads: 1, summaryBudget: 500, signatures: true });
  const contenders: Array<[string, FeedProcessor, Handover]> = [
    ["worker pool (WORKERS=1), bytes transferred", pool, "bytes"],
    ["worker pool, text decoded here (before)", pool, "text"],
    ["main thread, fast reader (WORKERS=0)", new InProcessProcessor(enricher), "bytes"],
    [
      "main thread, xml2js (before)",
      new InProcessProcessor(enricher, (t, max) => parseFeed(t, max, "xml2js")),
      "bytes",
    ],
  ];
  try {
    // Warm-up: worker start, module loading, the classifier loaded, JIT.
    for (const [, processor, handover] of contenders) await stall(processor, small, handover);
    for (const [name, processor, handover] of contenders) {
      const r = await stall(processor, bytes, handover);
      lines.push(
        `  ${name.padEnd(44)} event-loop delay p99 ${r.p99.toFixed(1).padStart(7)} ms, max ${r.max.toFixed(1).padStart(7)} ms; work took ${r.ms.toFixed(0)} ms (${r.stories} stories)`,
      );
    }
  } finally {
    await pool.close();
  }
  return lines;
}
