/**
 * Health notices: posts in a server's log channel, once per incident, what needs an admin.
 *
 * Each check derives the open incidents of every server from the stores' current state
 * (incidents.ts) and diffs them against the incidents already recorded (one list per server
 * in storage, `health:<guild>`, an entry per kind + subject):
 * - a new incident is recorded first, as `pending` when the server has a usable log channel
 *   and as `skipped` otherwise (choosing a log channel later does not flood it with old news);
 * - a pending one is posted, then marked `posted`. The post carries a nonce derived from the
 *   incident and when it opened, with `enforce_nonce`: after a crash between post and record,
 *   the retry returns the earlier message instead of posting twice;
 * - an incident no longer open is forgotten; a failing feed whose notice was posted and that
 *   works again gets a "recovered" notice first (with a nonce of its own, same reasoning).
 * A log channel that is gone or refuses the bot is marked in the server's settings and logged
 * once; nothing is posted there until an admin chooses a log channel again.
 */

import { createHash } from "node:crypto";
import type Keyv from "keyv";
import type { Logger } from "pino";
import { z } from "zod";
import type { Taxonomy } from "../classify/index.js";
import type { AlertLanguage } from "../deliver/embed.js";
import { type ChannelPoster, classifyPostError, type PostError } from "../deliver/poster.js";
import type { GuildFeedStore } from "../feeds/guild-feeds.js";
import type { FeedStateStore } from "../store/feed-state.js";
import { GuildLists } from "../store/guild-lists.js";
import type { StorageHealth } from "../store/health.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import type { SubscriptionStore } from "../subscriptions/store.js";
import { channelIncidents, failingFeeds, type Incident } from "./incidents.js";
import { incidentNotice, noticeMessage, recoveredNotice } from "./notice.js";
import type { ServerSettingsStore } from "./settings-store.js";

export interface HealthTrackerDeps {
  kv: Keyv;
  settings: ServerSettingsStore;
  subscriptions: SubscriptionStore;
  guildFeeds: GuildFeedStore;
  states: FeedStateStore;
  poster: ChannelPoster;
  language: AlertLanguage;
  taxonomy: Taxonomy;
  log: Logger;
  now: () => number;
  /** While storage is down, passes are skipped quietly: the outage is logged once elsewhere. */
  storage?: Pick<StorageHealth, "available">;
  /**
   * Whether this process checks the server (a sharded gateway: the shard that holds it, so that
   * each server is checked once across the shards). Default: every server.
   */
  owns?: (guildId: string) => boolean;
}

export interface HealthTrackerOptions {
  /** How often every server is checked. */
  intervalMs: number;
}

const recordSchema = z.object({
  id: z.string(),
  openedAt: z.number(),
  notice: z.enum(["pending", "posted", "skipped"]),
  messageId: z.string().optional(),
  /** The incident as it was when it opened: what its notices say. */
  incident: z.custom<Incident>(
    (v) => typeof v === "object" && v !== null && typeof (v as Incident).kind === "string",
  ),
});

export type IncidentRecord = z.infer<typeof recordSchema>;

/** The stored records that read back well; a damaged one is dropped (its incident reopens). */
function validRecords(list: readonly unknown[]): IncidentRecord[] {
  return list.flatMap((r) => {
    const parsed = recordSchema.safeParse(r);
    return parsed.success ? [structuredClone(parsed.data)] : [];
  });
}

/** A nonce Discord accepts (≤ 25 characters), the same for every try at one notice. */
export function noticeNonce(what: "open" | "recovered", guildId: string, r: IncidentRecord) {
  const hash = createHash("sha256")
    .update(`${what}:${guildId}:${r.id}:${r.openedAt}`)
    .digest("base64url");
  return `hl${hash.slice(0, 23)}`;
}

export interface CheckReport {
  guilds: number;
  opened: number;
  posted: number;
  recovered: number;
  closed: number;
}

export class HealthTracker {
  readonly #deps: HealthTrackerDeps;
  readonly #options: HealthTrackerOptions;
  readonly #records: GuildLists<unknown>;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<CheckReport> | undefined;
  #again = false;
  #stopped = false;

  constructor(deps: HealthTrackerDeps, options: HealthTrackerOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#records = new GuildLists<unknown>(deps.kv, "health");
  }

  async load(): Promise<void> {
    await this.#records.load();
  }

  /**
   * Checks every interval until `stop()`. The first check waits one interval too: at start the
   * client is still receiving its servers, whose language a notice is written in.
   */
  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /** Checks soon (a status just changed); a check under way is followed by one more. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.check()
      .catch((error: unknown) => this.#deps.log.error({ err: error }, "health check failed"))
      .finally(() => this.#schedule());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  /** One pass over every server; never rejects (a failure is logged, the next pass retries). */
  async check(): Promise<CheckReport> {
    if (this.#running) return this.#running;
    const run = this.#checkAll().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  /** The incidents open in a server right now. */
  async openIncidents(guildId: string): Promise<Incident[]> {
    const { subscriptions, guildFeeds, states, now } = this.#deps;
    const feeds = guildFeeds.forGuild(guildId);
    const feedStates = feeds.length > 0 ? await states.getMany(feeds.map((f) => f.id)) : new Map();
    return [
      ...channelIncidents(subscriptions.forGuild(guildId)),
      ...failingFeeds(feeds, feedStates, now()),
    ];
  }

  /** What is recorded for a server (for tests and /settings). */
  recorded(guildId: string): IncidentRecord[] {
    return validRecords(this.#records.get(guildId));
  }

  #schedule(): void {
    if (this.#stopped) return;
    if (this.#again) {
      this.#again = false;
      this.wake();
      return;
    }
    this.#timer = setTimeout(() => this.wake(), this.#options.intervalMs);
    this.#timer.unref();
  }

  async #checkAll(): Promise<CheckReport> {
    const report: CheckReport = { guilds: 0, opened: 0, posted: 0, recovered: 0, closed: 0 };
    if (this.#deps.storage && !this.#deps.storage.available) return report;
    for (const guildId of this.#guilds()) {
      if (this.#stopped) break;
      report.guilds++;
      try {
        await this.#checkGuild(guildId, report);
      } catch (error) {
        if (this.#deps.storage && isStorageUnavailable(error)) break;
        this.#deps.log.error({ err: error, guildId }, "health check failed for a server");
      }
    }
    return report;
  }

  /** Servers (this process's) that have subscriptions, feeds of their own, or recorded incidents. */
  #guilds(): Set<string> {
    const { subscriptions, guildFeeds } = this.#deps;
    const guilds = new Set<string>();
    for (const { guildId } of subscriptions.channels()) guilds.add(guildId);
    for (const f of guildFeeds.allFeeds())
      for (const g of guildFeeds.guildsUsing(f.id)) guilds.add(g);
    for (const [g] of this.#records.entries()) guilds.add(g);
    const owns = this.#deps.owns;
    if (owns) for (const g of guilds) if (!owns(g)) guilds.delete(g);
    return guilds;
  }

  async #checkGuild(guildId: string, report: CheckReport): Promise<void> {
    const { settings } = this.#deps;
    const open = await this.openIncidents(guildId);
    const stored = await settings.get(guildId);
    const logChannel = stored.logChannelProblem ? undefined : stored.logChannelId;
    const openIds = new Set(open.map((i) => i.id));
    let records = this.recorded(guildId);
    const known = new Set(records.map((r) => r.id));
    const fresh = open.filter((i) => !known.has(i.id));
    // Without a usable log channel a pending notice has nowhere to go: it is dropped, not kept
    // for a burst when one is chosen.
    const stranded = !logChannel && records.some((r) => r.notice === "pending");
    if (fresh.length > 0 || stranded) {
      const at = this.#deps.now();
      report.opened += fresh.length;
      records = await this.#records.update(guildId, (list) => {
        const kept = validRecords(list);
        const ids = new Set(kept.map((r) => r.id));
        for (const incident of fresh) {
          if (ids.has(incident.id)) continue;
          const notice = logChannel ? "pending" : "skipped";
          kept.push({ id: incident.id, openedAt: at, notice, incident });
        }
        if (!logChannel) for (const r of kept) if (r.notice === "pending") r.notice = "skipped";
        list.splice(0, list.length, ...kept);
        return kept;
      });
    }
    for (const r of records) {
      if (!logChannel) break;
      const ok = openIds.has(r.id)
        ? await this.#postOpen(guildId, logChannel, r, report)
        : await this.#close(guildId, logChannel, r, report);
      if (!ok) break;
    }
    if (!logChannel) {
      const closed = records.filter((r) => !openIds.has(r.id)).map((r) => r.id);
      if (closed.length > 0) await this.#forget(guildId, closed, report);
    }
  }

  /** Posts a pending notice; false when the log channel cannot be used any more. */
  async #postOpen(
    guildId: string,
    channelId: string,
    r: IncidentRecord,
    report: CheckReport,
  ): Promise<boolean> {
    if (r.notice !== "pending") return true;
    const tr = this.#deps.language(guildId);
    const embed = incidentNotice(r.incident, {
      taxonomy: this.#deps.taxonomy,
      tr,
      now: this.#deps.now(),
    });
    const sent = await this.#send(guildId, channelId, r, embed, "open");
    if (sent === "unusable") return false;
    if (sent === "later") return true;
    await this.#mark(guildId, r.id, sent === "rejected" ? { notice: "skipped" } : sent);
    if (sent !== "rejected") report.posted++;
    return true;
  }

  /** An incident that is no longer open: "recovered" for a feed whose failing was reported. */
  async #close(
    guildId: string,
    channelId: string,
    r: IncidentRecord,
    report: CheckReport,
  ): Promise<boolean> {
    const incident = r.incident;
    if (incident.kind === "feed-failing" && r.notice === "posted") {
      if (await this.#recovered(guildId, incident.subject)) {
        const embed = recoveredNotice(incident, this.#deps.language(guildId));
        const sent = await this.#send(guildId, channelId, r, embed, "recovered");
        if (sent === "unusable") return false;
        if (sent === "later") return true;
        if (sent !== "rejected") report.recovered++;
      }
    }
    await this.#forget(guildId, [r.id], report);
    return true;
  }

  /** Whether the server still has the feed and its latest poll worked (else it was removed). */
  async #recovered(guildId: string, feedId: string): Promise<boolean> {
    if (!this.#deps.guildFeeds.forGuild(guildId).some((f) => f.id === feedId)) return false;
    const state = await this.#deps.states.get(feedId);
    return state !== undefined && state.consecutiveFailures === 0;
  }

  async #send(
    guildId: string,
    channelId: string,
    r: IncidentRecord,
    embed: ReturnType<typeof recoveredNotice>,
    what: "open" | "recovered",
  ): Promise<{ notice: "posted"; messageId: string } | "later" | "unusable" | "rejected"> {
    const { poster, log } = this.#deps;
    const ids = { guildId, channelId, incident: r.id, notice: what };
    try {
      const { id } = await poster.post(
        channelId,
        noticeMessage(embed, noticeNonce(what, guildId, r)),
      );
      log.info({ ...ids, messageId: id }, "health notice posted");
      return { notice: "posted", messageId: id };
    } catch (error) {
      const failure = classifyPostError(error);
      if (failure.kind === "channel-gone" || failure.kind === "forbidden") {
        await this.#unusable(guildId, channelId, failure);
        return "unusable";
      }
      if (failure.kind === "transient") {
        log.warn({ ...ids, err: failure.message }, "health notice not posted; will retry");
        return "later";
      }
      log.error({ ...ids, err: failure.message, ...failure.details }, "health notice rejected");
      return "rejected";
    }
  }

  /** Marks the log channel unusable (logged once: checks skip it until it is chosen again). */
  async #unusable(guildId: string, channelId: string, failure: PostError): Promise<void> {
    const kind = failure.kind === "channel-gone" ? "channel-gone" : "forbidden";
    const missing = failure.details.missingPermissions;
    await this.#deps.settings.markLogChannelProblem(guildId, channelId, {
      kind,
      ...(missing ? { missing } : {}),
      at: this.#deps.now(),
    });
    await this.#records.update(guildId, (list) => {
      for (const r of list as IncidentRecord[]) if (r.notice === "pending") r.notice = "skipped";
    });
    this.#deps.log.warn(
      { guildId, channelId, problem: kind, missing: failure.details.missing },
      "the server's log channel cannot take health notices; none are posted until an admin chooses it again",
    );
  }

  async #mark(guildId: string, id: string, change: Partial<IncidentRecord>): Promise<void> {
    await this.#records.update(guildId, (list) => {
      const r = (list as IncidentRecord[]).find((x) => x.id === id);
      if (r) Object.assign(r, change);
    });
  }

  async #forget(guildId: string, ids: string[], report: CheckReport): Promise<void> {
    const gone = new Set(ids);
    await this.#records.update(guildId, (list) => {
      const kept = (list as IncidentRecord[]).filter((r) => !gone.has(r.id));
      report.closed += list.length - kept.length;
      list.splice(0, list.length, ...kept);
    });
  }
}
