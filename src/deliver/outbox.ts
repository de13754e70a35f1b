/**
 * The durable outbox: every (story, channel) pair is delivered at most once and never lost,
 * across restarts and crashes.
 *
 * Keys (all JSON in the shared Keyv):
 * - `ob:item:<channel>:<story>` — one delivery: its embed, and state queued → sent | dropped.
 *   Queued items never expire; finished ones live for the retention window so that a story
 *   offered again (crash before the poller stored it) is recognised and not queued twice.
 * - `ob:q:<channel>` — the channel's record: the queue (story ids in delivery order), the
 *   in-flight batch, and the hourly counter. Keeping all three in ONE key means each state
 *   change of a channel is one write, so there is no half-applied state between keys.
 * - `ob:channels` — channels that have queued work, so a restart knows where to look.
 *
 * Crash safety: a batch is written as the channel's in-flight batch (with a nonce) BEFORE it is
 * posted. Discord's `enforce_nonce` returns the earlier message for a repeated nonce, so a crash
 * between post and completion resends the same batch with the same nonce and nothing doubles.
 * Completion marks items sent first and then rewrites the channel record; a crash in between
 * leaves a flight whose items are all sent, which is completed without posting.
 *
 * Single process: the KeyedMutex serialises read-modify-write per channel within it.
 */
import { createHash, randomUUID } from "node:crypto";
import type { APIEmbed } from "discord.js";
import type Keyv from "keyv";
import { KeyedMutex } from "../store/mutex.js";
import { EMBED_LIMITS, packEmbeds } from "./embed.js";

const HOUR_MS = 3_600_000;
/** A drained channel's record is kept this long so its hourly counter survives the hour. */
const IDLE_RECORD_TTL_MS = 2 * HOUR_MS;
const CHANNELS_KEY = "ob:channels";

/** One alert for one channel, ready to send: the embed is built at enqueue time. */
export interface OutboxDelivery {
  storyId: string;
  guildId: string;
  channelId: string;
  /** Matched topic ids (best first): credited in `alertsSent`. */
  topics: string[];
  embed: APIEmbed;
  /** Plain title and link, for the hourly roll-up. */
  title: string;
  url?: string;
}

export type OutboxItemState = "queued" | "sent" | "dropped";

export interface OutboxItem extends OutboxDelivery {
  state: OutboxItemState;
  enqueuedAt: number;
  doneAt?: number;
  /** Why it was dropped. */
  reason?: string;
}

export type BatchKind = "alerts" | "rollup";

export interface InFlight {
  batchId: string;
  /** ≤ 25 characters, unique per batch: what Discord deduplicates on. */
  nonce: string;
  kind: BatchKind;
  storyIds: string[];
  createdAt: number;
}

export interface ChannelRecord {
  guildId: string;
  queue: string[];
  flight?: InFlight;
  /** Hour number (epoch ms / 3.6e6) the counter belongs to. */
  hour: number;
  /** Alerts (stories) posted in that hour; roll-ups are not counted. */
  sentInHour: number;
  /** After a rejected batch, this many next batches go one story at a time to find the culprit. */
  singles: number;
}

export interface Batch {
  channelId: string;
  guildId: string;
  flight: InFlight;
  items: OutboxItem[];
  /** Resumed from storage (a previous run or attempt started it). */
  resumed: boolean;
  /** Every item is already marked sent: only the completion remains. */
  alreadySent: boolean;
}

export type TakeResult =
  | { type: "batch"; batch: Batch }
  | { type: "empty" }
  /** The hourly cap is reached; the rest waits for the roll-up after `until`. */
  | { type: "capped"; until: number };

export interface TakeOptions {
  now: number;
  /** Alerts per channel per hour; past it, stories wait for one roll-up message. */
  hourlyCap: number;
}

export interface OutboxOptions {
  /** How long finished items are remembered (the story retention window). */
  retentionMs: number;
}

export const itemKey = (channelId: string, storyId: string): string =>
  `ob:item:${channelId}:${storyId}`;
export const channelKey = (channelId: string): string => `ob:q:${channelId}`;

/** A nonce Discord accepts (≤ 25 chars) that no other batch of any channel shares. */
export function nonceFor(channelId: string, batchId: string): string {
  return createHash("sha256").update(`${channelId}:${batchId}`).digest("base64url").slice(0, 25);
}

const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

export class Outbox {
  readonly #lock = new KeyedMutex();

  constructor(
    private readonly kv: Keyv,
    private readonly options: OutboxOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Queues deliveries, in the order given, idempotently: a pair already queued, sent or dropped
   * is skipped. Returns how many were newly queued. Resolves only after everything is stored.
   */
  async enqueue(deliveries: OutboxDelivery[]): Promise<number> {
    const byChannel = new Map<string, OutboxDelivery[]>();
    for (const d of deliveries) {
      const list = byChannel.get(d.channelId) ?? [];
      list.push(d);
      byChannel.set(d.channelId, list);
    }
    // Every channel is listed before its queue is written (a listed channel with an empty queue
    // is harmless, a queue nobody lists would wait for the next enqueue), and all of them in one
    // write: one story can fan out to thousands of channels.
    await this.#listChannels([...byChannel.keys()]);
    let added = 0;
    for (const [channelId, list] of byChannel) {
      added += await this.#lock.run(channelId, () => this.#enqueueChannel(channelId, list));
    }
    return added;
  }

  async #enqueueChannel(channelId: string, list: OutboxDelivery[]): Promise<number> {
    const first = list[0];
    if (!first) return 0;
    const rec = (await this.record(channelId)) ?? emptyRecord(first.guildId, this.now());
    const existing = await this.kv.getMany<OutboxItem>(
      list.map((d) => itemKey(channelId, d.storyId)),
    );
    const queued = new Set(rec.queue);
    const fresh: OutboxItem[] = [];
    const append: string[] = [];
    list.forEach((d, i) => {
      const item = existing[i];
      if (queued.has(d.storyId) || append.includes(d.storyId)) return;
      if (item && item.state !== "queued") return;
      // A queued item missing from the queue: a crash between the two writes. Re-link it.
      if (!item) fresh.push({ ...d, state: "queued", enqueuedAt: this.now() });
      append.push(d.storyId);
    });
    if (append.length === 0) return 0;
    if (fresh.length > 0) {
      await this.kv.setMany(
        fresh.map((item) => ({ key: itemKey(channelId, item.storyId), value: item })),
      );
    }
    rec.guildId = first.guildId;
    rec.queue.push(...append);
    await this.kv.set(channelKey(channelId), rec);
    return append.length;
  }

  async record(channelId: string): Promise<ChannelRecord | undefined> {
    return this.kv.get<ChannelRecord>(channelKey(channelId));
  }

  async item(channelId: string, storyId: string): Promise<OutboxItem | undefined> {
    return this.kv.get<OutboxItem>(itemKey(channelId, storyId));
  }

  /** Channels with queued or in-flight work. */
  async channels(): Promise<string[]> {
    return (await this.kv.get<string[]>(CHANNELS_KEY)) ?? [];
  }

  /**
   * The channel's next batch: its in-flight batch if there is one (same nonce), else a new one
   * from the head of the queue, persisted as in flight before it is returned.
   */
  async take(channelId: string, opts: TakeOptions): Promise<TakeResult> {
    return this.#lock.run(channelId, async () => {
      const rec = await this.record(channelId);
      if (!rec) {
        await this.#unlistChannel(channelId);
        return { type: "empty" };
      }
      if (rec.flight)
        return { type: "batch", batch: await this.#batch(channelId, rec, rec.flight, true) };

      const hour = hourOf(opts.now);
      let rollup: string[] = [];
      if (rec.hour !== hour) {
        // The hour the cap was hit in has ended: what was held back goes out as one roll-up.
        if (rec.hour < hour && rec.sentInHour >= opts.hourlyCap && rec.queue.length > 0) {
          rollup = await this.#queuedBefore(channelId, rec, hour * HOUR_MS);
        }
        rec.hour = hour;
        rec.sentInHour = 0;
      }

      let flight: InFlight | undefined;
      if (rollup.length > 0) {
        flight = this.#newFlight(channelId, "rollup", rollup, opts.now);
      } else {
        await this.#prune(channelId, rec);
        if (rec.queue.length === 0) {
          await this.#settleEmpty(channelId, rec);
          return { type: "empty" };
        }
        const room = opts.hourlyCap - rec.sentInHour;
        if (room <= 0) {
          await this.kv.set(channelKey(channelId), rec);
          return { type: "capped", until: (hour + 1) * HOUR_MS };
        }
        const limit = Math.min(rec.singles > 0 ? 1 : EMBED_LIMITS.embedsPerMessage, room);
        const ids = rec.queue.slice(0, limit);
        const items = await this.#items(channelId, ids);
        // As many as fit one message (≤ 10 embeds, ≤ 6,000 characters).
        const first = packEmbeds(items.map((i) => i.embed))[0] ?? [];
        flight = this.#newFlight(
          channelId,
          "alerts",
          ids.slice(0, Math.max(1, first.length)),
          opts.now,
        );
      }
      rec.flight = flight;
      await this.kv.set(channelKey(channelId), rec);
      return { type: "batch", batch: await this.#batch(channelId, rec, flight, false) };
    });
  }

  /** The batch was posted (or found already posted): mark its items sent and move on. */
  async complete(batch: Batch): Promise<void> {
    const { channelId, flight } = batch;
    await this.#lock.run(channelId, async () => {
      const rec = await this.record(channelId);
      const done = this.now();
      const finished = batch.items
        .filter((i) => i.state !== "sent")
        .map((i) => ({
          key: itemKey(channelId, i.storyId),
          value: { ...i, state: "sent" as const, doneAt: done },
          ttl: this.options.retentionMs,
        }));
      if (finished.length > 0) await this.kv.setMany(finished);
      if (!rec || rec.flight?.batchId !== flight.batchId) return;
      const ids = new Set(flight.storyIds);
      rec.queue = rec.queue.filter((id) => !ids.has(id));
      rec.flight = undefined;
      if (flight.kind === "alerts") {
        // Counted in the hour the batch was taken, which is the record's current hour.
        rec.sentInHour += flight.storyIds.length;
        if (rec.singles > 0) rec.singles -= 1;
      }
      await this.#save(channelId, rec);
    });
  }

  /**
   * Discord rejected the batch (4xx other than permissions). A batch of several is split so the
   * next attempts go one by one; a single story is the culprit and is dropped.
   * Returns the dropped items.
   */
  async reject(batch: Batch, reason: string): Promise<OutboxItem[]> {
    const { channelId, flight } = batch;
    return this.#lock.run(channelId, async () => {
      const rec = await this.record(channelId);
      if (!rec || rec.flight?.batchId !== flight.batchId) return [];
      rec.flight = undefined;
      // A roll-up has no smaller form worth trying; its stories already missed their alert.
      const poisoned = flight.kind === "rollup" || flight.storyIds.length === 1;
      if (!poisoned) {
        rec.singles = flight.storyIds.length;
        await this.#save(channelId, rec);
        return [];
      }
      const dropped = await this.#drop(channelId, batch.items, reason);
      const ids = new Set(flight.storyIds);
      rec.queue = rec.queue.filter((id) => !ids.has(id));
      if (rec.singles > 0) rec.singles -= 1;
      await this.#save(channelId, rec);
      return dropped;
    });
  }

  /** The channel is gone (or its subscriptions are): drop everything queued for it. */
  async dropChannel(channelId: string, reason: string): Promise<number> {
    return this.#lock.run(channelId, async () => {
      const rec = await this.record(channelId);
      if (!rec) {
        await this.#unlistChannel(channelId);
        return 0;
      }
      const ids = [...new Set([...(rec.flight?.storyIds ?? []), ...rec.queue])];
      const items = (
        await this.kv.getMany<OutboxItem>(ids.map((id) => itemKey(channelId, id)))
      ).filter((i): i is OutboxItem => i !== undefined && i.state === "queued");
      await this.#drop(channelId, items, reason);
      await this.kv.delete(channelKey(channelId));
      await this.#unlistChannel(channelId);
      return items.length;
    });
  }

  async #drop(channelId: string, items: OutboxItem[], reason: string): Promise<OutboxItem[]> {
    const done = this.now();
    const dropped = items
      .filter((i) => i.state === "queued")
      .map((i) => ({ ...i, state: "dropped" as const, doneAt: done, reason }));
    if (dropped.length > 0) {
      await this.kv.setMany(
        dropped.map((i) => ({
          key: itemKey(channelId, i.storyId),
          value: i,
          ttl: this.options.retentionMs,
        })),
      );
    }
    return dropped;
  }

  #newFlight(channelId: string, kind: BatchKind, storyIds: string[], now: number): InFlight {
    const batchId = randomUUID();
    return { batchId, nonce: nonceFor(channelId, batchId), kind, storyIds, createdAt: now };
  }

  async #batch(
    channelId: string,
    rec: ChannelRecord,
    flight: InFlight,
    resumed: boolean,
  ): Promise<Batch> {
    const items = await this.#items(channelId, flight.storyIds);
    return {
      channelId,
      guildId: rec.guildId,
      flight,
      items,
      resumed,
      alreadySent: items.length > 0 && items.every((i) => i.state === "sent"),
    };
  }

  async #items(channelId: string, ids: string[]): Promise<OutboxItem[]> {
    const found = await this.kv.getMany<OutboxItem>(ids.map((id) => itemKey(channelId, id)));
    return found.filter((i): i is OutboxItem => i !== undefined);
  }

  /** Queued ids whose item was enqueued before `before` (the held-back part of a capped hour). */
  async #queuedBefore(channelId: string, rec: ChannelRecord, before: number): Promise<string[]> {
    const items = await this.#items(channelId, rec.queue);
    return items.filter((i) => i.state === "queued" && i.enqueuedAt < before).map((i) => i.storyId);
  }

  /** Drops queue entries whose item is gone or finished (only after storage loss or a crash). */
  async #prune(channelId: string, rec: ChannelRecord): Promise<void> {
    const head = rec.queue.slice(0, EMBED_LIMITS.embedsPerMessage);
    const found = await this.kv.getMany<OutboxItem>(head.map((id) => itemKey(channelId, id)));
    const stale = new Set(head.filter((_, i) => found[i]?.state !== "queued"));
    if (stale.size > 0) rec.queue = rec.queue.filter((id) => !stale.has(id));
  }

  async #save(channelId: string, rec: ChannelRecord): Promise<void> {
    if (rec.queue.length === 0 && !rec.flight) await this.#settleEmpty(channelId, rec);
    else await this.kv.set(channelKey(channelId), rec);
  }

  /** Nothing left: unlist the channel but keep its hourly counter until the hour is over. */
  async #settleEmpty(channelId: string, rec: ChannelRecord): Promise<void> {
    await this.kv.set(channelKey(channelId), rec, IDLE_RECORD_TTL_MS);
    await this.#unlistChannel(channelId);
  }

  async #listChannels(channelIds: string[]): Promise<void> {
    await this.#lock.run(CHANNELS_KEY, async () => {
      const list = (await this.kv.get<string[]>(CHANNELS_KEY)) ?? [];
      const listed = new Set(list);
      const missing = channelIds.filter((c) => !listed.has(c));
      if (missing.length > 0) await this.kv.set(CHANNELS_KEY, [...list, ...missing]);
    });
  }

  async #unlistChannel(channelId: string): Promise<void> {
    await this.#lock.run(CHANNELS_KEY, async () => {
      const list = (await this.kv.get<string[]>(CHANNELS_KEY)) ?? [];
      if (list.includes(channelId)) {
        await this.kv.set(
          CHANNELS_KEY,
          list.filter((c) => c !== channelId),
        );
      }
    });
  }
}

function emptyRecord(guildId: string, now: number): ChannelRecord {
  return { guildId, queue: [], hour: hourOf(now), sentInHour: 0, singles: 0 };
}
