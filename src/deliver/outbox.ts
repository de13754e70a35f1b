/**
 * The durable outbox: every story a channel's subscriptions want is posted there once, across
 * restarts and crashes, and taking in a story costs the same for ten channels or ten thousand.
 *
 * Stories are logged once in the alert log (alert-log.ts). Each channel reads the log through its
 * own cursor; what it wants is decided when its next batch is taken (entryTopics), not when the
 * story arrives, so nothing is written per (story, channel) pair.
 *
 * Keys (JSON in the shared Keyv):
 * - `ob:ch:<channel>` — the channel's state: its cursor, the in-flight batch and the hourly
 *   counter. One key per channel means each state change is one write: there is no half-applied
 *   state between keys. It lives as long as log entries do, and is refreshed on every write.
 *
 * Crash safety: a batch is written as the channel's in-flight batch (with a nonce) BEFORE it is
 * posted. Discord's `enforce_nonce` returns the earlier message for a repeated nonce, so a crash
 * between post and completion resends the same batch with the same nonce and nothing doubles.
 * Completion moves the cursor past the batch and clears it in the same write.
 *
 * A cursor that only moved past stories the channel does not want is kept in memory and written
 * by `flush()`: losing it costs a rescan, never a repeat, because an unwanted story stays unwanted
 * (a subscription made later does not receive stories logged before it).
 *
 * Single process: the KeyedMutex serialises read-modify-write per channel within it.
 * A fleet (`shared`): one job per channel on the work queue owns the channel's state while it
 * runs (src/work/), so the state is read from storage at each use instead of from memory, cursor
 * moves are written by `flush()` before the job ends, and appends to the log and each channel's
 * read-modify-write take the fleet's Redis lock.
 */
import { createHash, randomUUID } from "node:crypto";
import type { APIEmbed } from "discord.js";
import type Keyv from "keyv";
import type { Taxonomy } from "../classify/taxonomy.js";
import { storyLabels } from "../discord/story-card.js";
import type { Locale } from "../i18n/catalogue.js";
import type { Translator } from "../i18n/messages.js";
import { type KeyedLock, KeyedMutex } from "../store/mutex.js";
import type { AlertTarget, Subscription } from "../subscriptions/store.js";
import { type AlertEntry, type AlertEntryInput, AlertLog } from "./alert-log.js";
import {
  alsoAfterEdit,
  type ClusterPost,
  clusterKey,
  messageKey,
  type Outlet,
  outletOf,
  outletsFor,
  type Plan,
  type PostedMessage,
  planEntries,
  withOutlets,
} from "./clusters.js";
import {
  type AlertLanguage,
  buildAlertEmbed,
  EMBED_LIMITS,
  englishAlerts,
  packEmbeds,
} from "./embed.js";
import { entryTopics } from "./match.js";
import { pingsFor } from "./pings.js";

const HOUR_MS = 3_600_000;
const SCAN_CHUNK = 500;
/** Wanted entries read beyond a batch's alerts: later reports of its events, merged into it. */
const PLAN_SLACK = 40;
/** How long a channel remembers where its alert for an event is: past any cluster's reach. */
const CLUSTER_POST_MS = 72 * HOUR_MS;
export const DEFAULT_CLUSTER_EDIT_MS = 12 * HOUR_MS;

/** `edit`: later reports of an event change the message of its alert instead of posting. */
export type BatchKind = "alerts" | "rollup" | "edit";

export interface InFlight {
  batchId: string;
  /** ≤ 25 characters, unique per batch: what Discord deduplicates on. */
  nonce: string;
  kind: BatchKind;
  seqs: number[];
  storyIds: string[];
  /** Matched topics per story, best first (a roll-up keeps only the first). */
  topics: string[][];
  /** The cursor once the batch is done. */
  end: number;
  createdAt: number;
  /** The language the batch was built in (absent: English, as batches were before languages). */
  locale?: Locale;
  /** Alerts: each story's event (its cluster id, "" when it has none), parallel to `seqs`. */
  clusters?: string[];
  /** Later reports listed under an alert: [the alert's seq, the reports' seqs]. */
  also?: Array<[number, number[]]>;
  /** Edits: the message changed (its id); `seqs` are the later reports it will list. */
  message?: string;
  /**
   * Alerts: the roles the message pings (opt-in subscriptions), decided when the batch was
   * taken so that a retry pings the same. Absent: nobody (roll-ups and edits never ping).
   */
  pings?: string[];
}

export interface ChannelState {
  guildId: string;
  /** The next log entry this channel has not yet considered. */
  cursor: number;
  flight?: InFlight;
  /** Hour number (epoch ms / 3.6e6) the counter belongs to. */
  hour: number;
  /** Alerts (stories) posted in that hour; roll-ups are not counted. */
  sentInHour: number;
  /** After a rejected batch, this many next batches go one story at a time to find the culprit. */
  singles: number;
}

/** One story of a batch. */
export interface OutboxItem {
  seq: number;
  storyId: string;
  /** Matched topic ids, best first: credited in `alertsSent`. */
  topics: string[];
  title: string;
  /** When the poller first saw the story (epoch ms): where the delivery-lag metric starts. */
  seenAt?: number;
  url?: string;
  /** The alert embed (alert batches only; a roll-up lists titles). */
  embed?: APIEmbed;
}

export interface Batch {
  channelId: string;
  guildId: string;
  /** How the channel takes alerts: messages, or (a forum) one post per story. */
  target: AlertTarget;
  flight: InFlight;
  items: OutboxItem[];
  /** Resumed from storage (a previous run or attempt started it). */
  resumed: boolean;
  /**
   * Edits: the message as it should now read. Absent when it cannot be edited any more (deleted,
   * or expired): the batch is then done without a call.
   */
  edit?: { messageId: string; where: string; embeds: APIEmbed[] };
}

/** Where a batch went on Discord: the message (or forum post) and the channel or thread it is in. */
export interface Posted {
  id: string;
  where: string;
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

/** What the outbox needs to know about subscriptions (a `SubscriptionStore`). */
export interface ChannelDirectory {
  forChannel(channelId: string): Subscription[];
  channels(): Iterable<{ guildId: string; channelId: string }>;
  active(): Iterable<Subscription>;
}

export interface OutboxDeps {
  kv: Keyv;
  subscriptions: ChannelDirectory;
  taxonomy: Taxonomy;
  /** The language of each server's alerts (default: English). */
  language?: AlertLanguage;
  /**
   * Makes sure `language` knows the server's locale before a batch fixes it: a process without
   * the server in its gateway cache reads what the server's gateway published.
   */
  languageReady?: (guildId: string) => Promise<void>;
  now?: () => number;
}

export interface OutboxOptions {
  /** How long logged stories and channel states are kept (the story retention window). */
  retentionMs: number;
  /** Later reports of an event edit its alert for this long after it was posted (default 12 h). */
  clusterEditMs?: number;
  /** Other processes work on the same outbox (see the header). */
  shared?: { lock: KeyedLock };
}

export const channelKey = (channelId: string): string => `ob:ch:${channelId}`;

/** A nonce Discord accepts (≤ 25 chars) that no other batch of any channel shares. */
export function nonceFor(channelId: string, batchId: string): string {
  return createHash("sha256").update(`${channelId}:${batchId}`).digest("base64url").slice(0, 25);
}

const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);

/** A channel's target, from its subscriptions (all of one channel share it). */
const targetOf = (subs: readonly Subscription[]): AlertTarget =>
  subs.find((s) => s.target !== undefined)?.target ?? "channel";

interface Matched {
  entry: AlertEntry;
  topics: string[];
}

interface Scan {
  matched: Matched[];
  /** Where the scan stopped: every entry before it was considered. */
  end: number;
}

/** The channel's next piece of work, read from its cursor. */
type Pick =
  | { type: "none"; end: number }
  | { type: "alerts"; heads: Matched[]; also: Array<[number, number[]]>; end: number }
  | { type: "edit"; message: string; members: Matched[]; end: number };

export class Outbox {
  readonly log: AlertLog;
  readonly #lock: KeyedLock;
  readonly #kv: Keyv;
  readonly #now: () => number;
  readonly #ttl: number;
  readonly #editMs: number;
  readonly #shared: boolean;
  /** Channel states read or written by this process. */
  readonly #states = new Map<string, ChannelState>();
  /** Channels whose cursor moved in memory only. */
  readonly #unsaved = new Set<string>();
  /** Channels that may have work since `changedChannels()` was last called. */
  readonly #changed = new Set<string>();

  constructor(
    private readonly deps: OutboxDeps,
    options: OutboxOptions,
  ) {
    this.#kv = deps.kv;
    this.#now = deps.now ?? Date.now;
    this.#ttl = options.retentionMs;
    this.#editMs = options.clusterEditMs ?? DEFAULT_CLUSTER_EDIT_MS;
    this.#shared = options.shared !== undefined;
    // Shared: the channel's job owns it, and the lock covers a job that outlived its lease (a
    // worker stalled, not dead) while another took the channel over.
    this.#lock = options.shared?.lock ?? new KeyedMutex();
    this.log = new AlertLog(
      deps.kv,
      { ttlMs: options.retentionMs, ...(options.shared ? { shared: options.shared } : {}) },
      this.#now,
    );
  }

  /** The outbox's clock (log times, subscription times are compared on it). */
  now(): number {
    return this.#now();
  }

  /**
   * Logs stories for delivery, in the order given, idempotently: a story logged before is
   * skipped. Returns how many were newly logged. Resolves only after everything is stored.
   */
  async enqueue(inputs: AlertEntryInput[]): Promise<number> {
    const added = await this.log.append(inputs);
    if (added.length === 0) return 0;
    const topics = new Set(added.flatMap((e) => e.story.topics.map((t) => t.id)));
    for (const sub of this.deps.subscriptions.active()) {
      if (topics.has(sub.topic)) this.#changed.add(sub.channelId);
    }
    return added.length;
  }

  /** Channels that may have work: every subscribed channel. */
  channels(): string[] {
    return [...this.deps.subscriptions.channels()].map((c) => c.channelId);
  }

  /** Channels that may have new work since the last call (and forgets them). */
  changedChannels(): string[] {
    const list = [...this.#changed];
    this.#changed.clear();
    return list;
  }

  /** The channel's state as stored (for tests and status). */
  async state(channelId: string): Promise<ChannelState | undefined> {
    return this.#kv.get<ChannelState>(channelKey(channelId));
  }

  /** Stories waiting for the channel: in flight, held for a roll-up, or not yet taken. */
  async backlog(channelId: string): Promise<number> {
    return this.#lock.run(channelId, async () => {
      const st = await this.#state(channelId);
      if (!st) return 0;
      const subs = this.deps.subscriptions.forChannel(channelId);
      const from = st.flight ? st.flight.end : st.cursor;
      const waiting = (await this.#scan(from, subs, {})).matched.length;
      return waiting + (st.flight?.seqs.length ?? 0);
    });
  }

  /** Stories waiting across every subscribed channel (for tests and shutdown reports). */
  async totalBacklog(): Promise<number> {
    let n = 0;
    for (const channelId of this.channels()) n += await this.backlog(channelId);
    return n;
  }

  /**
   * The channel's next batch: its in-flight batch if there is one (same nonce), else a new one
   * from its cursor, persisted as in flight before it is returned.
   */
  async take(channelId: string, opts: TakeOptions): Promise<TakeResult> {
    return this.#lock.run(channelId, async () => {
      const st = await this.#state(channelId);
      if (!st) return { type: "empty" };
      if (st.flight)
        return { type: "batch", batch: await this.#batch(channelId, st, st.flight, true) };
      const subs = this.deps.subscriptions.forChannel(channelId);
      const hour = hourOf(opts.now);
      if (st.hour !== hour) {
        const wasCapped = st.hour < hour && st.sentInHour >= opts.hourlyCap;
        st.hour = hour;
        st.sentInHour = 0;
        if (wasCapped) {
          // The hour the cap was hit in has ended: what was held back goes out as one roll-up,
          // each event once, and none the channel was alerted to before.
          const held = await this.#scan(st.cursor, subs, { before: hour * HOUR_MS });
          const plans = await this.#plan(channelId, held.matched, opts.now);
          const heads = held.matched.filter((_, i) => plans[i]?.type === "alert");
          if (heads.length > 0) {
            const pick = { type: "alerts" as const, heads, also: [], end: held.end };
            return this.#start(channelId, st, "rollup", pick, opts.now);
          }
          this.#moveCursor(channelId, st, held.end);
        }
      }
      const room = opts.hourlyCap - st.sentInHour;
      // A forum gets a post per story: a batch of one.
      const perMessage =
        st.singles > 0 || targetOf(subs) === "forum" ? 1 : EMBED_LIMITS.embedsPerMessage;
      const limit = room <= 0 ? 1 : Math.min(perMessage, room);
      const pick = await this.#pick(channelId, st.cursor, subs, limit, opts.now);
      if (pick.type === "none") {
        this.#moveCursor(channelId, st, pick.end);
        return { type: "empty" };
      }
      // An edit posts nothing new, so the hourly cap does not hold it back.
      if (pick.type === "edit") return this.#startEdit(channelId, st, pick, opts.now);
      if (room <= 0) {
        this.#moveCursor(channelId, st, pick.heads[0]?.entry.seq ?? st.cursor);
        return { type: "capped", until: (hour + 1) * HOUR_MS };
      }
      return this.#start(channelId, st, "alerts", pick, opts.now);
    });
  }

  /**
   * The batch was posted (or found already posted) as `posted`, or its edit was made (or is
   * moot): move past it. Where an alert went is written before the cursor moves, so a crash in
   * between repeats the same writes, never a post.
   */
  async complete(batch: Batch, posted?: Posted): Promise<void> {
    const { channelId, flight } = batch;
    await this.#lock.run(channelId, async () => {
      const st = await this.#state(channelId);
      if (!st || st.flight?.batchId !== flight.batchId) return;
      await this.#recordDone(channelId, flight, posted);
      st.cursor = Math.max(st.cursor, flight.end);
      st.flight = undefined;
      if (flight.kind === "alerts") {
        // Counted in the hour the batch was taken, which is the state's current hour.
        st.sentInHour += flight.seqs.length;
        if (st.singles > 0) st.singles -= 1;
      }
      await this.#save(channelId, st);
    });
  }

  /**
   * The message an edit was for is gone (deleted on Discord): remember that, so that later
   * reports of its events post nothing, and move past the batch.
   */
  async messageGone(batch: Batch): Promise<void> {
    const { channelId, flight } = batch;
    await this.#lock.run(channelId, async () => {
      const st = await this.#state(channelId);
      if (!st || st.flight?.batchId !== flight.batchId || !flight.message) return;
      const key = messageKey(channelId, flight.message);
      const record = await this.#kv.get<PostedMessage>(key);
      if (record) await this.#kv.set(key, { ...record, gone: true }, this.#editMs + HOUR_MS);
      st.cursor = Math.max(st.cursor, flight.end);
      st.flight = undefined;
      await this.#save(channelId, st);
    });
  }

  /**
   * Discord rejected the batch (4xx other than permissions). A batch of several is split so the
   * next attempts go one by one; a single story is the culprit and is dropped.
   * Returns the dropped items.
   */
  async reject(batch: Batch): Promise<OutboxItem[]> {
    const { channelId, flight } = batch;
    return this.#lock.run(channelId, async () => {
      const st = await this.#state(channelId);
      if (!st || st.flight?.batchId !== flight.batchId) return [];
      st.flight = undefined;
      // A roll-up has no smaller form worth trying; its stories already missed their alert. An
      // edit rewrites one message whatever its size: split, each part would be refused alike.
      const poisoned = flight.kind !== "alerts" || flight.seqs.length === 1;
      if (!poisoned) {
        st.singles = flight.seqs.length;
        await this.#save(channelId, st);
        return [];
      }
      st.cursor = Math.max(st.cursor, flight.end);
      if (st.singles > 0) st.singles -= 1;
      await this.#save(channelId, st);
      return batch.items;
    });
  }

  /**
   * The channel is gone (or its subscriptions are): forget its batch under way and move its
   * cursor to the end of the log. Returns how many stories were in flight.
   */
  async dropChannel(channelId: string): Promise<number> {
    return this.#lock.run(channelId, async () => {
      const cached = this.#shared ? undefined : this.#states.get(channelId);
      const st = cached ?? (await this.state(channelId));
      if (!st) return 0;
      const dropped = st.flight?.seqs.length ?? 0;
      st.flight = undefined;
      st.cursor = await this.log.next();
      await this.#save(channelId, st);
      return dropped;
    });
  }

  /** Writes cursors that moved in memory only. */
  async flush(): Promise<void> {
    if (this.#unsaved.size === 0) return;
    const ids = [...this.#unsaved];
    this.#unsaved.clear();
    const entries = ids.flatMap((id) => {
      const st = this.#states.get(id);
      return st ? [{ key: channelKey(id), value: st, ttl: this.#ttl }] : [];
    });
    await this.#kv.setMany(entries);
  }

  async #state(channelId: string): Promise<ChannelState | undefined> {
    const cached = this.#states.get(channelId);
    // Shared: another process may have moved the channel on since; only a cursor this job moved
    // and has not written yet is newer here than in storage.
    if (cached && (!this.#shared || this.#unsaved.has(channelId))) return cached;
    let st = await this.state(channelId);
    if (!st) {
      const subs = this.deps.subscriptions.forChannel(channelId);
      const first = subs[0];
      if (!first) return undefined;
      const since = Math.min(...subs.map((s) => s.createdAt));
      const hour = hourOf(this.#now());
      const cursor = await this.log.startFor(since);
      st = { guildId: first.guildId, cursor, hour, sentInHour: 0, singles: 0 };
    }
    this.#states.set(channelId, st);
    return st;
  }

  /** Entries from `cursor` the channel wants, up to `limit` of them or up to `before`. */
  async #scan(
    cursor: number,
    subs: readonly Subscription[],
    opts: { limit?: number; before?: number },
  ): Promise<Scan> {
    const matched: Scan["matched"] = [];
    const next = await this.log.next();
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    for (let from = cursor; from < next; from += SCAN_CHUNK) {
      const to = Math.min(next, from + SCAN_CHUNK);
      for (const entry of await this.log.read(from, to)) {
        if (opts.before !== undefined && entry.at >= opts.before)
          return { matched, end: entry.seq };
        const topics = entryTopics(entry, subs);
        if (topics.length === 0) continue;
        matched.push({ entry, topics });
        if (matched.length >= limit) return { matched, end: entry.seq + 1 };
      }
    }
    return { matched, end: next };
  }

  /**
   * The channel's next work from `cursor`: an edit of an earlier alert, or up to `limit` new
   * alerts with the later reports of their events that follow them. Later reports past the edit
   * window are passed over.
   */
  async #pick(
    channelId: string,
    cursor: number,
    subs: readonly Subscription[],
    limit: number,
    now: number,
  ): Promise<Pick> {
    for (;;) {
      const found = await this.#scan(cursor, subs, { limit: limit + PLAN_SLACK });
      const plans = await this.#plan(channelId, found.matched, now);
      const first = plans.findIndex((p) => p.type !== "skip");
      if (first < 0) {
        if (found.end >= (await this.log.next()) || found.matched.length === 0)
          return { type: "none", end: found.end };
        cursor = found.end;
        continue;
      }
      const plan = plans[first] as Plan;
      return plan.type === "edit"
        ? editRun(found, plans, first, plan.message)
        : alertRun(found, plans, first, limit);
    }
  }

  /** What each wanted entry becomes for the channel (see `planEntries`). */
  async #plan(channelId: string, matched: readonly Matched[], now: number): Promise<Plan[]> {
    const clusters = [
      ...new Set(matched.flatMap((m) => (m.entry.story.cluster ? [m.entry.story.cluster] : []))),
    ];
    const posts = new Map<string, ClusterPost>();
    if (clusters.length > 0) {
      const found = await this.#kv.getMany<ClusterPost>(
        clusters.map((c) => clusterKey(channelId, c)),
      );
      clusters.forEach((c, i) => {
        const post = found[i];
        if (post) posts.set(c, post);
      });
    }
    return planEntries(
      matched.map((m) => m.entry),
      posts,
      { now, editMs: this.#editMs },
    );
  }

  async #start(
    channelId: string,
    st: ChannelState,
    kind: "alerts" | "rollup",
    pick: Extract<Pick, { type: "alerts" }>,
    now: number,
  ): Promise<TakeResult> {
    let chosen = pick.heads;
    let end = pick.end;
    let also = pick.also;
    const built = new Map<number, APIEmbed>();
    await this.deps.languageReady?.(st.guildId);
    const tr = (this.deps.language ?? englishAlerts)(st.guildId);
    if (kind === "alerts") {
      // As many as fit one message (≤ 10 embeds, ≤ 6,000 characters).
      const embeds = chosen.map((m) => {
        const embed = this.#embed(m.entry, m.topics, tr);
        built.set(m.entry.seq, embed);
        return embed;
      });
      const fits = Math.max(1, packEmbeds(embeds)[0]?.length ?? 0);
      if (fits < chosen.length) {
        const next = chosen[fits] as Matched;
        chosen = chosen.slice(0, fits);
        // The next alert and what follows it wait for the next batch.
        end = next.entry.seq;
        also = also
          .filter(([head]) => head < end)
          .map(([head, seqs]): [number, number[]] => [head, seqs.filter((q) => q < end)]);
      }
    }
    const pings =
      kind === "alerts" ? pingsFor(chosen, this.deps.subscriptions.forChannel(channelId)) : [];
    const batchId = randomUUID();
    const flight: InFlight = {
      batchId,
      nonce: nonceFor(channelId, batchId),
      kind,
      seqs: chosen.map((m) => m.entry.seq),
      storyIds: chosen.map((m) => m.entry.storyId),
      topics: chosen.map((m) => (kind === "rollup" ? m.topics.slice(0, 1) : m.topics)),
      end,
      createdAt: now,
      locale: tr.locale,
      clusters: chosen.map((m) => m.entry.story.cluster ?? ""),
      ...(also.length > 0 ? { also } : {}),
      ...(pings.length > 0 ? { pings } : {}),
    };
    st.flight = flight;
    await this.#save(channelId, st);
    return { type: "batch", batch: await this.#batch(channelId, st, flight, false, built) };
  }

  async #startEdit(
    channelId: string,
    st: ChannelState,
    pick: Extract<Pick, { type: "edit" }>,
    now: number,
  ): Promise<TakeResult> {
    const batchId = randomUUID();
    const members = pick.members;
    const flight: InFlight = {
      batchId,
      nonce: nonceFor(channelId, batchId),
      kind: "edit",
      seqs: members.map((m) => m.entry.seq),
      storyIds: members.map((m) => m.entry.storyId),
      topics: members.map(() => []),
      end: pick.end,
      createdAt: now,
      message: pick.message,
    };
    st.flight = flight;
    await this.#save(channelId, st);
    return { type: "batch", batch: await this.#batch(channelId, st, flight, false) };
  }

  async #batch(
    channelId: string,
    st: ChannelState,
    flight: InFlight,
    resumed: boolean,
    built = new Map<number, APIEmbed>(),
  ): Promise<Batch> {
    const entries = new Map((await this.log.entries(flight.seqs)).map((e) => [e.seq, e]));
    // The words the batch was started with, whatever the server's language is now.
    const tr = (this.deps.language ?? englishAlerts)(st.guildId, flight.locale ?? "en");
    const items: OutboxItem[] = [];
    flight.seqs.forEach((seq, i) => {
      const entry = entries.get(seq);
      if (!entry) return;
      const topics = flight.topics[i] ?? [];
      items.push({
        seq,
        storyId: entry.storyId,
        topics,
        title: entry.story.title,
        seenAt: Date.parse(entry.story.firstSeenAt),
        ...(entry.story.url ? { url: entry.story.url } : {}),
        ...(flight.kind === "alerts"
          ? { embed: built.get(seq) ?? this.#embed(entry, topics, tr) }
          : {}),
      });
    });
    const target = targetOf(this.deps.subscriptions.forChannel(channelId));
    const batch: Batch = { channelId, guildId: st.guildId, target, flight, items, resumed };
    if (flight.kind === "alerts" && flight.also) await this.#listOutlets(batch, flight.also, tr);
    if (flight.kind === "edit" && flight.message) {
      const edit = await this.#edited(channelId, st.guildId, flight.message, items);
      if (edit) batch.edit = edit;
    }
    return batch;
  }

  /** New alerts with the later reports already in: their outlets listed under each. */
  async #listOutlets(batch: Batch, also: InFlight["also"] & {}, tr: Translator): Promise<void> {
    const later = await this.#outlets(also);
    const heads = await this.log.entries(batch.items.map((i) => i.seq));
    const outlets = heads.map((h) => outletsFor(h, later.get(h.seq) ?? []));
    const embeds = withOutlets(
      batch.items.map((i) => i.embed ?? {}),
      outlets,
      tr,
    );
    batch.items.forEach((item, i) => {
      if (item.embed) item.embed = embeds[i];
    });
  }

  /** Outlets of later reports, per the seq of the alert they are listed under. */
  async #outlets(also: ReadonlyArray<[number, number[]]>): Promise<Map<number, Outlet[]>> {
    const entries = new Map(
      (await this.log.entries(also.flatMap(([, seqs]) => seqs))).map((e) => [e.seq, e]),
    );
    const out = new Map<number, Outlet[]>();
    for (const [head, seqs] of also) {
      const list = out.get(head) ?? [];
      for (const seq of seqs) {
        const e = entries.get(seq);
        if (e) list.push(outletOf(e));
      }
      out.set(head, list);
    }
    return out;
  }

  /**
   * The message with the edit's reports added to the alerts they report on, built from the
   * entries it was posted from; undefined when it is gone or no longer known.
   */
  async #edited(
    channelId: string,
    guildId: string,
    messageId: string,
    items: readonly OutboxItem[],
  ): Promise<Batch["edit"]> {
    const record = await this.#kv.get<PostedMessage>(messageKey(channelId, messageId));
    if (!record || record.gone) return undefined;
    const heads = await this.log.entries(record.seqs);
    if (heads.length !== record.seqs.length) return undefined;
    const added = await this.log.entries(items.map((i) => i.seq));
    const tr = (this.deps.language ?? englishAlerts)(guildId, record.locale ?? "en");
    const also = alsoAfterEdit(record, heads, added);
    const outlets = heads.map((h) => outletsFor(h, also[String(h.seq)] ?? []));
    const embeds = heads.map((h, i) => this.#embed(h, record.topics[i] ?? [], tr));
    return { messageId: record.id, where: record.where, embeds: withOutlets(embeds, outlets, tr) };
  }

  /** Where the batch's alerts went, and the outlets an edit added, before the cursor moves. */
  async #recordDone(channelId: string, flight: InFlight, posted?: Posted): Promise<void> {
    const now = this.#now();
    const postTtl = Math.max(this.#editMs, CLUSTER_POST_MS);
    const recordTtl = this.#editMs + HOUR_MS;
    if (flight.kind === "edit") {
      if (!flight.message) return;
      const key = messageKey(channelId, flight.message);
      const record = await this.#kv.get<PostedMessage>(key);
      if (!record || record.gone) return;
      const added = await this.log.entries(flight.seqs);
      const heads = await this.log.entries(record.seqs);
      const also = alsoAfterEdit(record, heads, added);
      await this.#kv.set(key, { ...record, also }, Math.max(1, record.at + recordTtl - now));
      return;
    }
    const clusters = (flight.clusters ?? []).filter(Boolean);
    if (clusters.length === 0) return;
    // A roll-up cannot be edited: later reports of its events post nothing.
    const message = flight.kind === "alerts" && posted ? posted.id : "";
    const writes: Array<{ key: string; value: unknown; ttl: number }> = clusters.map((c) => ({
      key: clusterKey(channelId, c),
      value: { message, at: now } satisfies ClusterPost,
      ttl: postTtl,
    }));
    if (message && posted) {
      const later = await this.#outlets(flight.also ?? []);
      const record: PostedMessage = {
        id: posted.id,
        where: posted.where,
        seqs: flight.seqs,
        topics: flight.topics,
        ...(flight.locale ? { locale: flight.locale } : {}),
        at: now,
        also: Object.fromEntries([...later].map(([head, list]) => [String(head), list])),
      };
      // The message before the pointers to it: a pointer always finds its message.
      await this.#kv.set(messageKey(channelId, posted.id), record, recordTtl);
    }
    await this.#kv.setMany(writes);
  }

  #embed(entry: AlertEntry, topics: string[], tr: Translator): APIEmbed {
    const focusTopic = topics[0];
    const summary = (focusTopic && entry.summaries[focusTopic]) || entry.story.summary;
    return buildAlertEmbed(entry.story, {
      taxonomy: this.deps.taxonomy,
      labels: storyLabels(tr),
      language: tr.locale,
      summary,
      ...(focusTopic ? { focusTopic } : {}),
      matchedTopics: topics,
    });
  }

  /** Stories in batches under way, as this process knows them (a metric: memory only). */
  inFlight(): number {
    let n = 0;
    for (const st of this.#states.values()) n += st.flight?.seqs.length ?? 0;
    return n;
  }

  #moveCursor(channelId: string, st: ChannelState, to: number): void {
    if (to <= st.cursor) return;
    st.cursor = to;
    this.#unsaved.add(channelId);
  }

  async #save(channelId: string, st: ChannelState): Promise<void> {
    this.#states.set(channelId, st);
    this.#unsaved.delete(channelId);
    try {
      await this.#kv.set(channelKey(channelId), st, this.#ttl);
    } catch (error) {
      // Memory must not run ahead of storage (a batch in flight only in memory could be sent
      // under a nonce no restart would know): the next use reads the stored state again.
      this.#states.delete(channelId);
      throw error;
    }
  }
}

/** Edits of one message at the front of the scan (later reports past the window in between). */
function editRun(found: Scan, plans: readonly Plan[], first: number, message: string): Pick {
  const members: Matched[] = [];
  for (let i = first; i < plans.length; i++) {
    const plan = plans[i] as Plan;
    const m = found.matched[i] as Matched;
    if (plan.type === "edit" && plan.message === message) members.push(m);
    else if (plan.type !== "skip") return { type: "edit", message, members, end: m.entry.seq };
  }
  return { type: "edit", message, members, end: found.end };
}

/** Up to `limit` new alerts from `first`, with the later reports of their events that follow. */
function alertRun(found: Scan, plans: readonly Plan[], first: number, limit: number): Pick {
  const heads: Matched[] = [];
  const also = new Map<number, number[]>();
  for (let i = first; i < plans.length; i++) {
    const plan = plans[i] as Plan;
    const m = found.matched[i] as Matched;
    if (plan.type === "skip") continue;
    if (plan.type === "merge") {
      also.set(plan.head, [...(also.get(plan.head) ?? []), m.entry.seq]);
      continue;
    }
    if (plan.type === "edit" || heads.length >= limit) {
      return { type: "alerts", heads, also: [...also], end: m.entry.seq };
    }
    heads.push(m);
  }
  return { type: "alerts", heads, also: [...also], end: found.end };
}
