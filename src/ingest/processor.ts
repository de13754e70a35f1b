/**
 * The CPU-heavy part of a poll (parse, normalise, classify, summarise) behind one interface, so it
 * can run on the main thread (tests, WORKERS=0) or in a pool of worker threads that keeps the main
 * thread free for the gateway and interactions. Everything that crosses the thread boundary is
 * plain data (structured-clonable): a body's bytes in (transferred, not copied, and decoded in the
 * worker), stories and event signatures out.
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { EventSignature } from "../cluster/signature.js";
import type { Enricher, TaggedStory } from "../enrich/types.js";
import { normalizeFeed } from "../feeds/normalize.js";
import { FeedParseError, type ParseReason, parseFeed } from "../feeds/parse.js";
import type { FeedSource, Story } from "../feeds/types.js";
import { documentText, type FeedDocument } from "./document.js";

/** A document to parse (text, or the fetched body's bytes) and what its stories need. */
export type ParseTask = FeedDocument & {
  feed: FeedSource;
  /** The poll's time: first-seen time of its stories, and "now" for date checks. */
  now: number;
  maxItems: number;
};

export interface ProcessedFeed {
  ttlMinutes?: number;
  /** Items the document held (stories may be fewer: untitled and duplicate items are dropped). */
  itemCount: number;
  stories: Story[];
}

/** A tagged story; with its event signature when clustering is left to the caller. */
export interface TaggedResult {
  story: TaggedStory;
  signature?: EventSignature;
}

export interface FeedProcessor {
  /** Parse + normalise; a document that is not a feed rejects with FeedParseError. */
  parse(task: ParseTask): Promise<ProcessedFeed>;
  /** Classify + summarise, in order. */
  tag(stories: Story[]): Promise<TaggedResult[]>;
  close(): Promise<void>;
}

/** What a worker's parse answers: a refusal is data, since an Error loses its class in transit. */
export type ParseAnswer =
  | { ok: true; feed: ProcessedFeed }
  | { ok: false; message: string; reason: ParseReason };

/** The pipeline on the calling thread; its enricher clusters too. */
export class InProcessProcessor implements FeedProcessor {
  constructor(
    private readonly enricher: Enricher,
    private readonly parse_: typeof parseFeed = parseFeed,
  ) {}

  async parse(task: ParseTask): Promise<ProcessedFeed> {
    const parsed = await this.parse_(documentText(task), task.maxItems);
    return {
      ttlMinutes: parsed.ttlMinutes,
      itemCount: parsed.items.length,
      stories: normalizeFeed(parsed, task.feed, task.now),
    };
  }

  async tag(stories: Story[]): Promise<TaggedResult[]> {
    return stories.map((s) => ({ story: this.enricher.enrich(s) }));
  }

  async close(): Promise<void> {}
}

/**
 * Bytes whose whole ArrayBuffer may be handed over. A small Buffer is a slice of Node's shared
 * allocation pool (other Buffers live in it): that one is copied, which costs little at its size.
 */
function transferable(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const { buffer } = bytes;
  if (
    buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength
  )
    return new Uint8Array(buffer);
  return new Uint8Array(bytes);
}

/** WORKERS' default: a thread per core but one, for the main thread. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

export interface PoolOptions {
  threads: number;
  /** Characters of the stored summary (ALERT_SUMMARY_CHARS). */
  summaryBudget: number;
  /** Compute event signatures for the caller's clusterer. */
  signatures: boolean;
}

// Built, the worker is processor-worker.js; from source, a JavaScript shim that loads the .ts.
const WORKER_FILE = new URL(
  import.meta.url.endsWith(".ts") ? "./processor-worker-dev.mjs" : "./processor-worker.js",
  import.meta.url,
);

/** Data the worker module reads once, at start. */
export interface WorkerConfig {
  summaryBudget: number;
  signatures: boolean;
}

/**
 * The pipeline in a piscina pool. Each worker loads the classifier once, on its first task. A task
 * that throws, or a worker that dies, rejects that task only: piscina replaces the worker and the
 * poller records one failed feed.
 */
export class PooledProcessor implements FeedProcessor {
  readonly #pool: Piscina;
  readonly #threads: number;

  constructor(options: PoolOptions) {
    this.#threads = options.threads;
    const workerData: WorkerConfig = {
      summaryBudget: options.summaryBudget,
      signatures: options.signatures,
    };
    this.#pool = new Piscina({
      filename: fileURLToPath(WORKER_FILE),
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData,
    });
  }

  get threads(): number {
    return this.#pool.threads.length;
  }

  /**
   * Loads the classifier in every worker (one task per thread, run at once, so each lands on a
   * worker of its own): a first poll then tags at full speed instead of waiting for the model.
   */
  async warmUp(): Promise<void> {
    await Promise.all(
      Array.from({ length: this.#threads }, () => this.#pool.run(null, { name: "warm" })),
    );
  }

  /**
   * A body given as bytes crosses to the worker by transfer: the main thread neither decodes nor
   * copies it (a 12 MB feed cost it ~90 ms of decoding plus a structured clone of the text).
   */
  async parse(task: ParseTask): Promise<ProcessedFeed> {
    let answer: ParseAnswer;
    if ("body" in task) {
      // Each part as read from the socket or the decompressor owns its memory: all of them are
      // transferred, never joined here. Joining a 12 MB body (a fresh 12 MB allocation, every
      // page touched) stalled this thread ~50 ms on its own.
      const parts = (Array.isArray(task.body) ? task.body : [task.body]).map(transferable);
      answer = (await this.#pool.run(
        { ...task, body: parts },
        { name: "parse", transferList: [...new Set(parts.map((p) => p.buffer))] },
      )) as ParseAnswer;
    } else {
      answer = (await this.#pool.run(task, { name: "parse" })) as ParseAnswer;
    }
    if (!answer.ok) throw new FeedParseError(answer.message, answer.reason);
    return answer.feed;
  }

  async tag(stories: Story[]): Promise<TaggedResult[]> {
    if (stories.length === 0) return [];
    return (await this.#pool.run(stories, { name: "tag" })) as TaggedResult[];
  }

  /** For tests: a task that throws (`throw`) or ends its worker (`exit`). */
  async fault(kind: "throw" | "exit"): Promise<void> {
    await this.#pool.run(kind, { name: "fault" });
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
