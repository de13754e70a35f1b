import type Keyv from "keyv";
import { GuildLists } from "../store/guild-lists.js";
import type { KeyedLock } from "../store/mutex.js";

export type SubscriptionStatus = "active" | "paused" | "disabled";

/**
 * Where a subscription's alerts go: messages in a text or announcement channel, messages in a
 * thread, or one post per story in a forum or media channel.
 */
export type AlertTarget = "channel" | "thread" | "forum";

/** A channel's wish to receive one topic's stories. */
export interface Subscription {
  guildId: string;
  channelId: string;
  topic: string;
  /** Only stories whose score for the topic is at least this. */
  minScore: number;
  /** When non-empty, the story must contain at least one of these (case- and accent-insensitive). */
  keywords: string[];
  /** The story must contain none of these (absent in subscriptions made before exclusions). */
  exclude?: string[];
  /** Absent in subscriptions made before threads and forums: a channel. */
  target?: AlertTarget;
  /** Opt-in role ping (absent: alerts ping nobody). */
  mention?: MentionSetting;
  createdBy: string;
  createdAt: number;
  status: SubscriptionStatus;
  /** Why it is paused or disabled, in English words an admin understands (for logs, older versions). */
  statusReason?: string;
  /** The same as a code, shown in each admin's language (absent in older subscriptions). */
  statusWhy?: StatusWhy;
  alertsSent: number;
  /**
   * Stories logged before this are not wanted (set when a muted subscription is switched back
   * on): what arrived while it was muted is not sent late, and its terms were not looked for.
   */
  activeSince?: number;
}

/**
 * A role an alert mentions when one of its stories scores at least `minScore` for the topic. Set
 * only by /subscribe, which refuses @everyone and roles the bot cannot notify.
 */
export interface MentionSetting {
  roleId: string;
  minScore: number;
}

/** Why a channel's subscriptions were paused or disabled: `statusReason.<code>` in the catalogue. */
export type StatusCode =
  | "channel-deleted"
  | "thread-deleted"
  | "missing-permissions"
  | "thread-closed"
  | "thread-locked"
  | "tag-required"
  | "forum-unsupported"
  /** Paused on purpose with an alert's Mute button (by, at): no queue is kept for it. */
  | "muted";

export interface StatusWhy {
  code: StatusCode;
  /** For missing-permissions: Discord's English permission names, all needed or (anyOf) one. */
  permissions?: string[];
  anyOf?: boolean;
  /** For muted: who muted it (user id and name then) and when (epoch ms). */
  by?: string;
  byName?: string;
  at?: number;
}

/** Whether a subscription was paused on purpose (muted), rather than for a problem to fix. */
export const isMuted = (s: Pick<Subscription, "status" | "statusWhy">): boolean =>
  s.status === "paused" && s.statusWhy?.code === "muted";

/** What `setTopicStatus` changes a subscription to. */
export type TopicStatusChange =
  | { status: "paused"; reason: string; why: StatusWhy }
  /** Back on: stories logged before `since` are not delivered to it. */
  | { status: "active"; since: number };

export const MAX_SUBSCRIPTIONS_PER_GUILD = 100;

export class SubscriptionLimitError extends Error {
  override name = "SubscriptionLimitError";
}

/**
 * Subscriptions per guild in storage, mirrored in memory for matching: every new story is matched
 * against every subscription, which must not cost a storage round trip each.
 */
export class SubscriptionStore {
  readonly #lists: GuildLists<Subscription>;
  /** Channel → its guild; every channel that has at least one subscription. */
  readonly #channelGuild = new Map<string, string>();

  /** `lock`: a fleet's shared lock, so that processes changing one guild do not interleave. */
  constructor(kv: Keyv, lock?: KeyedLock) {
    this.#lists = new GuildLists<Subscription>(
      kv,
      "subs",
      (guildId, previous, list) => {
        for (const s of previous) this.#channelGuild.delete(s.channelId);
        for (const s of list) this.#channelGuild.set(s.channelId, guildId);
      },
      lock,
    );
  }

  /** Loads every guild's subscriptions into memory; call once at start. */
  async load(): Promise<void> {
    await this.#lists.load();
  }

  get loaded(): boolean {
    return this.#lists.loaded;
  }

  forGuild(guildId: string): Subscription[] {
    return [...this.#lists.get(guildId)];
  }

  /** A channel's subscriptions (any status). */
  forChannel(channelId: string): Subscription[] {
    const guildId = this.#channelGuild.get(channelId);
    if (!guildId) return [];
    return this.#lists.get(guildId).filter((s) => s.channelId === channelId);
  }

  /** Every channel that has a subscription, with its guild. */
  *channels(): Iterable<{ guildId: string; channelId: string }> {
    for (const [channelId, guildId] of this.#channelGuild) yield { guildId, channelId };
  }

  /** Every active subscription, for matching. */
  *active(): Iterable<Subscription> {
    for (const [, list] of this.#lists.entries()) {
      for (const s of list) if (s.status === "active") yield s;
    }
  }

  count(): number {
    let n = 0;
    for (const [, list] of this.#lists.entries()) n += list.length;
    return n;
  }

  /** Adds or replaces the subscription for (channel, topic). Returns whether it replaced one. */
  async upsert(sub: Subscription): Promise<boolean> {
    return this.#lists.update(sub.guildId, (list) => {
      const index = list.findIndex((s) => s.channelId === sub.channelId && s.topic === sub.topic);
      if (index >= 0) {
        const previous = list[index] as Subscription;
        list[index] = { ...sub, alertsSent: previous.alertsSent };
        return true;
      }
      if (list.length >= MAX_SUBSCRIPTIONS_PER_GUILD) {
        throw new SubscriptionLimitError(
          `This server already has ${MAX_SUBSCRIPTIONS_PER_GUILD} subscriptions, the most it may have.`,
        );
      }
      list.push(sub);
      return false;
    });
  }

  /** Removes matching subscriptions; returns how many. */
  async remove(guildId: string, match: (s: Subscription) => boolean): Promise<number> {
    return this.#lists.update(guildId, (list) => {
      const before = list.length;
      const kept = list.filter((s) => !match(s));
      list.splice(0, list.length, ...kept);
      return before - kept.length;
    });
  }

  /** Pauses or disables every subscription of a channel (lost permissions, deleted channel). */
  async setChannelStatus(
    guildId: string,
    channelId: string,
    status: SubscriptionStatus,
    reason?: string,
    why?: StatusWhy,
  ): Promise<number> {
    return this.#lists.update(guildId, (list) => {
      let changed = 0;
      for (const s of list) {
        if (s.channelId === channelId && s.status !== status) {
          s.status = status;
          s.statusReason = reason;
          s.statusWhy = why;
          changed++;
        }
      }
      return changed;
    });
  }

  /**
   * Changes one topic's subscription in one channel (muting and unmuting it), leaving the
   * channel's others as they are. Returns the subscription as it was before, or undefined when
   * the channel has none for the topic.
   */
  async setTopicStatus(
    guildId: string,
    channelId: string,
    topic: string,
    change: TopicStatusChange,
  ): Promise<Subscription | undefined> {
    return this.#lists.update(guildId, (list) => {
      const s = list.find((x) => x.channelId === channelId && x.topic === topic);
      if (!s) return undefined;
      const before = structuredClone(s);
      s.status = change.status;
      if (change.status === "active") {
        delete s.statusReason;
        delete s.statusWhy;
        s.activeSince = change.since;
      } else {
        s.statusReason = change.reason;
        s.statusWhy = change.why;
      }
      return before;
    });
  }

  /**
   * Re-activates the paused subscriptions of a channel that `which` picks (a fixed problem, never
   * one an admin paused on purpose); returns how many.
   */
  async activateChannel(
    guildId: string,
    channelId: string,
    which: (s: Subscription) => boolean,
  ): Promise<number> {
    return this.#lists.update(guildId, (list) => {
      let changed = 0;
      for (const s of list) {
        if (s.channelId !== channelId || s.status !== "paused" || !which(s)) continue;
        s.status = "active";
        delete s.statusReason;
        delete s.statusWhy;
        changed++;
      }
      return changed;
    });
  }

  /** Counts alerts sent per topic of one channel, in one write. */
  async addSent(
    guildId: string,
    channelId: string,
    counts: ReadonlyMap<string, number>,
  ): Promise<void> {
    await this.#lists.update(guildId, (list) => {
      for (const s of list) if (s.channelId === channelId) s.alertsSent += counts.get(s.topic) ?? 0;
      return undefined;
    });
  }

  /** Forgets a guild entirely (the bot left it). */
  async removeGuild(guildId: string): Promise<void> {
    await this.#lists.removeGuild(guildId);
  }
}
