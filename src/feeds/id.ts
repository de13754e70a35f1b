import { hash } from "node:crypto";

function digest(input: string, chars: number): string {
  // One-shot hash: a story id is made for every item of every poll.
  return hash("sha256", input, "base64url").slice(0, chars);
}

/** A feed's storage key: the same URL always maps to the same feed, whoever added it. */
export function feedIdFor(url: string): string {
  return `f${digest(url.trim(), 11)}`;
}

/**
 * A story's id is scoped to its feed: GUIDs are only unique within one feed ("1", "2", … are
 * common). The identity key is the GUID, else the canonical link, else title + date.
 */
export function storyIdFor(feedId: string, identity: string): string {
  return digest(`${feedId}\n${identity}`, 22);
}

/** Key for cross-feed deduplication by canonical URL. */
export function urlKeyFor(canonicalUrl: string): string {
  return digest(canonicalUrl, 22);
}
