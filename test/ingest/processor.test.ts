import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import Keyv from "keyv";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFeeds } from "../../bench/corpus.js";
import { loadClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { signatureOf } from "../../src/cluster/signature.js";
import { tagStory } from "../../src/enrich/enricher.js";
import { decodeBody } from "../../src/feeds/charset.js";
import { FeedParseError } from "../../src/feeds/parse.js";
import type { FeedSource } from "../../src/feeds/types.js";
import { DEFAULT_POLLER_OPTIONS, Poller } from "../../src/ingest/poll.js";
import {
  type FeedProcessor,
  InProcessProcessor,
  PooledProcessor,
} from "../../src/ingest/processor.js";
import { FeedStateStore } from "../../src/store/feed-state.js";
import { StoryStore } from "../../src/store/stories.js";
import { summarize } from "../../src/summarize/index.js";
import { localFetcher, RecordingSink, testEnricher } from "./harness.js";

const NOW = Date.UTC(2025, 10, 28, 13);
const CORPUS = resolve(process.env.FEED_CORPUS ?? "../shared/corpus/feeds");
const source = (id: string, url = "https://example.org/feed"): FeedSource => ({
  id,
  name: id,
  url,
  origin: "operator",
});

/** Real feeds when the shared corpus is beside the project, generated ones always. */
async function sampleDocuments(): Promise<string[]> {
  const docs = generateFeeds(6, 12, 7).map((f) => f.xml);
  try {
    const dir = join(CORPUS, "rss-parser");
    const names = (await readdir(dir)).sort().filter((_, i) => i % 4 === 0);
    for (const name of names.slice(0, 20))
      docs.push(decodeBody(await readFile(join(dir, name)), undefined, 5e6).text);
  } catch {
    // No corpus: the generated feeds alone.
  }
  docs.push("<html><body>not a feed</body></html>", "<rss><channel><title>x", "");
  return docs;
}

describe("FeedProcessor in a worker pool", () => {
  let pool: PooledProcessor;
  beforeAll(() => {
    pool = new PooledProcessor({ threads: 2, summaryBudget: 500, signatures: true });
  });
  afterAll(async () => {
    await pool.close();
  });

  it("parses and tags exactly as the main thread does", async () => {
    const classifier = loadClassifier(loadTaxonomy());
    const deps = { classifier, summarize, summaryBudget: 500 };
    const local = new InProcessProcessor(testEnricher);
    let stories = 0;
    let refused = 0;
    for (const [i, text] of (await sampleDocuments()).entries()) {
      const task = { text, feed: source(`f${i}`), now: NOW, maxItems: 200 };
      const here = await local.parse(task).catch((e: unknown) => e);
      const there = await pool.parse(task).catch((e: unknown) => e);
      if (here instanceof FeedParseError) {
        refused++;
        expect(there).toBeInstanceOf(FeedParseError);
        expect((there as FeedParseError).reason).toBe(here.reason);
        expect((there as FeedParseError).message).toBe(here.message);
        continue;
      }
      expect(there).toEqual(here);
      const parsed = here as Awaited<ReturnType<InProcessProcessor["parse"]>>;
      stories += parsed.stories.length;
      const tagged = await pool.tag(parsed.stories);
      expect(tagged).toEqual(
        parsed.stories.map((s) => {
          const { story, analysis } = tagStory(deps, s);
          return analysis ? { story, signature: signatureOf(analysis) } : { story };
        }),
      );
    }
    expect(stories).toBeGreaterThan(50);
    expect(refused).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it("takes a body as bytes: decoded in the worker as on the main thread, a large one's memory moved, a small pooled one copied", async () => {
    const local = new InProcessProcessor(testEnricher);
    const feed = source("bytes");
    // Windows-1252 named only by the header, and a body that is gzip without saying so.
    const cp1252 = Buffer.from(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>Caf\xe9</title><item><title>R\xe9sum\xe9 \x96 d\xe9j\xe0 vu</title><link>https://example.org/a</link></item></channel></rss>',
      "latin1",
    );
    const contentType = "application/rss+xml; charset=windows-1252";
    const [big] = generateFeeds(1, 40, 5).map((f) => f.xml);
    const cases: Array<{ body: Buffer; contentType?: string }> = [
      { body: cp1252, contentType },
      { body: gzipSync(Buffer.from(big as string)) },
      { body: Buffer.from(big as string) },
    ];
    for (const { body, contentType: type } of cases) {
      const text = decodeBody(body, type, 5e6).text;
      const here = await local.parse({ text, feed, now: NOW, maxItems: 200 });
      const there = await pool.parse({
        body: Buffer.from(body),
        contentType: type,
        maxBytes: 5e6,
        feed,
        now: NOW,
        maxItems: 200,
      });
      expect(there).toEqual(here);
    }
    expect(
      (await pool.parse({ body: cp1252, contentType, maxBytes: 5e6, feed, now: NOW, maxItems: 9 }))
        .stories[0]?.title,
    ).toBe("Résumé – déjà vu");
    // A large Buffer owns its ArrayBuffer: it is transferred, and the caller's view is emptied.
    const large = Buffer.from(big as string);
    expect(large.byteLength).toBeGreaterThan(8192);
    await pool.parse({ body: large, maxBytes: 5e6, feed, now: NOW, maxItems: 200 });
    expect(large.byteLength).toBe(0);
    // A body in the parts it was read in (as the fetcher gives it), gzip nobody declared among
    // them: each part is transferred, joined and decoded in the worker, parsed as the whole text.
    for (const whole of [Buffer.from(big as string), gzipSync(Buffer.from(big as string))]) {
      const third = Math.ceil(whole.length / 3);
      const parts = [0, 1, 2].map(
        (i) => new Uint8Array(whole.subarray(i * third, (i + 1) * third)),
      );
      expect(parts.every((p) => p.byteLength === p.buffer.byteLength)).toBe(true);
      const text = decodeBody(whole, undefined, 5e6).text;
      const here = await local.parse({ text, feed, now: NOW, maxItems: 200 });
      const there = await pool.parse({ body: parts, maxBytes: 5e6, feed, now: NOW, maxItems: 200 });
      expect(there).toEqual(here);
      expect(parts.map((p) => p.byteLength)).toEqual([0, 0, 0]);
    }
    // A small one is a slice of Node's shared pool: copied, so it and its neighbours stay whole.
    const small = Buffer.from(cp1252.toString("latin1"), "latin1");
    const neighbour = Buffer.from("neighbour");
    expect(small.buffer).toBe(neighbour.buffer);
    await pool.parse({ body: small, contentType, maxBytes: 5e6, feed, now: NOW, maxItems: 200 });
    expect(small.equals(cp1252)).toBe(true);
    expect(neighbour.toString()).toBe("neighbour");
  }, 60_000);

  it("rejects a task that throws or kills its worker, and keeps serving", async () => {
    await expect(pool.fault("throw")).rejects.toThrow("fault injected");
    await expect(pool.fault("exit")).rejects.toThrow();
    const [xml] = generateFeeds(1, 5, 3).map((f) => f.xml);
    const after = await pool.parse({
      text: xml as string,
      feed: source("a"),
      now: NOW,
      maxItems: 200,
    });
    expect(after.stories).toHaveLength(5);
    expect(pool.threads).toBe(2);
  }, 60_000);
});

describe("Poller with a worker pool", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fd-pool-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("turns a worker that dies on one feed into that feed's failure; the others are polled", async () => {
    const feeds: FeedSource[] = [];
    for (const [i, feed] of generateFeeds(3, 4, 11).entries()) {
      const path = join(dir, `feed${i}.xml`);
      await writeFile(path, feed.xml);
      feeds.push(source(`feed${i}`, pathToFileURL(path).href));
    }
    const pool = new PooledProcessor({ threads: 1, summaryBudget: 500, signatures: false });
    // The second feed's parse ends its worker, as a native crash or an out-of-memory would.
    const processor: FeedProcessor = {
      parse: (task) =>
        task.feed.id === "feed1"
          ? pool.fault("exit").then(() => Promise.reject(new Error("unreachable")))
          : pool.parse(task),
      tag: (stories) => pool.tag(stories),
      close: () => pool.close(),
    };
    const sink = new RecordingSink();
    const kv = new Keyv();
    const poller = new Poller(
      {
        fetcher: localFetcher(),
        stories: new StoryStore(kv, 30 * 86_400_000, () => NOW),
        states: new FeedStateStore(kv),
        enricher: testEnricher,
        processor,
        sink,
        log: pino({ level: "silent" }),
        now: () => NOW,
      },
      { ...DEFAULT_POLLER_OPTIONS, backlogAlerts: 100 },
    );
    try {
      const report = await poller.runCycle(feeds);
      const status = Object.fromEntries(report.outcomes.map((o) => [o.feedId, o.status]));
      expect(status).toEqual({ feed0: "new", feed1: "error", feed2: "new" });
      expect(sink.batches.map((b) => b.feedId).sort()).toEqual(["feed0", "feed2"]);
      // Stories were tagged by the real classifier in the worker (summaries, not the stand-in's).
      expect(sink.batches[0]?.stories[0]?.summary.length).toBeGreaterThan(0);
      // The next cycle retries the feed whose worker died, with a fresh worker.
      const again = await poller.runCycle([feeds[0] as FeedSource, feeds[2] as FeedSource]);
      expect(
        again.outcomes.every((o) => o.status === "unchanged" || o.status === "not-modified"),
      ).toBe(true);
    } finally {
      await processor.close();
    }
  }, 60_000);
});
