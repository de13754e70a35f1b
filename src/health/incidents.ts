/**
 * The problems of one server that need an admin, derived from what the stores hold right now:
 * a feed the server added that has failed for hours, a channel whose alerts are paused, a
 * channel that was deleted under its subscriptions. Nothing here is stored: the tracker diffs
 * these against the incidents it already reported.
 */
import type { GuildFeed } from "../feeds/guild-feeds.js";
import type { FeedState } from "../store/feed-state.js";
import { isMuted, type StatusCode, type Subscription } from "../subscriptions/store.js";

/** A server feed is reported once it has failed without a success for this long. */
export const FEED_FAILING_AFTER_MS = 6 * 3_600_000;

export type IncidentKind = "feed-failing" | "alerts-paused" | "channel-gone";

export type Incident =
  | {
      id: string;
      kind: "feed-failing";
      /** The feed's id. */
      subject: string;
      feed: Pick<GuildFeed, "id" | "name" | "url">;
      /** When it last worked (or was added): the failure streak started after this. */
      since: number;
      reason?: string;
    }
  | {
      id: string;
      kind: "alerts-paused";
      /** The channel's id. */
      subject: string;
      code?: StatusCode;
      permissions?: string[];
      anyOf?: boolean;
      /** English words from a subscription paused by an older version (no code). */
      reason?: string;
      topics: string[];
    }
  | {
      id: string;
      kind: "channel-gone";
      subject: string;
      thread: boolean;
      topics: string[];
    };

export function incidentId(kind: IncidentKind, subject: string): string {
  return `${kind}:${subject}`;
}

/** The server's feeds failing for FEED_FAILING_AFTER_MS or more at `now`. */
export function failingFeeds(
  feeds: readonly GuildFeed[],
  states: ReadonlyMap<string, FeedState>,
  now: number,
): Incident[] {
  const out: Incident[] = [];
  for (const f of feeds) {
    const state = states.get(f.id);
    if (!state || state.consecutiveFailures === 0) continue;
    // Another server may have added the feed long before: this server's streak starts no
    // earlier than its own /feeds add, which proved the feed readable then.
    const since = Math.max(state.lastSuccessAt ?? 0, f.addedAt);
    if (now - since < FEED_FAILING_AFTER_MS) continue;
    out.push({
      id: incidentId("feed-failing", f.id),
      kind: "feed-failing",
      subject: f.id,
      feed: { id: f.id, name: f.name, url: f.url },
      since,
      ...(state.lastErrorReason ? { reason: state.lastErrorReason } : {}),
    });
  }
  return out;
}

const GONE: ReadonlySet<StatusCode | undefined> = new Set(["channel-deleted", "thread-deleted"]);

/** One incident per channel whose subscriptions are paused, or disabled because it was deleted. */
export function channelIncidents(subs: readonly Subscription[]): Incident[] {
  const byChannel = new Map<string, Subscription[]>();
  for (const s of subs) {
    // A muted topic is an admin's choice, not a problem to report.
    if (s.status === "active" || isMuted(s)) continue;
    byChannel.set(s.channelId, [...(byChannel.get(s.channelId) ?? []), s]);
  }
  const out: Incident[] = [];
  for (const [channelId, list] of byChannel) {
    const paused = list.filter((s) => s.status === "paused");
    const gone = list.filter((s) => s.status === "disabled" && GONE.has(s.statusWhy?.code));
    const first = paused[0];
    if (first) {
      const why = first.statusWhy;
      out.push({
        id: incidentId("alerts-paused", channelId),
        kind: "alerts-paused",
        subject: channelId,
        ...(why ? { code: why.code } : {}),
        ...(why?.permissions ? { permissions: why.permissions } : {}),
        ...(why?.anyOf ? { anyOf: true } : {}),
        ...(!why && first.statusReason ? { reason: first.statusReason } : {}),
        topics: paused.map((s) => s.topic),
      });
    } else if (gone.length > 0) {
      out.push({
        id: incidentId("channel-gone", channelId),
        kind: "channel-gone",
        subject: channelId,
        thread: gone[0]?.statusWhy?.code === "thread-deleted",
        topics: gone.map((s) => s.topic),
      });
    }
  }
  return out;
}
