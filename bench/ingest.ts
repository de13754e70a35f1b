import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import Keyv from "keyv";
import pino from "pino";
import Parser from "rss-parser";
import type { Enricher, TaggedStory } from "../src/enrich/types.js";
import { parseHostAllowList } from "../src/feeds/allow-list.js";
import { Fetcher } from "../src/feeds/fetch.js";
import { feedIdFor, storyIdFor } from "../src/feeds/id.js";
import { isoTime, normalizeFeed, parseDate } from "../src/feeds/normalize.js";
import { parseFeed } from "../src/feeds/parse.js";
import type { FeedSource, ParsedFeed } from "../src/feeds/types.js";
import { canonicalUrl } from "../src/feeds/url.js";
import { unseenStories } from "../src/ingest/dedup.js";
import {
  type AlertSink,
  type CycleReport,
  DEFAULT_POLLER_OPTIONS,
  Poller,
} from "../src/ingest/poll.js";
import { FeedStateStore } from "../src/store/feed-state.js";
import { openStorage } from "../src/store/open.js";
import { StoryStore } from "../src/store/stories.js";
import { htmlToText, toSingleLine } from "../src/text/html.js";
import { CORPUS_EPOCH_MS, type GeneratedFeed, generateFeeds, mulberry32 } from "./corpus.js";
import { nextMessage } from "./worker-message.js";

/**
 * Ingest benchmarks, one run:
 *  a. throughput of the parse → normalise → dedup pipeline against rss-parser alone, on
 *     2,000 synthetic feeds × 20 items, single thread, median of 3 alternating runs;
 *  b. a full poll cycle of 2,000 feeds from a local HTTP server (in a worker thread, so it does not
 *     share the poller's event loop) where 90 % answer 304 and 10 % serve a changed document, with
 *     the real Poller, Fetcher and stores, on SQLite and on an in-memory Keyv.
 */

const FEEDS = 2_000;
const ITEMS = 20;
const SEED = 1;
const RUNS = 3;
const CHANGED_EVERY = 10; // every 10th feed changes between the two cycles: 10 %
const RETENTION_MS = 30 * 86_400_000; // the default RETENTION_DAYS
const NOW = CORPUS_EPOCH_MS + 3_600_000;

/** The stand-in for the classifier: the bench measures ingest, not tagging. */
const trivialEnricher: Enricher = {
  enrich: (story): TaggedStory => ({
    ...story,
    topics: [],
    countries: [],
    language: "en",
    summary: story.text.slice(0, 200),
  }),
};

class CountingSink implements AlertSink {
  stories = 0;
  batches = 0;
  async accept(stories: TaggedStory[]): Promise<void> {
    this.stories += stories.length;
    this.batches += 1;
  }
}

const silentLog = pino({ level: "silent" });

function sourceFor(feed: GeneratedFeed, url = feed.url): FeedSource {
  return { id: feedIdFor(feed.url), name: new URL(feed.url).hostname, url, origin: "guild" };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString("en");
const ms = (n: number) => `${n.toFixed(0)} ms`;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;

// ---------------------------------------------------------------------------------------------
// a. Throughput
// ---------------------------------------------------------------------------------------------

/** rss-parser alone, a new Parser per document as parseFeed does. */
async function runBare(feeds: GeneratedFeed[]): Promise<{ ms: number; items: number }> {
  let items = 0;
  const t0 = performance.now();
  for (const feed of feeds) items += (await new Parser().parseString(feed.xml)).items.length;
  return { ms: performance.now() - t0, items };
}

interface StageTimes {
  parse: number;
  normalize: number;
  dedup: number;
  store: number;
}

interface PipelineRun {
  ms: number;
  stories: number;
  fresh: number;
  stages: StageTimes;
}

/**
 * parseFeed + normalizeFeed + the Poller's dedup (recent-id set, then StoryStore.known: ids and
 * URLs of the rest in one read) + StoryStore.put of the new stories, against a fresh in-memory Keyv:
 * the same calls, in the same order, as Poller.#takeIn, minus network and feed state.
 */
async function runPipeline(
  feeds: GeneratedFeed[],
  sources: FeedSource[],
  options: { keep?: ParsedFeed[]; put?: boolean; kv?: Keyv; perFeedPut?: number[] } = {},
): Promise<PipelineRun> {
  const { keep, put = false, perFeedPut } = options;
  const stories = new StoryStore(options.kv ?? new Keyv(), RETENTION_MS, () => NOW);
  const recentIds = new Map<string, string[]>();
  const stages: StageTimes = { parse: 0, normalize: 0, dedup: 0, store: 0 };
  let total = 0;
  let fresh = 0;
  const t0 = performance.now();
  for (let i = 0; i < feeds.length; i++) {
    const feed = feeds[i] as GeneratedFeed;
    const source = sources[i] as FeedSource;
    const a = performance.now();
    const parsed = await parseFeed(feed.xml, DEFAULT_POLLER_OPTIONS.maxItems);
    const b = performance.now();
    const list = normalizeFeed(parsed, source, NOW);
    const c = performance.now();
    const unseen = await unseenStories(list, recentIds.get(source.id) ?? [], stories);
    const d = performance.now();
    if (put) await stories.put(unseen.map((s) => trivialEnricher.enrich(s)));
    recentIds.set(
      source.id,
      list.map((s) => s.id),
    );
    const e = performance.now();
    stages.parse += b - a;
    stages.normalize += c - b;
    stages.dedup += d - c;
    stages.store += e - d;
    perFeedPut?.push(e - d);
    total += list.length;
    fresh += unseen.length;
    if (keep) keep[i] = parsed;
  }
  return { ms: performance.now() - t0, stories: total, fresh, stages };
}

/** Where normalizeFeed's time goes: its building blocks, each over every item of the corpus. */
function normalizeBreakdown(parsed: ParsedFeed[], sources: FeedSource[]): Array<[string, number]> {
  const items = parsed.flatMap((p, i) =>
    p.items.map((raw) => ({ raw, base: p.link ?? (sources[i] as FeedSource).url })),
  );
  let sink = 0;
  const parts: Array<[string, () => void]> = [
    [
      "htmlToText(body)",
      () => {
        for (const { raw } of items) sink += htmlToText(raw.body ?? "").length;
      },
    ],
    [
      "toSingleLine(title)",
      () => {
        for (const { raw } of items) sink += toSingleLine(raw.title ?? "").length;
      },
    ],
    [
      "canonicalUrl(link)",
      () => {
        for (const { raw, base } of items) sink += canonicalUrl(raw.link, base)?.length ?? 0;
      },
    ],
    [
      "storyIdFor (sha256)",
      () => {
        for (const { raw } of items) sink += storyIdFor("fX", `guid:${raw.guid}`).length;
      },
    ],
    [
      "dates (parseDate + isoTime)",
      () => {
        for (const { raw } of items) sink += isoTime(parseDate(raw.date, NOW) ?? NOW).length;
      },
    ],
    [
      "normalizeFeed (all)",
      () => {
        for (let i = 0; i < parsed.length; i++)
          sink += normalizeFeed(parsed[i] as ParsedFeed, sources[i] as FeedSource, NOW).length;
      },
    ],
  ];
  const result: Array<[string, number]> = [];
  for (const [name, fn] of parts) {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      fn();
      best = Math.min(best, performance.now() - t0);
    }
    result.push([name, best]);
  }
  if (sink < 0) console.log(sink);
  return result;
}

/**
 * An in-memory Keyv store (a Map, as `new Keyv()` uses) that tallies the serialised bytes read and
 * written per key kind (story:, url:, idx:): where StoryStore.put's work goes.
 */
class TallyMap extends Map<string, unknown> {
  readonly written = new Map<string, number>();
  readonly read = new Map<string, number>();
  #kind(key: string): string {
    const m = /^(?:[^:]+:)?(story|url|idx:all|idx:feed|idx:topic|feed)/.exec(key);
    return m?.[1] ?? "other";
  }
  override set(key: string, value: unknown): this {
    const k = this.#kind(key);
    this.written.set(
      k,
      (this.written.get(k) ?? 0) + (typeof value === "string" ? value.length : 0),
    );
    return super.set(key, value);
  }
  override get(key: string): unknown {
    const value = super.get(key);
    const k = this.#kind(key);
    if (typeof value === "string") this.read.set(k, (this.read.get(k) ?? 0) + value.length);
    return value;
  }
}

async function benchThroughput(feeds: GeneratedFeed[], lines: string[]): Promise<void> {
  const sources = feeds.map((f) => sourceFor(f));
  const bytes = feeds.reduce((n, f) => n + Buffer.byteLength(f.xml), 0);
  lines.push(
    `a. throughput: ${fmtInt(FEEDS)} feeds × ${ITEMS} items (${feeds.filter((f) => f.format === "atom").length} Atom), ${(bytes / 1e6).toFixed(1)} MB of XML, one thread, median of ${RUNS} alternating runs`,
  );
  lines.push(
    "   pipeline = parseFeed + normalizeFeed + the Poller's dedup (per-feed recent-id set, then StoryStore.known: ids and URLs in one read), explicit calls on a fresh in-memory Keyv per run (not Poller.pollFeed)",
  );
  lines.push(
    "   StoryStore.put is timed in one separate run (below): it costs more than everything else together",
  );
  // Warm-up on a slice, so the first measured run is not also the JIT's first.
  const warm = feeds.slice(0, 200);
  await runBare(warm);
  await runPipeline(warm, sources.slice(0, 200), { put: true });

  const bare: number[] = [];
  const pipe: PipelineRun[] = [];
  const parsed: ParsedFeed[] = [];
  let items = 0;
  for (let r = 0; r < RUNS; r++) {
    // Alternate which goes first, so neither always runs right after the other's garbage.
    if (r % 2 === 0) {
      const b = await runBare(feeds);
      bare.push(b.ms);
      items = b.items;
      pipe.push(await runPipeline(feeds, sources, { keep: r === 0 ? parsed : undefined }));
    } else {
      pipe.push(await runPipeline(feeds, sources));
      bare.push((await runBare(feeds)).ms);
    }
  }
  const bareMs = median(bare);
  const pipeMs = median(pipe.map((p) => p.ms));
  const stories = pipe[0]?.stories ?? 0;
  const ratio = pipeMs / bareMs;
  lines.push(
    `   bare rss-parser:  ${fmtInt((items / bareMs) * 1000)} stories/s  (${ms(bareMs)}; runs ${bare.map((x) => x.toFixed(0)).join(", ")} ms)`,
  );
  lines.push(
    `   pipeline:         ${fmtInt((stories / pipeMs) * 1000)} stories/s  (${ms(pipeMs)}; runs ${pipe.map((x) => x.ms.toFixed(0)).join(", ")} ms; ${fmtInt(stories)} stories, ${fmtInt(pipe[0]?.fresh ?? 0)} unseen)`,
  );
  lines.push(
    `   ratio pipeline / bare: ${ratio.toFixed(2)}×  (target ≤ 1.30×: ${ratio <= 1.3 ? "met" : "NOT met"})`,
  );
  const stageMedians = (["parse", "normalize", "dedup"] as const).map(
    (k) => [k, median(pipe.map((p) => p.stages[k]))] as const,
  );
  const stageSum = stageMedians.reduce((n, [, v]) => n + v, 0);
  const row = (label: string, v: number, whole: number) =>
    `     ${label.padEnd(44)} ${ms(v).padStart(9)}  ${pct(v, whole).padStart(5)}  ${((v / stories) * 1000).toFixed(1).padStart(6)} µs/story`;
  lines.push("   pipeline stages (median per run):");
  const labels = {
    parse: "parseFeed (rss-parser + mapping)",
    normalize: "normalizeFeed",
    dedup: "dedup (recent set + StoryStore.known)",
  };
  for (const [name, v] of stageMedians) lines.push(row(labels[name], v, stageSum));
  lines.push(
    `     parseFeed − bare rss-parser: ${ms(median(pipe.map((p) => p.stages.parse)) - bareMs)}`,
  );

  const breakdown = normalizeBreakdown(parsed, sources);
  lines.push("   normalizeFeed building blocks (best of 3, over all stories):");
  const normAll = breakdown.at(-1)?.[1] ?? 1;
  for (const [name, v] of breakdown) lines.push(row(name, v, normAll));

  // One run with StoryStore.put, on a store that tallies what is (de)serialised per key kind.
  const tally = new TallyMap();
  const perFeedPut: number[] = [];
  const withPut = await runPipeline(feeds, sources, {
    put: true,
    kv: new Keyv({ store: tally }),
    perFeedPut,
  });
  const putMs = withPut.stages.store;
  const tenth = Math.floor(perFeedPut.length / 10);
  const avg = (xs: number[]) => xs.reduce((n, x) => n + x, 0) / Math.max(1, xs.length);
  lines.push(
    `   + enrich(trivial) + StoryStore.put of all ${fmtInt(withPut.fresh)} stories, one run: ${ms(putMs)} (${((putMs / stories) * 1000).toFixed(0)} µs/story); whole run ${ms(withPut.ms)} = ${fmtInt((stories / withPut.ms) * 1000)} stories/s, ${(withPut.ms / bareMs).toFixed(2)}× bare`,
  );
  lines.push(
    `     put per feed: first 10 % of feeds ${avg(perFeedPut.slice(0, tenth)).toFixed(1)} ms, last 10 % ${avg(perFeedPut.slice(-tenth)).toFixed(1)} ms (flat when an append costs the same however full its bucket)`,
  );
  const mb = (n: number | undefined) => `${((n ?? 0) / 1e6).toFixed(0)} MB`;
  lines.push(
    `     JSON written: story ${mb(tally.written.get("story"))}, url ${mb(tally.written.get("url"))}, idx:feed ${mb(tally.written.get("idx:feed"))}, idx:all ${mb(tally.written.get("idx:all"))}; read: idx:all ${mb(tally.read.get("idx:all"))}, idx:feed ${mb(tally.read.get("idx:feed"))}`,
  );
  // A bucket is a head {sealed, ids} plus sealed chunks `<bucket>#n` (id arrays).
  const bucketKeys = [...tally.keys()].filter((k) => k.includes("idx:all:"));
  const idsIn = (k: string): number => {
    const v = JSON.parse(tally.get(k) as string).value as string[] | { ids: string[] };
    return Array.isArray(v) ? v.length : v.ids.length;
  };
  lines.push(
    `     idx:all hour buckets at the end: ${bucketKeys.filter((k) => !k.includes("#")).length} (${bucketKeys.filter((k) => k.includes("#")).length} sealed chunks), holding ${fmtInt(
      bucketKeys.reduce((n, k) => n + idsIn(k), 0),
    )} ids`,
  );
}

// ---------------------------------------------------------------------------------------------
// b. Poll cycle against a local server
// ---------------------------------------------------------------------------------------------

/** Plain JS, run with eval in a worker: a conditional-GET feed server on 127.0.0.1. */
const SERVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const zlib = require("node:zlib");
const { paths, base, changed } = workerData;
const docs = new Map();
paths.forEach((p, i) => {
  const v0 = { etag: '"v0-' + i + '"', gz: zlib.gzipSync(base[i], { level: 6 }) };
  const alt = changed[i];
  const v1 = alt ? { etag: '"v1-' + i + '"', gz: zlib.gzipSync(alt, { level: 6 }) } : v0;
  docs.set(p, { v0, v1 });
});
let mode = "v0";
const counts = { 200: 0, 304: 0, 404: 0 };
const server = http.createServer((req, res) => {
  const entry = docs.get(req.url);
  if (!entry) { counts[404]++; res.writeHead(404); res.end(); return; }
  const doc = entry[mode];
  if (req.headers["if-none-match"] === doc.etag) {
    counts[304]++;
    res.writeHead(304, { etag: doc.etag });
    res.end();
    return;
  }
  counts[200]++;
  const gzip = /\\bgzip\\b/.test(req.headers["accept-encoding"] || "");
  if (!gzip) throw new Error("expected gzip");
  res.writeHead(200, {
    "content-type": "application/rss+xml; charset=utf-8",
    "content-encoding": "gzip",
    "content-length": doc.gz.length,
    etag: doc.etag,
  });
  res.end(doc.gz);
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ type: "ready", port: server.address().port }));
parentPort.on("message", (msg) => {
  if (msg.type === "mode") { mode = msg.mode; counts[200] = counts[304] = counts[404] = 0; parentPort.postMessage({ type: "ok" }); }
  else if (msg.type === "counts") parentPort.postMessage({ type: "counts", counts: { ...counts } });
  else if (msg.type === "close") { server.closeAllConnections(); server.close(() => parentPort.postMessage({ type: "closed" })); }
});
`;

interface FeedServer {
  port: number;
  setMode(mode: "v0" | "v1"): Promise<void>;
  counts(): Promise<Record<"200" | "304" | "404", number>>;
  close(): Promise<void>;
}

async function startServer(
  paths: string[],
  base: string[],
  changed: Array<string | null>,
): Promise<FeedServer> {
  const worker = new Worker(SERVER_SOURCE, {
    eval: true,
    workerData: { paths, base, changed },
  });
  const next = <T>(type: string): Promise<T> => nextMessage<T>(worker, type);
  const { port } = await next<{ port: number }>("ready");
  return {
    port,
    async setMode(mode) {
      const done = next("ok");
      worker.postMessage({ type: "mode", mode });
      await done;
    },
    async counts() {
      const done = next<{ counts: Record<"200" | "304" | "404", number> }>("counts");
      worker.postMessage({ type: "counts" });
      return (await done).counts;
    },
    async close() {
      const done = next("closed");
      worker.postMessage({ type: "close" });
      await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}

function summarizeCycle(report: CycleReport): string {
  const by = new Map<string, number>();
  for (const o of report.outcomes) by.set(o.status, (by.get(o.status) ?? 0) + 1);
  const stored = report.outcomes.reduce((n, o) => n + o.stored, 0);
  const statuses = [...by].map(([k, v]) => `${k} ${v}`).join(", ");
  const firstError = report.outcomes.find((o) => o.error)?.error;
  return `due ${report.due}; ${statuses}; stored ${fmtInt(stored)}${firstError ? `; first error: ${firstError}` : ""}`;
}

interface CycleResult {
  primeMs: number;
  primeSummary: string;
  primeCounts: Record<string, number>;
  cycleMs: number;
  summary: string;
  counts: Record<string, number>;
  alerts: number;
}

async function pollTwice(
  label: string,
  kv: Keyv,
  server: FeedServer,
  sources: FeedSource[],
): Promise<CycleResult> {
  const clock = { now: NOW };
  const fetcher = new Fetcher({
    timeoutMs: 20_000,
    connectTimeoutMs: 5_000,
    maxBytes: 5_000_000,
    maxRedirects: 5,
    userAgent: "ForeignDesk-bench",
    // The local server's port stands in for 443: a real outlet would be on a standard port.
    policy: { allow: parseHostAllowList("127.0.0.1"), ports: new Set([server.port]) },
    // Every outlet's host name resolves to the local server, so the per-host limit applies as
    // it would to 32 real sites.
    resolver: (_host, _options, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]),
  });
  const states = new FeedStateStore(kv);
  const sink = new CountingSink();
  const poller = new Poller(
    {
      fetcher,
      stories: new StoryStore(kv, RETENTION_MS, () => clock.now),
      states,
      enricher: trivialEnricher,
      sink,
      log: silentLog,
      now: () => clock.now,
      random: mulberry32(11),
    },
    DEFAULT_POLLER_OPTIONS,
  );
  try {
    await server.setMode("v0");
    let t0 = performance.now();
    const prime = await poller.runCycle(sources);
    const primeMs = performance.now() - t0;
    const primeCounts = await server.counts();
    if (prime.due !== sources.length) throw new Error(`${label}: prime cycle polled ${prime.due}`);

    await server.setMode("v1");
    const known = await states.getMany(sources.map((s) => s.id));
    clock.now = Math.max(...[...known.values()].map((s) => s.nextDueAt)) + 1;
    sink.stories = 0;
    t0 = performance.now();
    const report = await poller.runCycle(sources);
    const cycleMs = performance.now() - t0;
    return {
      primeMs,
      primeSummary: summarizeCycle(prime),
      primeCounts,
      cycleMs,
      summary: summarizeCycle(report),
      counts: await server.counts(),
      alerts: sink.stories,
    };
  } finally {
    await fetcher.close();
  }
}

async function benchPollCycle(feeds: GeneratedFeed[], lines: string[]): Promise<void> {
  const t0 = performance.now();
  const edition1 = generateFeeds(FEEDS, ITEMS, SEED, { edition: 1 });
  const paths = feeds.map((f) => new URL(f.url).pathname);
  const changed = edition1.map((f, i) => (i % CHANGED_EVERY === 0 ? f.xml : null));
  const server = await startServer(
    paths,
    feeds.map((f) => f.xml),
    changed,
  );
  const setupMs = performance.now() - t0;
  const sources = feeds.map((f) => {
    const url = new URL(f.url);
    return sourceFor(f, `http://${url.hostname}:${server.port}${url.pathname}`);
  });
  const hosts = new Set(sources.map((s) => new URL(s.url).host)).size;
  const nChanged = changed.filter(Boolean).length;
  lines.push(
    `b. poll cycle: ${fmtInt(FEEDS)} feeds on ${hosts} host names → one node:http server on 127.0.0.1 (worker thread, gzip, ETag); ${nChanged} feeds (${pct(nChanged, FEEDS)}) change between cycles, 5 of 20 items new`,
  );
  lines.push(
    `   real Poller + Fetcher (undici) + StoryStore/FeedStateStore, trivial enricher, counting sink; concurrency ${DEFAULT_POLLER_OPTIONS.concurrency}, ${DEFAULT_POLLER_OPTIONS.perHost} per host; server setup ${ms(setupMs)}`,
  );
  const dir = await mkdtemp(join(tmpdir(), "fd-bench-"));
  try {
    const storage = await openStorage(`sqlite://${join(dir, "bench.sqlite")}`);
    let sqlite: CycleResult;
    try {
      sqlite = await pollTwice("sqlite", storage.kv, server, sources);
    } finally {
      await storage.close();
    }
    const memory = await pollTwice("memory", new Keyv(), server, sources);
    for (const [name, r] of [
      ["SQLite (WAL, file in tmp)", sqlite],
      ["in-memory Keyv", memory],
    ] as const) {
      lines.push(`   ${name}:`);
      lines.push(
        `     cycle 1 (prime, all 200): ${ms(r.primeMs)}; server saw 200×${r.primeCounts[200]}, 304×${r.primeCounts[304]}; ${r.primeSummary}`,
      );
      lines.push(
        `     cycle 2: ${ms(r.cycleMs)}  (target < 10 s: ${r.cycleMs < 10_000 ? "met" : "NOT met"}); server saw 304×${r.counts[304]}, 200×${r.counts[200]}, 404×${r.counts[404]}; ${r.summary}; sink got ${fmtInt(r.alerts)}`,
      );
    }
    lines.push(
      `   storage share of cycle 2: SQLite ${ms(sqlite.cycleMs)} − memory ${ms(memory.cycleMs)} = ${ms(sqlite.cycleMs - memory.cycleMs)} (${pct(Math.max(0, sqlite.cycleMs - memory.cycleMs), sqlite.cycleMs)})`,
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchIngest(): Promise<string[]> {
  const lines: string[] = [];
  const t0 = performance.now();
  const feeds = generateFeeds(FEEDS, ITEMS, SEED);
  lines.push(
    `corpus: generateFeeds(${FEEDS}, ${ITEMS}, seed ${SEED}) in ${ms(performance.now() - t0)}`,
  );
  await benchThroughput(feeds, lines);
  // Part a's figures stand on their own: a failure in part b is reported beside them.
  try {
    await benchPollCycle(feeds, lines);
  } catch (error) {
    lines.push(`b. poll cycle FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
  lines.push(`ingest bench total: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void benchIngest().then((lines) => {
    for (const line of lines) console.log(line);
  });
}
