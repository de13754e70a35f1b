/**
 * Why a feed could not be added or polled, as a stable code, and the plain words a server admin
 * reads for each. The technical detail (parser line and column, the address range, the library's
 * message, the setting that would open it) goes to the log and the operator's CLI, never to a
 * Discord reply: it means nothing to an admin and tells an attacker how the guard works.
 *
 * Every user-facing sentence of feed handling is in FEED_TEXT below, so that the message catalogue
 * can take them over in one move.
 */
import { isStorageUnavailable } from "../store/unavailable.js";
import { FetchError } from "./fetch.js";
import { BlockedUrlError } from "./guard.js";
import { FeedParseError } from "./parse.js";

export const FEED_TEXT = {
  // The address itself.
  "invalid-url": "A feed address must be a full http:// or https:// URL.",
  "url-too-long": "That URL is too long for a feed address.",
  "unsupported-scheme": "Only http:// and https:// feed addresses are allowed.",
  "credentials-in-url": "A feed address may not contain a user name or password.",
  "private-address": "That address is on a private network, which feeds may not use.",
  "port-not-allowed":
    "That address uses a port feeds may not use; feeds are read from the standard web ports.",
  // Fetching it.
  "not-found": "There is nothing at that address (the server says it does not exist).",
  forbidden: "The server at that address refused to let the bot read it.",
  "rate-limited": "The server at that address asked the bot to slow down; it will try again later.",
  "server-error": "The server at that address had an error of its own; try again later.",
  "http-error": "The server at that address refused the request.",
  timeout: "The server at that address did not answer in time.",
  "too-large": "That feed is too large for the bot to read.",
  "too-many-redirects": "That address redirects too many times.",
  unreachable: "The server at that address could not be reached.",
  // What came back.
  empty: "The server answered with an empty page, not a feed.",
  "html-page": "That address is a web page, not a feed.",
  "page-without-feeds":
    "That address is a web page, not a feed, and the page does not name a feed of its own. Look on the page for an RSS or Atom link.",
  "not-a-feed": "The server answered with something that is not a valid RSS or Atom feed.",
  "unusable-items": "The feed's items have neither a title nor any text.",
  "page-feeds-unreadable":
    "That address is a web page; the feeds it names could not be read. The first one: {reason}",
  // Ours.
  "storage-unavailable": "Storage is unavailable right now; try again in a minute.",
  unknown: "The feed could not be read.",
  // Replies and labels.
  "discovered-added":
    "✅ That address is a web page; it names the feed **{name}** ({url}), which was added (items right now: {items}). Its stories reach this server's subscriptions from the next poll on.",
  "discovered-others": "The page also names: {list}.",
  "no-feeds":
    "No feeds: the operator's feeds file lists none and no server has added one. Add one with /feeds add.",
} as const;

export type FeedText = keyof typeof FEED_TEXT;

/** The codes a failed add or poll is recorded under (FeedState.lastErrorReason). */
const NOT_PROBLEMS = ["discovered-added", "discovered-others", "no-feeds"] as const;
export type FeedProblem = Exclude<FeedText, (typeof NOT_PROBLEMS)[number]>;

function isFeedProblem(reason: string): reason is FeedProblem {
  return Object.hasOwn(FEED_TEXT, reason) && !(NOT_PROBLEMS as readonly string[]).includes(reason);
}

/** A sentence from FEED_TEXT with its `{placeholders}` filled. */
export function feedText(key: FeedText, params: Record<string, string | number> = {}): string {
  return FEED_TEXT[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** A stored reason (possibly from an older version, or absent) in words. */
export function problemText(reason: string | undefined): string {
  return feedText(reason !== undefined && isFeedProblem(reason) ? reason : "unknown");
}

function fetchProblem(error: FetchError): FeedProblem {
  switch (error.kind) {
    case "blocked":
      return error.blockedReason ?? "invalid-url";
    case "not-found":
      return "not-found";
    case "timeout":
      return "timeout";
    case "too-large":
      return "too-large";
    case "redirects":
      return "too-many-redirects";
    case "network":
      return "unreachable";
    case "http": {
      const status = error.status ?? 0;
      if (status === 401 || status === 403) return "forbidden";
      if (status === 429) return "rate-limited";
      return status >= 500 ? "server-error" : "http-error";
    }
  }
}

/** A feed add or poll refused for a known reason; `message` is the detail for the log. */
export class FeedProblemError extends Error {
  override name = "FeedProblemError";
  constructor(
    readonly reason: FeedProblem,
    message: string,
    /** The user's sentence when it is not FEED_TEXT[reason] alone (it names a feed, say). */
    readonly userText: string = feedText(reason),
  ) {
    super(message);
  }
}

/**
 * The code for any error a feed can end in, or undefined for one that is not the feed's doing
 * (a bug). Storage failures are recognised here too, since they reach the same replies.
 */
export function feedProblemOf(error: unknown): FeedProblem | undefined {
  if (error instanceof FeedProblemError) return error.reason;
  if (error instanceof FetchError) return fetchProblem(error);
  if (error instanceof BlockedUrlError) return error.reason;
  // Not XML at all is, to an admin, the same as broken XML: not a feed.
  if (error instanceof FeedParseError)
    return error.reason === "not-xml" ? "not-a-feed" : error.reason;
  if (isStorageUnavailable(error)) return "storage-unavailable";
  return undefined;
}

/** What the user reads for an error feedProblemOf() recognises. */
export function userTextOf(error: unknown): string {
  if (error instanceof FeedProblemError) return error.userText;
  return feedText(feedProblemOf(error) ?? "unknown");
}
