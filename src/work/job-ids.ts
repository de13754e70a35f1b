/**
 * BullMQ job ids. A job added under an id that is already queued (waiting, delayed, active, or
 * kept as completed) is not added again: the ids are what keeps one feed's poll and one channel's
 * drain from being queued twice. BullMQ refuses ids with `:` and ids that are integers.
 */
import { createHash } from "node:crypto";

/** The feed, queued when it fell due at `dueAt`: the same feed and slot queue once. */
export function fetchJobId(feedId: string, dueAt: number): string {
  // Feed ids are URLs or operator names: hashed to something BullMQ accepts.
  const feed = createHash("sha256").update(feedId).digest("base64url").slice(0, 22);
  return `fetch-${feed}-${Math.max(0, Math.trunc(dueAt))}`;
}

/** One drain per channel at a time: the job that holds this id owns the channel's cursor. */
export function drainJobId(channelId: string): string {
  return `drain-${channelId}`;
}
