import { describe, expect, it } from "vitest";
import {
  FEED_TEXT,
  feedProblemOf,
  feedText,
  problemText,
  userTextOf,
} from "../../src/feeds/errors.js";
import { FetchError } from "../../src/feeds/fetch.js";
import { BlockedUrlError } from "../../src/feeds/guard.js";
import { FeedParseError } from "../../src/feeds/parse.js";
import { StorageUnavailableError } from "../../src/store/unavailable.js";

describe("feed errors", () => {
  it.each([
    [new FetchError("HTTP 404", "not-found", 404), "not-found"],
    [new FetchError("HTTP 403", "http", 403), "forbidden"],
    [new FetchError("HTTP 429", "http", 429, 120), "rate-limited"],
    [new FetchError("HTTP 503", "http", 503), "server-error"],
    [new FetchError("HTTP 418", "http", 418), "http-error"],
    [new FetchError("no complete answer within 5000 ms", "timeout"), "timeout"],
    [new FetchError("feed is larger than 5 bytes", "too-large"), "too-large"],
    [new FetchError("more than 5 redirects", "redirects"), "too-many-redirects"],
    [new FetchError("network error: ENOTFOUND", "network"), "unreachable"],
    [new FetchError("not a valid URL: x", "blocked"), "invalid-url"],
    [
      FetchError.blocked(new BlockedUrlError("… (ALLOW_FEED_PORTS)", "port-not-allowed")),
      "port-not-allowed",
    ],
    [
      new FeedParseError("not a readable feed: Unclosed root tag Line: 0 Column: 76 Char:"),
      "not-a-feed",
    ],
    [new FeedParseError("not XML (does not start with a tag)", "not-xml"), "not-a-feed"],
    [new FeedParseError("an HTML page, not a feed", "html-page"), "html-page"],
    [
      new Error("wrapped", {
        cause: new StorageUnavailableError("get", new Error("The client is offline")),
      }),
      "storage-unavailable",
    ],
  ] as const)("%s is %s", (error, reason) => {
    expect(feedProblemOf(error)).toBe(reason);
    expect(userTextOf(error)).toBe(FEED_TEXT[reason]);
  });

  it("does not claim a bug as a feed problem", () => {
    expect(feedProblemOf(new TypeError("x is undefined"))).toBeUndefined();
  });

  it("puts a stored reason into words, and an unknown or missing one (older versions) plainly", () => {
    expect(problemText("private-address")).toBe(FEED_TEXT["private-address"]);
    expect(problemText(undefined)).toBe("The feed could not be read.");
    expect(problemText("HTTP 503")).toBe("The feed could not be read.");
    expect(problemText("no-feeds")).toBe("The feed could not be read.");
  });

  it("fills placeholders once, leaving text that looks like one alone", () => {
    expect(feedText("discovered-others", { list: "{list} {items}" })).toBe(
      "The page also names: {list} {items}.",
    );
  });
});
