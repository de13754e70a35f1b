/**
 * Runs the servers' digest schedules: one cron task per schedule, in its time zone, and a
 * catch-up at start. Each slot (the instant a digest is due) is posted at most once, even across
 * crashes and restarts:
 *
 * 1. A slot already settled in the schedule's run record is never run again.
 * 2. Before posting, the message and a nonce derived from (schedule, slot) are written as the
 *    run's in-flight record; the post carries that nonce with `enforce_nonce`, so Discord answers
 *    a repeat with the first message. A resumed post older than Discord's nonce memory is first
 *    looked for in the channel (`findPosted`).
 * 3. Only then is the slot recorded as done.
 *
 * A slot found undone at start is posted if it is less than `catchUpMs` late, and otherwise
 * recorded as skipped: a "morning digest" arriving at teatime helps nobody.
 */
import { createHash } from "node:crypto";
import type { APIEmbed } from "discord.js";
import type { Logger } from "pino";
import type { Taxonomy } from "../classify/index.js";
import { type ChannelPoster, classifyPostError, type PostError } from "../deliver/poster.js";
import type { TaggedStory } from "../enrich/types.js";
import type { Translator } from "../i18n/messages.js";
import { KeyedMutex } from "../store/mutex.js";
import type { StoryStore } from "../store/stories.js";
import type { StatusWhy } from "../subscriptions/store.js";
import type { CronRunner, CronTask } from "./cron-runner.js";
import { buildDigest } from "./digest.js";
import type {
  DigestSchedule,
  InFlight,
  NewSchedule,
  RunState,
  ScheduleStore,
} from "./schedule-store.js";
import { scheduledDigestMessage } from "./scheduled-message.js";
import { cronExpression, defaultWindowMs, nextSlot, previousSlot } from "./slots.js";

export interface DigestSchedulerDeps {
  store: ScheduleStore;
  stories: Pick<StoryStore, "latest">;
  taxonomy: Taxonomy;
  poster: ChannelPoster;
  /** The language a server's posts are written in. */
  language: (guildId: string) => Translator;
  cron: CronRunner;
  now: () => number;
  log: Logger;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Whether this process runs the server's schedules (a sharded gateway: the shard that holds
   * the server, so that each schedule runs once across the shards). Default: every server.
   */
  owns?: (guildId: string) => boolean;
}

export interface DigestSchedulerOptions {
  /** A slot later than this is skipped rather than posted. */
  catchUpMs: number;
  /** How long a nonce is trusted to make a repeated post harmless (Discord: "a few minutes"). */
  nonceTrustMs: number;
  /** Waits before each retry of a transient failure; their number bounds the retries. */
  retryDelaysMs: readonly number[];
  /** Reports read per digest. */
  maxReports: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: DigestSchedulerOptions = {
  catchUpMs: 3600_000,
  nonceTrustMs: 2 * 60_000,
  retryDelaysMs: [5_000, 30_000, 120_000],
  maxReports: 500,
};

/** However long a schedule was idle, a digest reaches back at most a week. */
const MAX_WINDOW_MS = 7 * 86_400_000;
/** How long before its first sighting a story may have been published and still be in a digest. */
const LATE_MS = 2 * 86_400_000;

/** When the bot first read the story (stories from older builds: their publication time). */
function firstSeen(story: TaggedStory): number {
  const seen = Date.parse(story.firstSeenAt);
  return Number.isFinite(seen) ? seen : Date.parse(story.publishedAt);
}

/** A nonce Discord accepts (≤ 25 characters), the same for every attempt at one slot. */
export function digestNonce(scheduleId: string, slot: number): string {
  const hash = createHash("sha256").update(`${scheduleId}:${slot}`).digest("base64url");
  return `dg${hash.slice(0, 23)}`;
}

export class DigestScheduler {
  readonly #deps: DigestSchedulerDeps;
  readonly #options: DigestSchedulerOptions;
  readonly #armed = new Map<string, CronTask>();
  readonly #lock = new KeyedMutex();
  readonly #running = new Set<Promise<void>>();
  readonly #sleep: (ms: number) => Promise<void>;
  #stopped = false;

  constructor(deps: DigestSchedulerDeps, options: Partial<DigestSchedulerOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_SCHEDULER_OPTIONS, ...options };
    this.#sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Loads the schedules, arms each one's cron task and starts the catch-up of slots missed
   * while the bot was down (`idle()` waits for it).
   */
  async start(): Promise<void> {
    if (!this.#deps.store.loaded) await this.#deps.store.load();
    this.#stopped = false;
    for (const s of this.#deps.store.all()) {
      if (!this.#owns(s.guildId)) continue;
      this.#arm(s);
      this.#track(this.#consider(s.guildId, s.id));
    }
  }

  /** Resolves once no digest is being built or posted. */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  /** Stops every cron task and waits for the posts under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const tasks = [...this.#armed.values()];
    this.#armed.clear();
    await Promise.all(tasks.map((t) => t.stop()));
    await this.idle();
  }

  list(guildId: string): DigestSchedule[] {
    return this.#deps.store.forGuild(guildId);
  }

  /** When the schedule's next digest is due (epoch ms). */
  nextRun(schedule: DigestSchedule): number {
    return nextSlot(schedule, this.#deps.now());
  }

  /** Saves a new schedule and arms it; throws ScheduleLimitError at the per-server limit. */
  async add(input: Omit<NewSchedule, "createdAt">): Promise<DigestSchedule> {
    const schedule = await this.#deps.store.add({ ...input, createdAt: this.#deps.now() });
    if (!this.#stopped) this.#arm(schedule);
    return schedule;
  }

  /** Removes a schedule and its cron task; undefined when the server has no such schedule. */
  async remove(guildId: string, id: string): Promise<DigestSchedule | undefined> {
    await this.#disarm(id);
    return this.#lock.run(id, () => this.#deps.store.remove(guildId, id));
  }

  /** Forgets a server's schedules (the bot left it). */
  async removeGuild(guildId: string): Promise<void> {
    for (const s of this.#deps.store.forGuild(guildId)) await this.#disarm(s.id);
    await this.#deps.store.removeGuild(guildId);
  }

  /** Disables the schedules that post in a deleted channel. */
  async channelDeleted(guildId: string, channelId: string): Promise<void> {
    for (const s of this.#deps.store.forGuild(guildId)) {
      if (s.channelId === channelId) await this.#disable(s);
    }
  }

  #owns(guildId: string): boolean {
    return this.#deps.owns?.(guildId) ?? true;
  }

  #arm(s: DigestSchedule): void {
    if (s.status === "disabled" || this.#armed.has(s.id) || !this.#owns(s.guildId)) return;
    const task = this.#deps.cron.schedule(cronExpression(s), s.timezone, () => {
      this.#track(this.#consider(s.guildId, s.id));
    });
    this.#armed.set(s.id, task);
  }

  async #disarm(id: string): Promise<void> {
    const task = this.#armed.get(id);
    this.#armed.delete(id);
    await task?.stop();
  }

  #track(work: Promise<void>): void {
    const tracked = work
      .catch((err: unknown) => this.#deps.log.error({ err }, "scheduled digest failed"))
      .finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
  }

  /** Runs the schedule's latest slot if it is due, not settled and not too late. */
  async #consider(guildId: string, id: string): Promise<void> {
    await this.#lock.run(id, async () => {
      const s = this.#deps.store.get(guildId, id);
      if (!s || s.status === "disabled" || this.#stopped) return;
      const now = this.#deps.now();
      const slot = previousSlot(s, now);
      // A schedule made at 09:00 for 08:30 starts tomorrow, not with a digest right away.
      if (slot < s.createdAt) return;
      const state = await this.#deps.store.runState(id);
      if (state.lastSlot !== undefined && state.lastSlot >= slot) return;
      const where = { guildId, scheduleId: id, slot };
      if (now - slot > this.#options.catchUpMs) {
        this.#deps.log.warn(
          { ...where, lateMs: now - slot },
          "digest slot missed by more than the catch-up window; skipped",
        );
        await this.#settle(id, state, slot, "skipped");
        return;
      }
      const resumed = state.inFlight?.slot === slot ? state.inFlight : undefined;
      const flight = resumed ?? (await this.#prepare(s, slot, state));
      if (!flight) return;
      await this.#deliver(s, flight, state, resumed !== undefined);
    });
  }

  /** Builds the slot's message and writes it in flight; undefined when there was nothing to post. */
  async #prepare(s: DigestSchedule, slot: number, state: RunState): Promise<InFlight | undefined> {
    const { stories, taxonomy, store, log } = this.#deps;
    const since = Math.max(
      state.lastDigestSlot ?? slot - defaultWindowMs(s.every),
      slot - MAX_WINDOW_MS,
    );
    // A period holds the stories first seen in it: a story published before the previous slot
    // but read after it (a slow feed, a back-dated item) belongs to this digest, not to none.
    // The index is by publication, so it is read from LATE_MS earlier than the period.
    const latest = await stories.latest({
      topic: s.topic,
      since: since - LATE_MS,
      limit: this.#options.maxReports,
    });
    const inPeriod = latest.filter((story) => {
      const seen = firstSeen(story);
      return seen >= since && seen < slot;
    });
    const groups = buildDigest(inPeriod, { topic: s.topic });
    const message = scheduledDigestMessage(groups, taxonomy, {
      topic: s.topic,
      hours: Math.max(1, Math.round((slot - since) / 3600_000)),
      tr: this.#deps.language(s.guildId),
    });
    if (!message) {
      log.info({ guildId: s.guildId, scheduleId: s.id, slot }, "no stories for a digest");
      await this.#settle(s.id, state, slot, "empty");
      return undefined;
    }
    const flight: InFlight = {
      slot,
      nonce: digestNonce(s.id, slot),
      createdAt: this.#deps.now(),
      body: { content: message.content, embeds: message.embeds as Record<string, unknown>[] },
    };
    await store.setRunState(s.id, { ...state, inFlight: flight });
    return flight;
  }

  async #deliver(
    s: DigestSchedule,
    flight: InFlight,
    state: RunState,
    resumed: boolean,
  ): Promise<void> {
    const { poster, log } = this.#deps;
    const where = { guildId: s.guildId, scheduleId: s.id, slot: flight.slot };
    // Written by us from APIEmbed objects; zod checked their shape on the way back.
    const embeds = flight.body.embeds as APIEmbed[];
    const body = { content: flight.body.content, embeds };
    for (let attempt = 0; ; attempt++) {
      try {
        const found = await this.#postedBefore(s, flight, body, resumed || attempt > 0);
        if (!found) {
          await poster.post(s.channelId, {
            ...body,
            nonce: flight.nonce,
            // Discord returns the earlier message for a repeated nonce instead of posting twice.
            enforce_nonce: true,
            allowed_mentions: { parse: [] },
          });
        }
        await this.#settle(s.id, state, flight.slot, "posted");
        if (s.status === "paused") await this.#deps.store.setStatus(s.guildId, s.id, "active");
        log.info({ ...where, channelId: s.channelId, found: Boolean(found) }, "digest posted");
        return;
      } catch (error) {
        const failure = classifyPostError(error);
        const delay = this.#options.retryDelaysMs[attempt];
        if (failure.kind !== "transient" || delay === undefined) {
          await this.#fail(s, state, flight.slot, failure);
          return;
        }
        log.warn({ ...where, attempt, err: failure.message }, "digest post failed; retrying");
        await this.#sleep(failure.details.retryAfterMs ?? delay);
      }
    }
  }

  /** The message an earlier attempt already became, once its nonce may have been forgotten. */
  async #postedBefore(
    s: DigestSchedule,
    flight: InFlight,
    body: { content: string; embeds: APIEmbed[] },
    again: boolean,
  ): Promise<{ id: string } | undefined> {
    const { poster } = this.#deps;
    if (!again || !poster.findPosted) return undefined;
    if (this.#deps.now() - flight.createdAt <= this.#options.nonceTrustMs) return undefined;
    // A minute of slack for clocks: the message cannot predate the record it was built from.
    return poster.findPosted(s.channelId, body, flight.createdAt - 60_000);
  }

  async #fail(s: DigestSchedule, state: RunState, slot: number, failure: PostError) {
    const where = { guildId: s.guildId, scheduleId: s.id, slot, kind: failure.kind };
    await this.#settle(s.id, state, slot, "failed");
    if (failure.kind === "channel-gone") {
      this.#deps.log.warn(where, "digest channel is gone; schedule disabled");
      await this.#disable(s);
      return;
    }
    const why = pauseReason(failure);
    if (why) {
      // Still armed: the next slot tries again, and a post that works makes it active again.
      this.#deps.log.warn({ ...where, why: why.code }, "digest cannot be posted; schedule paused");
      await this.#deps.store.setStatus(s.guildId, s.id, "paused", why);
      return;
    }
    this.#deps.log.error({ ...where, err: failure.message }, "digest not posted");
  }

  async #disable(s: DigestSchedule): Promise<void> {
    await this.#disarm(s.id);
    await this.#deps.store.setStatus(s.guildId, s.id, "disabled", { code: "channel-deleted" });
  }

  async #settle(
    id: string,
    state: RunState,
    slot: number,
    outcome: NonNullable<RunState["lastOutcome"]>,
  ): Promise<void> {
    const digested = outcome === "posted" || outcome === "empty";
    await this.#deps.store.setRunState(id, {
      lastSlot: slot,
      lastOutcome: outcome,
      lastDigestSlot: digested ? slot : state.lastDigestSlot,
    });
  }
}

/** Why a refused post pauses its schedule; undefined for failures that do not. */
function pauseReason(failure: PostError): StatusWhy | undefined {
  if (failure.kind === "forbidden") {
    return {
      code: "missing-permissions",
      ...(failure.details.missingPermissions
        ? { permissions: failure.details.missingPermissions }
        : {}),
      ...(failure.details.missingAnyOf ? { anyOf: true } : {}),
    };
  }
  if (failure.kind === "blocked" && failure.details.reasonCode) {
    return { code: failure.details.reasonCode };
  }
  return undefined;
}
