/**
 * The alert log: every story that may be alerted, once, in the order it was accepted, under a
 * sequence number. Channels read it through their own cursor (see outbox.ts), so taking in a
 * story costs one write however many thousands of channels will receive it.
 *
 * Keys (JSON in the shared Keyv):
 * - `ob:log:<seq>` — one entry: the story as the embed needs it and its summaries per topic;
 * - `ob:seen:<story>` — the story's sequence number, so a story offered again is not logged twice;
 * - `ob:log:meta` — the next sequence number and the first sequence number of each recent hour.
 *
 * The meta key is written last and is the commit point: entries and markers at or past its `next`
 * are leftovers of a crash and are overwritten, and a marker only counts when the entry it names
 * is that story's.
 */
import type Keyv from "keyv";
import type { TaggedStory } from "../enrich/types.js";
import { type KeyedLock, KeyedMutex } from "../store/mutex.js";

const HOUR_MS = 3_600_000;
const META_KEY = "ob:log:meta";
/** Entries kept in memory: several cycles' worth, so that channels read them without storage. */
const CACHE_ENTRIES = 4096;
/** Entries read per storage round trip when a cursor is far behind. */
const READ_CHUNK = 500;

/** The story without its full text: what an alert shows. */
export type AlertStory = Omit<TaggedStory, "text">;

export interface AlertEntry {
  seq: number;
  storyId: string;
  /** When it was logged: a subscription made later does not receive it. */
  at: number;
  story: AlertStory;
  /** The alert summary through the lens of each of the story's topics. */
  summaries: Record<string, string>;
  /** Subscription keywords (as `termKey`) found in the story when it was logged. */
  keywordHits: string[];
  /**
   * Exclusion terms of any subscription (as `termKey`) found in the story when it was logged
   * (absent in entries logged before exclusions existed).
   */
  excludeHits?: string[];
  /**
   * When the subscriptions whose terms were looked for were read (at or before `at`): a
   * subscription made or changed after it may have terms that were not looked for.
   */
  checkedAt?: number;
}

export type AlertEntryInput = Omit<AlertEntry, "seq" | "at">;

interface LogMeta {
  next: number;
  /** [hour number, first seq logged in it], oldest first, for the recent hours. */
  hours: Array<[number, number]>;
}

export interface AlertLogOptions {
  /** How long entries are kept: a channel paused for longer misses what is older. */
  ttlMs: number;
  /**
   * Other processes append to the same log (a fleet): appends take this lock, and the meta key
   * is read from storage each time instead of from memory.
   */
  shared?: { lock: KeyedLock };
}

export const entryKey = (seq: number): string => `ob:log:${seq}`;
const seenKey = (storyId: string): string => `ob:seen:${storyId}`;

export class AlertLog {
  readonly #lock: KeyedLock;
  readonly #shared: boolean;
  readonly #cache = new Map<number, AlertEntry>();
  #meta: LogMeta | undefined;

  constructor(
    private readonly kv: Keyv,
    private readonly options: AlertLogOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.#lock = options.shared?.lock ?? new KeyedMutex();
    this.#shared = options.shared !== undefined;
  }

  /** The next sequence number: every entry logged so far is below it. */
  async next(): Promise<number> {
    return (await this.#loadMeta()).next;
  }

  /** The cached value of `next()`, once storage has been read (0 before). */
  get knownNext(): number {
    return this.#meta?.next ?? 0;
  }

  /**
   * Logs the stories not logged before, in the order given. Resolves once they are stored;
   * returns the new entries.
   */
  async append(inputs: AlertEntryInput[]): Promise<AlertEntry[]> {
    if (inputs.length === 0) return [];
    return this.#lock.run(META_KEY, async () => {
      const meta = structuredClone(await this.#loadMeta());
      const fresh = await this.#notLogged(inputs, meta.next);
      if (fresh.length === 0) return [];
      const at = this.now();
      const entries = fresh.map((input, i) => ({ ...input, seq: meta.next + i, at }));
      const ttl = this.options.ttlMs;
      // Entries and markers in one write: neither counts before the meta below commits them.
      await this.kv.setMany([
        ...entries.map((e) => ({ key: entryKey(e.seq), value: e as unknown, ttl })),
        ...entries.map((e) => ({ key: seenKey(e.storyId), value: e.seq as unknown, ttl })),
      ]);
      const hour = Math.floor(at / HOUR_MS);
      if (meta.hours.at(-1)?.[0] !== hour) meta.hours.push([hour, meta.next]);
      const oldest = Math.floor((at - ttl) / HOUR_MS);
      meta.hours = meta.hours.filter(([h]) => h >= oldest);
      meta.next += entries.length;
      await this.kv.set(META_KEY, meta);
      this.#meta = meta;
      for (const e of entries) this.#cache.set(e.seq, e);
      this.#trimCache();
      return entries;
    });
  }

  /** Entries with from ≤ seq < to that still exist, in order. */
  async read(from: number, to: number): Promise<AlertEntry[]> {
    const out: AlertEntry[] = [];
    let missing: number[] = [];
    const flush = async () => {
      if (missing.length === 0) return;
      const found = await this.kv.getMany<AlertEntry>(missing.map(entryKey));
      for (const e of found) if (e) out.push(e);
      missing = [];
    };
    for (let seq = Math.max(0, from); seq < to; seq++) {
      const cached = this.#cache.get(seq);
      if (cached) {
        await flush();
        out.push(cached);
      } else {
        missing.push(seq);
        if (missing.length >= READ_CHUNK) await flush();
      }
    }
    await flush();
    return out;
  }

  /** Entries for these sequence numbers (missing ones left out), in the order given. */
  async entries(seqs: readonly number[]): Promise<AlertEntry[]> {
    const missing = seqs.filter((s) => !this.#cache.has(s));
    const loaded = new Map<number, AlertEntry>();
    for (let i = 0; i < missing.length; i += READ_CHUNK) {
      const chunk = missing.slice(i, i + READ_CHUNK);
      const found = await this.kv.getMany<AlertEntry>(chunk.map(entryKey));
      for (const e of found) if (e) loaded.set(e.seq, e);
    }
    return seqs
      .map((s) => this.#cache.get(s) ?? loaded.get(s))
      .filter((e): e is AlertEntry => e !== undefined);
  }

  /**
   * A sequence number at or before the first entry logged at or after `time`: where a channel
   * with no cursor yet starts reading (entries older than its subscriptions are skipped anyway).
   */
  async startFor(time: number): Promise<number> {
    const meta = await this.#loadMeta();
    const hour = Math.floor(time / HOUR_MS);
    let start = meta.hours[0]?.[1] ?? meta.next;
    for (const [h, seq] of meta.hours) {
      if (h > hour) break;
      start = seq;
    }
    return start;
  }

  async #loadMeta(): Promise<LogMeta> {
    // Shared: another process may have appended since; its meta write is the commit point.
    if (!this.#meta || this.#shared)
      this.#meta = (await this.kv.get<LogMeta>(META_KEY)) ?? { next: 0, hours: [] };
    return this.#meta;
  }

  /** The inputs whose story has no committed entry yet, without repeats. */
  async #notLogged(inputs: AlertEntryInput[], next: number): Promise<AlertEntryInput[]> {
    const unique = [...new Map(inputs.map((i) => [i.storyId, i])).values()];
    const marks = await this.kv.getMany<number>(unique.map((i) => seenKey(i.storyId)));
    const claimed = marks.filter((m): m is number => typeof m === "number" && m < next);
    const owners = new Map((await this.entries(claimed)).map((e) => [e.seq, e.storyId]));
    return unique.filter((input, i) => {
      const mark = marks[i];
      return typeof mark !== "number" || owners.get(mark) !== input.storyId;
    });
  }

  #trimCache(): void {
    const floor = (this.#meta?.next ?? 0) - CACHE_ENTRIES;
    for (const seq of this.#cache.keys()) {
      if (seq >= floor) break;
      this.#cache.delete(seq);
    }
  }
}
