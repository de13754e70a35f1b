import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { gzipSync } from "node:zlib";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pino from "pino";
import { loadFeedsFile } from "../src/config/feeds.js";
import type { Enricher, TaggedStory } from "../src/enrich/types.js";
import { parseHostAllowList } from "../src/feeds/allow-list.js";
import { Fetcher } from "../src/feeds/fetch.js";
import type { FeedSource } from "../src/feeds/types.js";
import { DEFAULT_POLLER_OPTIONS, Poller } from "../src/ingest/poll.js";
import { DEFAULT_DUE_POLICY } from "../src/schedule/due.js";
import { FeedStateStore } from "../src/store/feed-state.js";
import { openStorage } from "../src/store/open.js";
import { StoryStore } from "../src/store/stories.js";
import { FETCH_QUEUE } from "../src/work/queue-work.js";
import { BotProcess, TEST_TOKEN, until } from "../test/helpers/bot-process.js";
import { deleteKeys } from "../test/helpers/redis-keys.js";
import { generateFeeds } from "./corpus.js";
import { nextMessage } from "./worker-message.js";

/**
 * One poll cycle of 10,000 feeds by a fleet of 1, 2 and 3 `ROLE=worker` processes on the shared
 * Redis, against one in-process (`ROLE=all` without a token: terminal mode, SQLite) cycle of the
 * same feeds. All from a loopback feed server (a worker thread of this process) that records the
 * first request to each feed. Each run is a steady-state cycle: every feed was polled before
 * (primed once per store by this process's Poller with a stand-in enricher), one feed in ten
 * serves a new edition (a quarter of its items new: 200 + parse + tag), the rest answer 304.
 *
 * How a fleet run is timed: the fetch queue is paused, the N processes start and each one's
 * start-up tick queues the due feeds (job ids dedupe), then the queue is resumed. The cycle is
 * the first to the last feed's first fetch (the feed server's clock); "done" is when the queue
 * has no job waiting or running. Each process's RSS is read from /proc/<pid>/status (VmRSS now,
 * VmHWM its peak) at the end, before it is stopped. The schedule ticks once a year, so no cron
 * tick re-queues a feed mid-run; every feed must be fetched exactly once.
 *
 * Sizes: FLEET_BENCH_FEEDS (10,000), FLEET_BENCH_ITEMS (10 items per feed).
 */

const FEEDS = Number(process.env.FLEET_BENCH_FEEDS ?? 10_000);
const ITEMS = Number(process.env.FLEET_BENCH_ITEMS ?? 10);
const SEED = 5;
const CHANGED_EVERY = 10;
const REDIS = "redis://127.0.0.1:6379";
/** Never fires during a run: the start-up tick of each process is the one tick measured. */
const SCHEDULE = "0 0 1 1 *";
/**
 * One loopback host carries every feed, so the per-host limit would be the whole fleet's limit:
 * raised to the per-process concurrency (the default 2 is for politeness to real outlets).
 */
const FETCH_CONCURRENCY = 16;
const FETCH_PER_HOST = 16;
const FLEET_SIZES = [1, 2, 3];
const START_TIMEOUT_MS = 120_000;
const CYCLE_TIMEOUT_MS = 600_000;
/** A run in which no new feed is fetched for this long has stalled. */
const STALL_MS = 60_000;

/** Plain JS, run with eval in a worker: feed i at /f/<i>.xml, ETag per edition, 304 on a match. */
const SERVER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const { base, editions, changedEvery } = workerData;
const feeds = base.length;
let edition = 0;
let first = new Float64Array(feeds);
let count = new Uint32Array(feeds);
const status = { 200: 0, 304: 0, 404: 0 };
const server = http.createServer((req, res) => {
  const m = /^\\/f\\/(\\d+)\\.xml$/.exec(req.url || "");
  const i = m ? Number(m[1]) : -1;
  if (!(i >= 0 && i < feeds)) { status[404]++; res.writeHead(404); res.end(); return; }
  if (count[i]++ === 0) first[i] = Date.now();
  const changed = edition > 0 && i % changedEvery === 0;
  const gz = changed ? editions[edition - 1][i / changedEvery] : base[i];
  const etag = '"e' + (changed ? edition : 0) + '-' + i + '"';
  if (req.headers["if-none-match"] === etag) {
    status[304]++;
    res.writeHead(304, { etag });
    res.end();
    return;
  }
  status[200]++;
  res.writeHead(200, {
    "content-type": "application/rss+xml; charset=utf-8",
    "content-encoding": "gzip",
    "content-length": gz.length,
    etag,
  });
  res.end(gz);
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ type: "ready", port: server.address().port }));
parentPort.on("message", (msg) => {
  if (msg.type === "edition") {
    edition = msg.edition;
    first = new Float64Array(feeds);
    count = new Uint32Array(feeds);
    status[200] = status[304] = status[404] = 0;
    parentPort.postMessage({ type: "ok" });
  } else if (msg.type === "stats") {
    parentPort.postMessage({ type: "stats", first, count, status: { ...status } });
  } else if (msg.type === "close") {
    server.closeAllConnections();
    server.close(() => parentPort.postMessage({ type: "closed" }));
  }
});
`;

interface ServerStats {
  first: Float64Array;
  count: Uint32Array;
  status: Record<"200" | "304" | "404", number>;
}

interface FeedServer {
  port: number;
  setEdition(edition: number): Promise<void>;
  stats(): Promise<ServerStats>;
  close(): Promise<void>;
}

async function startServer(base: Buffer[], editions: Buffer[][]): Promise<FeedServer> {
  const worker = new Worker(SERVER_SOURCE, {
    eval: true,
    workerData: { base, editions, changedEvery: CHANGED_EVERY },
  });
  const next = <T>(type: string): Promise<T> => nextMessage<T>(worker, type);
  const { port } = await next<{ port: number }>("ready");
  return {
    port,
    async setEdition(edition) {
      const ok = next("ok");
      worker.postMessage({ type: "edition", edition });
      await ok;
    },
    async stats() {
      const answer = next<ServerStats>("stats");
      worker.postMessage({ type: "stats" });
      return answer;
    },
    async close() {
      const closed = next("closed");
      worker.postMessage({ type: "close" });
      await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
      await worker.terminate();
    },
  };
}

/** The stand-in for the classifier while priming: priming stores backlogs, it is not measured. */
const untagged: Enricher = {
  enrich: (story): TaggedStory => ({
    ...story,
    topics: [],
    countries: [],
    language: "en",
    summary: story.text.slice(0, 200),
  }),
};

/** Every feed's first poll (its backlog stored, its validators kept), on one store. */
async function prime(url: string, namespace: string, feeds: FeedSource[]): Promise<number> {
  const storage = await openStorage(url, { namespace, log: pino({ level: "silent" }) });
  const fetcher = new Fetcher({
    timeoutMs: 20_000,
    connectTimeoutMs: 5_000,
    maxBytes: 5_000_000,
    maxRedirects: 5,
    userAgent: "ForeignDesk-bench",
    policy: { allow: parseHostAllowList("127.0.0.1") },
  });
  const t0 = performance.now();
  try {
    const poller = new Poller(
      {
        fetcher,
        stories: new StoryStore(storage.kv, 30 * 86_400_000),
        states: new FeedStateStore(storage.kv),
        enricher: untagged,
        sink: { accept: async () => {} },
        log: pino({ level: "silent" }),
      },
      {
        ...DEFAULT_POLLER_OPTIONS,
        concurrency: FETCH_CONCURRENCY,
        perHost: FETCH_PER_HOST,
        // What FEED_MIN_INTERVAL_SEC=1 gives the processes: due again a second later.
        due: { ...DEFAULT_DUE_POLICY, minIntervalMs: 1000 },
      },
    );
    const report = await poller.runCycle(feeds);
    const bad = report.outcomes.filter((o) => o.status !== "new");
    if (bad.length > 0)
      throw new Error(
        `priming: ${bad.length} feeds not taken in (${bad[0]?.error ?? bad[0]?.status})`,
      );
  } finally {
    await fetcher.close();
    await storage.close();
  }
  return performance.now() - t0;
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

interface RunResult {
  label: string;
  processes: number;
  spanMs: number;
  doneMs: number;
  fetched: number;
  doubled: number;
  status: ServerStats["status"];
  memory: Array<{ rss: number; peak: number }>;
  /** Fetch jobs each process ran (fleet runs only). */
  jobs?: number[];
}

function fetchSpan(stats: ServerStats): {
  from: number;
  to: number;
  fetched: number;
  doubled: number;
} {
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  let fetched = 0;
  let doubled = 0;
  for (let i = 0; i < stats.first.length; i++) {
    const at = stats.first[i] as number;
    const n = stats.count[i] as number;
    if (n === 0) continue;
    fetched++;
    if (n > 1) doubled++;
    from = Math.min(from, at);
    to = Math.max(to, at);
  }
  return { from, to, fetched, doubled };
}

/** Waits for every feed's first fetch; fails when none comes for STALL_MS, or a process exits. */
async function allFetched(server: FeedServer, bots: BotProcess[]): Promise<ServerStats> {
  let seen = 0;
  let progressAt = Date.now();
  for (;;) {
    const stats = await server.stats();
    const { fetched } = fetchSpan(stats);
    if (fetched >= FEEDS) return stats;
    if (fetched > seen) {
      seen = fetched;
      progressAt = Date.now();
    }
    for (const bot of bots)
      if (bot.child?.exitCode !== null)
        throw new Error(`a process exited mid-run:\n${bot.output.slice(-3000)}`);
    if (Date.now() - progressAt > STALL_MS)
      throw new Error(
        `only ${fetched} of ${FEEDS} feeds fetched, none for ${STALL_MS / 1000} s:\n${bots[0]?.output.slice(-2000)}`,
      );
    await sleep(100);
  }
}

function baseEnv(feedsFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    FEEDS_FILE: feedsFile,
    ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
    POLL_SCHEDULE: SCHEDULE,
    CYCLE_DEADLINE_SEC: "86400",
    FEED_MIN_INTERVAL_SEC: "1",
    FETCH_CONCURRENCY: String(FETCH_CONCURRENCY),
    FETCH_PER_HOST: String(FETCH_PER_HOST),
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
  };
}

/** One process, no queue: terminal mode on SQLite, whose start-up cycle is the one timed. */
async function runInProcess(server: FeedServer, feedsFile: string, db: string): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...baseEnv(feedsFile), STORAGE_URL: `sqlite://${db}` };
  delete env.DISCORD_TOKEN;
  delete env.ROLE;
  const bot = new BotProcess(env);
  const t0 = Date.now();
  bot.start();
  try {
    const stats = await allFetched(server, [bot]);
    // The cycle's report line comes once every feed's poll has ended.
    await until(
      "the cycle's report",
      () => / feeds were due; /.test(bot.output),
      CYCLE_TIMEOUT_MS,
      bot,
    );
    const doneAt = Date.now();
    const memory = [await memoryOf(bot.child?.pid as number)];
    const span = fetchSpan(stats);
    void t0;
    return {
      label: "in-process, SQLite",
      processes: 1,
      spanMs: span.to - span.from,
      doneMs: doneAt - span.from,
      fetched: span.fetched,
      doubled: span.doubled,
      status: stats.status,
      memory,
    };
  } finally {
    await bot.kill("SIGTERM");
  }
}

async function runFleet(
  server: FeedServer,
  feedsFile: string,
  namespace: string,
  size: number,
): Promise<RunResult> {
  const prefix = `${namespace}-q`;
  const queue = new Queue(FETCH_QUEUE, { connection: { url: REDIS }, prefix });
  await queue.pause();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(feedsFile),
    ROLE: "worker",
    DISCORD_TOKEN: TEST_TOKEN,
    // No channel is subscribed, so nothing is posted; nothing listens there.
    DISCORD_API_URL: "http://127.0.0.1:9/api",
    STORAGE_URL: REDIS,
    STORAGE_NAMESPACE: namespace,
  };
  const bots = Array.from({ length: size }, () => new BotProcess(env));
  try {
    for (const bot of bots) bot.start();
    for (const bot of bots) {
      await until(
        "a worker's start-up tick",
        () => bot.output.includes("poll tick: due feeds queued"),
        START_TIMEOUT_MS,
        bot,
      );
    }
    // A paused queue holds its jobs in "wait" (BullMQ 6).
    const waiting = (await queue.getJobCounts("wait")).wait ?? 0;
    if (waiting !== FEEDS) throw new Error(`${waiting} fetch jobs queued, expected ${FEEDS}`);
    const resumedAt = Date.now();
    await queue.resume();
    const stats = await allFetched(server, bots);
    for (;;) {
      const left = await queue.getJobCounts("wait", "active", "delayed", "prioritized");
      if (Object.values(left).every((n) => n === 0)) break;
      await sleep(50);
    }
    const doneAt = Date.now();
    const memory = await Promise.all(bots.map((b) => memoryOf(b.child?.pid as number)));
    const done = await queue.getCompleted(0, FEEDS * 2);
    const jobs = bots.map(
      (b) =>
        done.filter(
          (j) =>
            (j.finishedOn ?? 0) >= resumedAt &&
            j.processedBy?.split(":").at(-1) === String(b.child?.pid),
        ).length,
    );
    const span = fetchSpan(stats);
    return {
      label: `fleet, ${size} worker${size > 1 ? "s" : ""}`,
      processes: size,
      spanMs: span.to - span.from,
      doneMs: doneAt - span.from,
      fetched: span.fetched,
      doubled: span.doubled,
      status: stats.status,
      memory,
      jobs,
    };
  } finally {
    await Promise.all(bots.map((b) => b.kill("SIGTERM")));
    await queue.close();
  }
}

async function dropNamespace(namespace: string): Promise<number> {
  const redis = new Redis(REDIS);
  let dropped = 0;
  try {
    dropped = await deleteKeys(redis, [`${namespace}:*`, `${namespace}-q:*`]);
  } finally {
    await redis.quit();
  }
  return dropped;
}

/**
 * A generated document as served: gzipped, without its `<ttl>` (15 or 30 min), which would keep a
 * feed from being due again for the next run; FEED_MIN_INTERVAL_SEC=1 decides instead.
 */
function served(xml: string): Buffer {
  return gzipSync(xml.replace(/<ttl>\d+<\/ttl>/, ""));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => n.toFixed(0);

export async function benchFleet(): Promise<string[]> {
  const lines: string[] = [];
  const t0 = performance.now();
  const base = generateFeeds(FEEDS, ITEMS, SEED).map((f) => served(f.xml));
  const editions = FLEET_SIZES.map((_, k) =>
    generateFeeds(FEEDS, ITEMS, SEED, { edition: k + 1 })
      .filter((_, i) => i % CHANGED_EVERY === 0)
      .map((f) => served(f.xml)),
  );
  const server = await startServer(base, editions);
  const dir = await mkdtemp(join(tmpdir(), "fd-fleet-bench-"));
  const namespace = `fdbench-fleet-${process.pid}`;
  try {
    const feedsFile = join(dir, "feeds.json");
    await writeFile(
      feedsFile,
      JSON.stringify(
        Array.from({ length: FEEDS }, (_, i) => ({
          name: `Wire ${i}`,
          url: `http://127.0.0.1:${server.port}/f/${i}.xml`,
          language: "en",
        })),
      ),
    );
    const feeds = await loadFeedsFile(feedsFile);
    const db = join(dir, "inprocess.db");
    const primeSqlite = await prime(`sqlite://${db}`, "fd", feeds);
    const primeRedis = await prime(REDIS, namespace, feeds);
    const zipped = base.reduce((n, b) => n + b.length, 0);
    lines.push(
      `${FEEDS.toLocaleString("en")} feeds × ${ITEMS} items on one loopback host (${(zipped / 1e6).toFixed(1)} MB gzipped); each run: 1 in ${CHANGED_EVERY} feeds serves a new edition (${Math.max(1, Math.floor(ITEMS / 4))} new items: 200, parse, tag, store), the rest answer 304`,
      `FETCH_CONCURRENCY=${FETCH_CONCURRENCY} per process, FETCH_PER_HOST=${FETCH_PER_HOST} (fleet-wide; every feed is on one host); WORKERS default (${process.env.WORKERS ?? "cores − 1"}); set-up ${((performance.now() - t0) / 1000).toFixed(1)} s (priming every feed's first poll: SQLite ${(primeSqlite / 1000).toFixed(1)} s, Redis ${(primeRedis / 1000).toFixed(1)} s)`,
    );
    const results: RunResult[] = [];
    await server.setEdition(1);
    results.push(await runInProcess(server, feedsFile, db));
    for (const [k, size] of FLEET_SIZES.entries()) {
      await server.setEdition(k + 1);
      results.push(await runFleet(server, feedsFile, namespace, size));
    }
    const baseline = results[0]?.spanMs ?? 1;
    lines.push(
      "",
      `  ${"run".padEnd(20)} ${"cycle".padStart(8)} ${"done".padStart(8)} ${"feeds/s".padStart(8)} ${"vs 1 proc".padStart(9)}  ${"200/304".padEnd(11)} RSS now/peak per process (MB)  fetch jobs per process`,
    );
    for (const r of results) {
      const memory = r.memory.map((m) => `${mb(m.rss)}/${mb(m.peak)}`).join(", ");
      const speedup = baseline / r.spanMs;
      lines.push(
        `  ${r.label.padEnd(20)} ${`${(r.spanMs / 1000).toFixed(2)} s`.padStart(8)} ${`${(r.doneMs / 1000).toFixed(2)} s`.padStart(8)} ${Math.round(
          (FEEDS * 1000) / r.spanMs,
        )
          .toLocaleString("en")
          .padStart(
            8,
          )} ${`${speedup.toFixed(2)}×`.padStart(9)}  ${`${r.status[200]}/${r.status[304]}`.padEnd(11)} ${memory.padEnd(30)} ${r.jobs?.join(", ") ?? "—"}`,
      );
      if (r.fetched !== FEEDS || r.doubled > 0)
        lines.push(`    ! ${r.fetched} of ${FEEDS} feeds fetched, ${r.doubled} more than once`);
    }
    lines.push(
      "",
      "  cycle: first to last feed's first fetch (feed server's clock); done: to the last poll's end (fleet: the queue empty; in-process: its cycle report); every feed fetched exactly once in each run",
    );
  } finally {
    await server.close();
    const dropped = await dropNamespace(namespace);
    lines.push(`  (Redis namespace ${namespace}: ${dropped} keys removed)`);
    await rm(dir, { recursive: true, force: true });
  }
  return lines;
}
