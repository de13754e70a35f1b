/**
 * Alerts resume by themselves once what paused them is fixed. Delivery pauses a channel's
 * subscriptions when Discord refuses a post (a lost permission, a locked thread) and keeps its
 * queue; this re-checks such channels from the gateway cache when the bot's permissions may have
 * changed (a channel's overwrites, a role, the bot's own member, a thread) and on a slow sweep,
 * and re-activates them when the bot may post there again. Only pauses delivery made for a cause
 * the cache can show are undone here; a pause an admin chose (a muted topic) never is.
 */
import { ChannelType, PermissionFlagsBits, PermissionsBitField } from "discord.js";
import type { Logger } from "pino";
import type {
  AlertTarget,
  StatusCode,
  Subscription,
  SubscriptionStore,
} from "../subscriptions/store.js";
import { alertTargetOf, missingFor } from "./permissions.js";

/** Pause causes the gateway cache can show to be gone: undone without an admin. */
export const AUTO_RESUME_CODES: ReadonlySet<StatusCode> = new Set<StatusCode>([
  "missing-permissions",
  "thread-locked",
  "thread-closed",
]);

/**
 * Every cause delivery pauses for (a problem in the channel, never an admin's choice): what
 * `/subscriptions resume` may undo once the admin says it is fixed.
 */
export const DELIVERY_PAUSE_CODES: ReadonlySet<StatusCode> = new Set<StatusCode>([
  ...AUTO_RESUME_CODES,
  "tag-required",
  "forum-unsupported",
]);

/** Paused by delivery for one of `codes`; a pause from before codes existed was delivery's too. */
export function pausedFor(codes: ReadonlySet<StatusCode>) {
  return (s: Pick<Subscription, "status" | "statusWhy" | "statusReason">): boolean => {
    if (s.status !== "paused") return false;
    const code = s.statusWhy?.code;
    return code ? codes.has(code) : s.statusReason !== undefined;
  };
}

/** What the gateway cache says about a channel, as far as posting there goes. */
export interface ChannelView {
  type: ChannelType;
  /** The bot's permissions there; undefined when the cache cannot tell (parent not cached). */
  permissions: bigint | undefined;
  /** For a thread: whether it is locked, and whether the bot is one of its members. */
  thread?: { locked: boolean; joined: boolean };
}

/** The gateway cache, as far as this needs it. */
export interface PermissionView {
  /** The channel or thread, or undefined when it is not cached. */
  channel(channelId: string): ChannelView | undefined;
}

/** Whether the bot may post alerts in a channel now, by the cache. */
export type PostCheck =
  | { ok: true }
  | { ok: false; missing: string[] }
  | { ok: false; locked: true }
  /** The cache cannot tell (not cached, or a private thread the bot may not be in). */
  | { ok: false; unknown: true };

/** Whether alerts to `target` could be posted in the channel `view` shows. */
export function checkPosting(view: ChannelView | undefined, target: AlertTarget): PostCheck {
  if (!view || view.permissions === undefined) return { ok: false, unknown: true };
  const perms = new PermissionsBitField(view.permissions);
  const where = alertTargetOf(view.type) ?? target;
  const missing = missingFor(where, perms) ?? [];
  if (missing.length > 0) return { ok: false, missing };
  // A locked thread, and a private one, take messages from Manage Threads holders regardless.
  const manages = perms.has(PermissionFlagsBits.ManageThreads, true);
  if (view.thread?.locked && !manages) return { ok: false, locked: true };
  if (view.type === ChannelType.PrivateThread && !view.thread?.joined && !manages) {
    return { ok: false, unknown: true };
  }
  return { ok: true };
}

/** The cache's view in one string: a resume that failed is not retried on the same view. */
function fingerprint(view: ChannelView | undefined): string {
  return `${view?.permissions ?? "?"}:${view?.thread?.locked ?? "-"}:${view?.thread?.joined ?? "-"}`;
}

export interface PermissionRecoveryDeps {
  subscriptions: SubscriptionStore;
  view: PermissionView;
  /** Called for each channel resumed: the sender works on it now, queued alerts first. */
  wake: (channelId: string) => void;
  log: Logger;
  now?: () => number;
  /**
   * Whether this process sweeps the server (a sharded gateway: the shard whose cache holds it).
   * Default: every server.
   */
  owns?: (guildId: string) => boolean;
}

export interface PermissionRecoveryOptions {
  /** Events within this long of the first are checked together (a role change fires many). */
  debounceMs: number;
  /** The safety-net sweep over every paused channel (missed events, fixes while the bot was down). */
  intervalMs: number;
  /**
   * A channel resumed by the sweep that is paused again while the cache still shows the same is
   * swept again only after this long: the cache and Discord disagree there, and each resume and
   * pause would post a health notice.
   */
  retrySameMs: number;
}

export const DEFAULT_RECOVERY_OPTIONS: PermissionRecoveryOptions = {
  debounceMs: 2_000,
  intervalMs: 5 * 60_000,
  retrySameMs: 6 * 3_600_000,
};

/** What started a check: an event in one server, or the sweep. */
type Source = "event" | "sweep";

export class PermissionRecovery {
  readonly #deps: PermissionRecoveryDeps;
  readonly #options: PermissionRecoveryOptions;
  readonly #now: () => number;
  /** Servers with an event since the last check. */
  readonly #pending = new Set<string>();
  /** Channel → the view it was last resumed on, and when. */
  readonly #resumedOn = new Map<string, { fingerprint: string; at: number }>();
  #debounce: NodeJS.Timeout | undefined;
  #interval: NodeJS.Timeout | undefined;
  /** Checks run one after another: two at once could resume a channel twice. */
  #chain: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(deps: PermissionRecoveryDeps, options: Partial<PermissionRecoveryOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_RECOVERY_OPTIONS, ...options };
    this.#now = deps.now ?? Date.now;
  }

  /** Arms the sweep (events are taken from construction on, until `stop()`). */
  start(): void {
    this.#stopped = false;
    clearInterval(this.#interval);
    this.#interval = setInterval(() => void this.sweep(), this.#options.intervalMs);
    this.#interval.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#interval);
    clearTimeout(this.#debounce);
    this.#debounce = undefined;
    this.#pending.clear();
    await this.#chain;
  }

  /** The bot's permissions in a server may have changed: checked once the burst is over. */
  changed(guildId: string): void {
    if (this.#stopped) return;
    this.#pending.add(guildId);
    if (this.#debounce) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      const guilds = [...this.#pending];
      this.#pending.clear();
      void this.#queue(() => this.#check(guilds, "event"));
    }, this.#options.debounceMs);
    this.#debounce.unref();
  }

  /** Checks every paused channel; resolves to how many channels were resumed. */
  sweep(): Promise<number> {
    const guilds = new Set<string>();
    const owns = this.#deps.owns ?? (() => true);
    for (const { guildId } of this.#deps.subscriptions.channels()) {
      if (owns(guildId)) guilds.add(guildId);
    }
    return this.#queue(() => this.#check([...guilds], "sweep"));
  }

  #queue(check: () => Promise<number>): Promise<number> {
    const run = this.#chain.then(check).catch((error: unknown) => {
      this.#deps.log.error({ err: error }, "permission recovery check failed");
      return 0;
    });
    this.#chain = run;
    return run;
  }

  async #check(guilds: readonly string[], source: Source): Promise<number> {
    let resumed = 0;
    for (const guildId of guilds) {
      if (this.#stopped) break;
      for (const [channelId, subs] of this.#pausedChannels(guildId)) {
        if (await this.#tryResume(guildId, channelId, subs, source)) resumed++;
      }
    }
    return resumed;
  }

  /** The server's channels with subscriptions paused for a cause the cache can show gone. */
  #pausedChannels(guildId: string): Map<string, Subscription[]> {
    const byChannel = new Map<string, Subscription[]>();
    const auto = pausedFor(AUTO_RESUME_CODES);
    for (const s of this.#deps.subscriptions.forGuild(guildId)) {
      if (!auto(s) || !s.statusWhy) continue;
      byChannel.set(s.channelId, [...(byChannel.get(s.channelId) ?? []), s]);
    }
    return byChannel;
  }

  async #tryResume(
    guildId: string,
    channelId: string,
    subs: readonly Subscription[],
    source: Source,
  ): Promise<boolean> {
    const { subscriptions, view, wake, log } = this.#deps;
    const seen = view.channel(channelId);
    const target = subs[0]?.target ?? "channel";
    if (!checkPosting(seen, target).ok) return false;
    const print = fingerprint(seen);
    const earlier = this.#resumedOn.get(channelId);
    if (
      source === "sweep" &&
      earlier?.fingerprint === print &&
      this.#now() - earlier.at < this.#options.retrySameMs
    ) {
      return false;
    }
    const codes = new Set(subs.map((s) => s.statusWhy?.code));
    const count = await subscriptions.activateChannel(guildId, channelId, (s) =>
      subs.some((p) => p.topic === s.topic && p.statusWhy?.code === s.statusWhy?.code),
    );
    if (count === 0) return false;
    this.#resumedOn.set(channelId, { fingerprint: print, at: this.#now() });
    log.info(
      { guildId, channelId, resumed: count, codes: [...codes], source },
      "alerts resumed: the bot may post in the channel again",
    );
    wake(channelId);
    return true;
  }
}
