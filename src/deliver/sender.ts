/**
 * Drains the outbox into Discord. One batch per channel at a time (so discord.js's per-route
 * bucket, which is per channel for message creation, does the pacing), several channels at once,
 * from a first-in first-out ready list so a busy channel cannot starve the others: a channel that
 * sent a batch goes to the back of the list.
 */
import type { RESTPostAPIChannelMessageJSONBody } from "discord.js";
import type { Logger } from "pino";
import type { Taxonomy } from "../classify/taxonomy.js";
import { alertButtons } from "../discord/buttons/row.js";
import type { Translator } from "../i18n/messages.js";
import type { Metrics } from "../metrics/registry.js";
import type { StorageHealth } from "../store/health.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import { isMuted, type SubscriptionStore } from "../subscriptions/store.js";
import { type AlertLanguage, buildRollup, englishAlerts } from "./embed.js";
import { tagForTopic, threadTitle } from "./forum.js";
import type { Batch, Outbox, Posted } from "./outbox.js";
import { pingFields } from "./pings.js";
import {
  type ChannelPoster,
  classifyPostError,
  type ForumPost,
  type ForumPoster,
  PostError,
  UNKNOWN_MESSAGE,
} from "./poster.js";

export interface DeliverySenderDeps {
  outbox: Outbox;
  subscriptions: SubscriptionStore;
  poster: ChannelPoster;
  /** Posts in forum and media channels (usually the same object as `poster`). */
  forums?: ForumPoster;
  taxonomy: Taxonomy;
  log: Logger;
  /** The language of each server's alerts (default: English). */
  language?: AlertLanguage;
  now?: () => number;
  random?: () => number;
  /** Counts alerts sent and failed, and their lag (src/metrics/registry.ts). */
  metrics?: Pick<Metrics, "delivered" | "deliveryFailed">;
  /**
   * Whether storage answers. While it does not, the sender starts nothing and logs nothing (the
   * outage is logged once where it is tracked); on recovery it resumes where it stopped.
   */
  storage?: Pick<StorageHealth, "available" | "onRecovered">;
}

export interface DeliverySenderOptions {
  /** Channels worked on at once. */
  concurrency: number;
  /** Alerts per channel per hour before the rest of the hour goes into one roll-up. */
  hourlyCap: number;
  /** First retry delay after a 5xx / network failure; doubles per failure up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Wake at least this often even without `notify()` (paused channels, missed wake-ups). */
  idleMs: number;
  /**
   * How long after a batch was first written its nonce is trusted to make a repost harmless.
   * Discord remembers a nonce for "a few minutes"; a batch resumed later than this is first
   * looked for among the channel's messages.
   */
  nonceTrustMs: number;
}

export const DEFAULT_SENDER_OPTIONS: DeliverySenderOptions = {
  concurrency: 8,
  hourlyCap: 30,
  backoffBaseMs: 2000,
  backoffMaxMs: 5 * 60_000,
  idleMs: 30_000,
  nonceTrustMs: 2 * 60_000,
};

export interface DrainResult {
  /** Whether every batch under way finished before the timeout. */
  finished: boolean;
  /** Batches that were aborted; they stay in flight in storage and resume (same nonce) on start. */
  handedBack: number;
}

/** `skip`: like `drop`, for a channel whose subscriptions are all muted (or gone). */
type Gate = "send" | "hold" | "drop" | "skip";

const TAG_MISSING = {
  reason: "the forum requires a tag on every post and has none named after the topic",
  reasonCode: "tag-required",
} as const;
const FORUM_UNSUPPORTED = {
  reason: "this bot cannot post in forums",
  reasonCode: "forum-unsupported",
} as const;

/**
 * What one turn of a channel left behind: a batch went out (it may have more), nothing to do, or
 * nothing before `until` (`hold`: paused until an admin acts; the in-process loop looks again
 * after its idle interval, a queue drops the job and waits for a wake-up or the next sweep).
 */
export type Turn =
  | { type: "sent" }
  | { type: "idle" }
  | { type: "wait"; until: number; why: "hold" | "capped" | "backoff"; globalLimit?: boolean };

const SENT: Turn = { type: "sent" };
const IDLE: Turn = { type: "idle" };

/** Where a batch went, and whether it had gone there before this try (a resumed batch). */
interface Sent {
  posted: Posted;
  earlier: boolean;
}

/** How often cursors that moved in memory only are written. */
const FLUSH_MS = 30_000;

export class DeliverySender {
  readonly #options: DeliverySenderOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #active = new Map<string, Promise<void>>();
  /** Channels to work on, first in first out. */
  readonly #ready = new Set<string>();
  /** Channel → earliest time (deps.now) it may be worked on again. */
  readonly #notBefore = new Map<string, number>();
  readonly #failures = new Map<string, number>();
  #abort = new AbortController();
  #running = false;
  #draining = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  /** Every subscribed channel is looked at on start and after each idle interval. */
  #sweep = true;
  #flushedAt = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: DeliverySenderDeps,
    options: Partial<DeliverySenderOptions> = {},
  ) {
    this.#options = { ...DEFAULT_SENDER_OPTIONS, ...options };
    this.#now = deps.now ?? Date.now;
    this.#random = deps.random ?? Math.random;
    deps.storage?.onRecovered(() => this.notify());
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#draining = false;
    this.#sweep = true;
    this.#abort = new AbortController();
    this.#loop = this.#run();
  }

  /** New work may be waiting (called by the sink after an enqueue, or to resume a channel). */
  notify(channelId?: string): void {
    if (channelId) {
      this.#notBefore.delete(channelId);
      this.#ready.add(channelId);
    }
    this.#woken = true;
    this.#wake?.();
  }

  /**
   * Shutdown: start nothing new and wait up to `timeoutMs` for batches under way. What does not
   * finish is aborted and stays in flight in storage, to be resumed with its nonce.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.#draining = true;
    this.notify();
    const pending = [...this.#active.values()];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const late = await Promise.race([
      Promise.allSettled(pending).then(() => false),
      timedOut,
    ]).finally(() => clearTimeout(timer));
    const handedBack = late ? this.#active.size : 0;
    await this.stop();
    return { finished: !late, handedBack };
  }

  /** Stops at once: aborts posts under way (they resume from storage on the next start). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#draining = true;
    this.#abort.abort(new Error("delivery stopped"));
    this.notify();
    clearTimeout(this.#timer);
    await this.#loop;
    await Promise.allSettled([...this.#active.values()]);
    this.#loop = undefined;
    await this.#flush();
  }

  /** Channels queued, held back and under way (the queue-depth metric). */
  depth(): { ready: number; waiting: number; active: number } {
    return { ready: this.#ready.size, waiting: this.#notBefore.size, active: this.#active.size };
  }

  /** Whether nothing is under way (for tests and health checks). */
  get idle(): boolean {
    return this.#active.size === 0;
  }

  async #run(): Promise<void> {
    while (this.#running && !this.#draining) {
      try {
        this.#pass();
        if (this.#now() - this.#flushedAt >= FLUSH_MS) await this.#flush();
      } catch (error) {
        this.deps.log.error({ err: error }, "delivery pass failed");
      }
      await this.#sleep();
    }
  }

  async #flush(): Promise<void> {
    this.#flushedAt = this.#now();
    try {
      await this.deps.outbox.flush();
    } catch (error) {
      const level = isStorageUnavailable(error) ? "debug" : "warn";
      this.deps.log[level]({ err: error }, "could not write delivery cursors; will retry");
    }
  }

  #pass(): void {
    const { outbox } = this.deps;
    if (this.deps.storage && !this.deps.storage.available) return;
    const now = this.#now();
    const candidates = this.#sweep ? outbox.channels() : [];
    this.#sweep = false;
    candidates.push(...outbox.changedChannels());
    for (const channelId of candidates) {
      // A channel waiting (cap, backoff, pause) keeps waiting; new stories do not hurry it.
      if (!this.#notBefore.has(channelId)) this.#ready.add(channelId);
    }
    for (const [channelId, at] of this.#notBefore) {
      if (at > now) continue;
      this.#notBefore.delete(channelId);
      this.#ready.add(channelId);
    }
    for (const channelId of this.#ready) {
      if (this.#draining || this.#active.size >= this.#options.concurrency) break;
      if (this.#active.has(channelId)) continue;
      this.#ready.delete(channelId);
      const work = this.#work(channelId)
        .then((turn) => {
          // It may have more: back of the list, after every channel already waiting.
          if (turn.type === "sent") this.#ready.add(channelId);
          if (turn.type === "wait") this.#notBefore.set(channelId, turn.until);
        })
        .catch((error: unknown) => {
          if (this.deps.storage && isStorageUnavailable(error)) {
            // The outage pauses every channel (see #pass) and is logged once; this one goes on
            // when storage is back, without a backoff of its own.
            this.deps.log.debug({ err: error, channelId }, "delivery paused: storage unavailable");
            this.#ready.add(channelId);
            return;
          }
          // Storage trouble: try this channel again later rather than spin.
          this.deps.log.error({ err: error, channelId }, "delivery failed");
          this.#backoff(channelId);
        })
        .finally(() => {
          this.#active.delete(channelId);
          this.notify();
        });
      this.#active.set(channelId, work);
    }
  }

  /** Sleeps until notified, the earliest channel wait ends, or the idle interval passes. */
  async #sleep(): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    const now = this.#now();
    let delay = this.#options.idleMs;
    for (const at of this.#notBefore.values()) delay = Math.min(delay, Math.max(0, at - now));
    const idle = await new Promise<boolean>((resolve) => {
      this.#wake = () => resolve(false);
      this.#timer = setTimeout(() => resolve(delay >= this.#options.idleMs), delay);
    });
    clearTimeout(this.#timer);
    this.#wake = undefined;
    this.#woken = false;
    // Nothing happened for a whole interval: look at every channel (missed wake-ups, resumed ones).
    if (idle) this.#sweep = true;
  }

  /**
   * One turn for one channel, for a caller that owns the channel (a queue's job for it): storage
   * errors are thrown, and the caller decides when to come back.
   */
  turn(channelId: string): Promise<Turn> {
    return this.#work(channelId);
  }

  /** One batch for one channel. */
  async #work(channelId: string): Promise<Turn> {
    const { outbox, log } = this.deps;
    const gate = this.#gate(channelId);
    if (gate === "hold") return this.#hold();
    if (gate === "drop" || gate === "skip") {
      const dropped = await outbox.dropChannel(channelId);
      if (dropped > 0)
        log.info(
          { channelId, dropped },
          gate === "skip"
            ? "dropped alerts for a channel whose subscriptions are muted"
            : "dropped alerts for a channel without subscriptions",
        );
      return IDLE;
    }
    const taken = await outbox.take(channelId, {
      now: this.#now(),
      hourlyCap: this.#options.hourlyCap,
    });
    if (taken.type === "empty") return IDLE;
    if (taken.type === "capped") return { type: "wait", until: taken.until, why: "capped" };
    const batch = taken.batch;
    if (batch.items.length === 0) {
      // Its stories expired from the log while the channel was paused: nothing left to send.
      await outbox.complete(batch);
      return SENT;
    }
    // A signal per post: discord.js adds an abort listener to the signal it is given and never
    // removes it, so handing it the sender's long-lived signal would leak one per message.
    const perPost = new AbortController();
    const abort = (): void => perPost.abort(this.#abort.signal.reason);
    this.#abort.signal.addEventListener("abort", abort, { once: true });
    let posted: Posted | undefined;
    try {
      if (batch.flight.kind === "edit") {
        await this.#edit(batch, perPost.signal);
      } else {
        const body = this.#body(batch);
        // What a resumed batch had already become, if anything: then it is not posted again.
        const sent =
          batch.target === "forum"
            ? await this.#toForum(batch, body, perPost.signal)
            : await this.#toChannel(batch, body, perPost.signal);
        posted = sent.posted;
        if (sent.earlier) {
          log.info(
            {
              guildId: batch.guildId,
              channelId,
              messageId: sent.posted.id,
              storyIds: batch.flight.storyIds,
            },
            "resumed batch was already posted: recorded, not sent again",
          );
        }
      }
    } catch (error) {
      return this.#failed(batch, this.#failureOf(batch, error));
    } finally {
      this.#abort.signal.removeEventListener("abort", abort);
    }
    await outbox.complete(batch, posted);
    const seenAt = batch.items.map((i) => i.seenAt);
    this.deps.metrics?.delivered(batch.flight.kind, batch.items.length, seenAt, this.#now());
    this.#failures.delete(channelId);
    await this.#credit(batch);
    log.debug(
      { channelId, kind: batch.flight.kind, stories: batch.items.length, resumed: batch.resumed },
      "alerts delivered",
    );
    return SENT;
  }

  #hold(): Turn {
    return { type: "wait", until: this.#now() + this.#options.idleMs, why: "hold" };
  }

  /**
   * The message a resumed batch already became, when its nonce may have been forgotten by now
   * (the process was down longer than Discord remembers one). A crash between posting and
   * recording leaves such a batch; without this look it would be posted a second time.
   */
  async #postedBefore(
    batch: Batch,
    body: RESTPostAPIChannelMessageJSONBody,
    signal: AbortSignal,
  ): Promise<{ id: string } | undefined> {
    const { poster } = this.deps;
    if (!batch.resumed || !poster.findPosted) return undefined;
    if (this.#now() - batch.flight.createdAt <= this.#options.nonceTrustMs) return undefined;
    // A minute of slack for clocks: the message cannot predate the batch it was built from.
    return poster.findPosted(batch.channelId, body, batch.flight.createdAt - 60_000, signal);
  }

  /** A channel or thread gets the batch as one message, unless it already has (see above). */
  async #toChannel(
    batch: Batch,
    body: RESTPostAPIChannelMessageJSONBody,
    signal: AbortSignal,
  ): Promise<Sent> {
    const found = await this.#postedBefore(batch, body, signal);
    if (found) return { posted: { id: found.id, where: batch.channelId }, earlier: true };
    const { id } = await this.deps.poster.post(batch.channelId, body, signal, batch.target);
    return { posted: { id, where: batch.channelId }, earlier: false };
  }

  /**
   * Later reports of an event: the alert's message rewritten with their outlets. Rewriting is
   * idempotent (the whole message is sent each time), so a retry after a crash changes nothing
   * more. A message that can no longer be edited (deleted, expired) costs no call.
   */
  async #edit(batch: Batch, signal: AbortSignal): Promise<void> {
    const { edit } = batch;
    if (!edit) return;
    const { poster } = this.deps;
    if (!poster.edit) throw new PostError("rejected", "this poster cannot edit messages");
    await poster.edit(edit.where, edit.messageId, { embeds: edit.embeds }, signal);
    this.deps.log.debug(
      { channelId: batch.channelId, messageId: edit.messageId, storyIds: batch.flight.storyIds },
      "alert edited: later reports listed",
    );
  }

  /**
   * What a failure means for this batch. For an edit, an unknown message, or an unknown thread
   * when the message is a forum post, means the alert was deleted: not the channel.
   */
  #failureOf(batch: Batch, error: unknown): PostError {
    const failure = classifyPostError(error);
    const edit = batch.edit;
    if (batch.flight.kind !== "edit" || !edit) return failure;
    const postGone = failure.kind === "channel-gone" && edit.where !== batch.channelId;
    if (failure.details.code === UNKNOWN_MESSAGE || postGone) {
      return new PostError("message-gone", failure.message, failure.details, { cause: error });
    }
    return failure;
  }

  /**
   * A forum gets the batch (one story, or a roll-up) as a post of its own. Creating a post takes
   * no nonce, so a resumed batch is always looked for first; returns the post found, if any.
   */
  async #toForum(
    batch: Batch,
    body: RESTPostAPIChannelMessageJSONBody,
    signal: AbortSignal,
  ): Promise<Sent> {
    const { forums } = this.deps;
    if (!forums) throw new PostError("blocked", "no forum poster", { ...FORUM_UNSUPPORTED });
    const { channelId, guildId } = batch;
    const post = await this.#forumPost(batch, body, forums, signal);
    if (batch.resumed) {
      // A minute of slack for clocks: the post cannot predate the batch it was built from.
      const since = batch.flight.createdAt - 60_000;
      const found = await forums.findPost(guildId, channelId, post, since, signal);
      // A forum post's first message has the thread's id.
      if (found) return { posted: { id: found.id, where: found.id }, earlier: true };
    }
    const { id } = await forums.createPost(channelId, post, signal);
    return { posted: { id, where: id }, earlier: false };
  }

  async #forumPost(
    batch: Batch,
    body: RESTPostAPIChannelMessageJSONBody,
    forums: ForumPoster,
    signal: AbortSignal,
  ): Promise<ForumPost> {
    const rollup = batch.flight.kind === "rollup";
    const topicId = rollup ? this.#rollupTopic(batch)?.id : batch.items[0]?.topics[0];
    const topic = this.deps.taxonomy.topics.find((t) => t.id === topicId);
    const info = await forums.forumInfo(batch.channelId, signal);
    const tag = tagForTopic(info.tags, topic);
    if (info.requireTag && !tag) {
      throw new PostError("blocked", "no tag for the topic", { ...TAG_MISSING });
    }
    const headline = rollup ? body.embeds?.[0]?.title : batch.items[0]?.title;
    const { nonce: _nonce, enforce_nonce: _enforce, ...message } = body;
    const untitled = this.#language(batch).t("card.untitled");
    return {
      name: threadTitle(headline ?? "", untitled),
      message,
      ...(tag ? { appliedTags: [tag.id] } : {}),
    };
  }

  /**
   * Send while any of the channel's subscriptions is active; hold while one is paused for a
   * problem an admin will fix (its stories then go out late, as they should); else skip ahead.
   * A muted subscription holds nothing: a mute means "not these", so what arrives meanwhile is
   * passed over rather than kept for a flood on unmute.
   */
  #gate(channelId: string): Gate {
    const { subscriptions } = this.deps;
    // Before the store is loaded every channel looks unsubscribed: never drop on that.
    if (!subscriptions.loaded) return "hold";
    const subs = subscriptions.forChannel(channelId);
    if (subs.some((s) => s.status === "active")) return "send";
    if (subs.some((s) => s.status === "paused" && !isMuted(s))) return "hold";
    return subs.some(isMuted) ? "skip" : "drop";
  }

  #body(batch: Batch): RESTPostAPIChannelMessageJSONBody {
    const rollup = batch.flight.kind === "rollup";
    const tr = this.#language(batch);
    const embeds = rollup
      ? [buildRollup(batch.items, tr, this.#rollupTopic(batch))]
      : batch.items.flatMap((i) => (i.embed ? [i.embed] : []));
    // The message's focus topic is the one Mute silences: the roll-up's, or the first alert's.
    const focus = rollup ? this.#rollupTopic(batch) : this.#topic(batch.items[0]?.topics[0]);
    // Roles were chosen when the batch was taken; only alerts ping, never a roll-up.
    const pings = batch.flight.kind === "alerts" ? (batch.flight.pings ?? []) : [];
    return {
      ...pingFields(pings),
      embeds,
      // Buttons do not count in `embedsKey`, so a resumed batch is still recognised.
      components: [alertButtons(tr, focus)],
      nonce: batch.flight.nonce,
      // Discord returns the earlier message for a repeated nonce instead of posting twice.
      enforce_nonce: true,
    };
  }

  /** The server's language for what the batch's alerts say. */
  /** The words the batch was started with: a resumed post must read as the first try did. */
  #language(batch: Batch): Translator {
    return (this.deps.language ?? englishAlerts)(batch.guildId, batch.flight.locale ?? "en");
  }

  #topic(id: string | undefined) {
    return id ? this.deps.taxonomy.topics.find((t) => t.id === id) : undefined;
  }

  /** The roll-up wears the topic most of its stories were sent for. */
  #rollupTopic(batch: Batch) {
    const counts = new Map<string, number>();
    for (const i of batch.items) {
      const t = i.topics[0];
      if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    return top ? this.deps.taxonomy.topics.find((t) => t.id === top) : undefined;
  }

  async #failed(batch: Batch, failure: PostError): Promise<Turn> {
    const { outbox, subscriptions, log } = this.deps;
    const { channelId, guildId } = batch;
    const ids = { guildId, channelId, storyIds: batch.flight.storyIds, ...failure.details };
    this.deps.metrics?.deliveryFailed(failure.kind);
    switch (failure.kind) {
      case "message-gone": {
        // Deleted by someone on purpose: its event is not posted again.
        await outbox.messageGone(batch);
        log.info({ ...ids, messageId: batch.flight.message }, "edited alert was deleted; left so");
        return SENT;
      }
      case "channel-gone": {
        await subscriptions.setChannelStatus(
          guildId,
          channelId,
          "disabled",
          batch.target === "thread" ? "the thread was deleted" : "the channel was deleted",
          { code: batch.target === "thread" ? "thread-deleted" : "channel-deleted" },
        );
        const dropped = await outbox.dropChannel(channelId);
        log.warn({ ...ids, dropped }, "channel deleted: its subscriptions are disabled");
        return IDLE;
      }
      case "forbidden": {
        const missing = failure.details.missing ?? "permission to post";
        await subscriptions.setChannelStatus(
          guildId,
          channelId,
          "paused",
          `ForeignDesk lacks ${missing} in this channel`,
          {
            code: "missing-permissions",
            ...(failure.details.missingPermissions
              ? {
                  permissions: failure.details.missingPermissions,
                  anyOf: failure.details.missingAnyOf === true,
                }
              : {}),
          },
        );
        // The batch stays in flight and the queue stays: both go out when re-activated.
        log.warn({ ...ids, missing }, "missing permission: channel's subscriptions paused");
        return this.#hold();
      }
      case "blocked": {
        const reason = failure.details.reason ?? "Discord refused the post";
        const { reasonCode } = failure.details;
        await subscriptions.setChannelStatus(
          guildId,
          channelId,
          "paused",
          reason,
          reasonCode ? { code: reasonCode } : undefined,
        );
        // Like a lost permission: the batch and the queue wait for the admin.
        log.warn({ ...ids, reason }, "channel takes no posts: its subscriptions paused");
        return this.#hold();
      }
      case "rejected": {
        const dropped = await outbox.reject(batch);
        log.error(
          { ...ids, err: failure.message, dropped: dropped.map((d) => d.storyId) },
          dropped.length > 0
            ? "Discord rejected an alert: dropped it"
            : "Discord rejected a batch: retrying its alerts one by one",
        );
        return SENT;
      }
      case "transient": {
        const delay = this.#backoff(channelId, failure.details.retryAfterMs);
        log.warn(
          { ...ids, err: failure.message, retryInMs: delay },
          "alert delivery failed; will retry",
        );
        return {
          type: "wait",
          until: this.#now() + delay,
          why: "backoff",
          ...(failure.details.global ? { globalLimit: true } : {}),
        };
      }
    }
  }

  /** Exponential backoff with jitter (±25 %), at least what Discord asked for. */
  #backoff(channelId: string, retryAfterMs = 0): number {
    const failures = (this.#failures.get(channelId) ?? 0) + 1;
    this.#failures.set(channelId, failures);
    const { backoffBaseMs, backoffMaxMs } = this.#options;
    const exp = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(failures - 1, 30));
    const jittered = exp * (0.75 + this.#random() * 0.5);
    const delay = Math.max(retryAfterMs, Math.round(Math.min(backoffMaxMs, jittered)));
    this.#notBefore.set(channelId, this.#now() + delay);
    return delay;
  }

  /** `alertsSent` per subscribed topic; roll-up stories count as sent. */
  async #credit(batch: Batch): Promise<void> {
    const perTopic = new Map<string, number>();
    for (const item of batch.items) {
      for (const t of item.topics) perTopic.set(t, (perTopic.get(t) ?? 0) + 1);
    }
    try {
      await this.deps.subscriptions.addSent(batch.guildId, batch.channelId, perTopic);
    } catch (error) {
      // A statistic: never worth failing a delivery that already happened.
      this.deps.log.warn({ err: error, channelId: batch.channelId }, "could not count alerts sent");
    }
  }
}
