/**
 * Why a feed could not be added or polled, as a stable code; the plain words a server admin reads
 * for each are in the message catalogue (`feedProblem.<code>` in config/locales/), so they reach
 * the user in their language and the terminal and logs in English from the same sentences. The
 * technical detail (parser line and column, the address range, the library's message, the setting
 * that would open it) goes to the log and the operator's CLI, never to a Discord reply: it means
 * nothing to an admin and tells an attacker how the guard works.
 */
import type { MessageKey, Vars } from "../i18n/messages.js";
import { isStorageUnavailable } from "../store/unavailable.js";
import { FetchError } from "./fetch.js";
import { BlockedUrlError } from "./guard.js";
import { FeedParseError } from "./parse.js";

/** The codes a failed add or poll is recorded under (FeedState.lastErrorReason). */
export const FEED_PROBLEMS = [
  // The address itself.
  "invalid-url",
  "url-too-long",
  "unsupported-scheme",
  "credentials-in-url",
  "private-address",
  "port-not-allowed",
  // Fetching it.
  "not-found",
  "forbidden",
  "rate-limited",
  "server-error",
  "http-error",
  "timeout",
  "too-large",
  "too-many-redirects",
  "unreachable",
  // What came back.
  "empty",
  "html-page",
  "page-without-feeds",
  "not-a-feed",
  "unusable-items",
  "page-feeds-unreadable",
  // Ours.
  "storage-unavailable",
  "unknown",
] as const;

export type FeedProblem = (typeof FEED_PROBLEMS)[number];

/** What renders a catalogue key: a user's Translator, or the English one for the terminal. */
export interface FeedWords {
  t(key: MessageKey, vars?: Vars): string;
}

function isFeedProblem(reason: string): reason is FeedProblem {
  return (FEED_PROBLEMS as readonly string[]).includes(reason);
}

/** The catalogue key of a problem's sentence (the type check proves every code has one). */
export function problemKey(reason: FeedProblem): MessageKey {
  return `feedProblem.${reason}`;
}

/** A stored reason (possibly from an older version, or absent) in words. */
export function problemText(words: FeedWords, reason: string | undefined): string {
  return words.t(problemKey(reason !== undefined && isFeedProblem(reason) ? reason : "unknown"));
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
    /** The problem behind this one, named in its sentence (the first of a page's feeds, say). */
    readonly behind?: FeedProblem,
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

/** What the user reads for an error feedProblemOf() recognises, in the language of `words`. */
export function userTextOf(error: unknown, words: FeedWords): string {
  const reason = feedProblemOf(error) ?? "unknown";
  const behind = error instanceof FeedProblemError ? error.behind : undefined;
  return words.t(problemKey(reason), behind ? { reason: words.t(problemKey(behind)) } : {});
}
