import { describe, expect, it } from "vitest";
import {
  FEED_PROBLEMS,
  FeedProblemError,
  feedProblemOf,
  problemKey,
  problemText,
  userTextOf,
} from "../../src/feeds/errors.js";
import { FetchError } from "../../src/feeds/fetch.js";
import { BlockedUrlError } from "../../src/feeds/guard.js";
import { FeedParseError } from "../../src/feeds/parse.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { StorageUnavailableError } from "../../src/store/unavailable.js";

const messages = loadMessages();
const english = messages.for("en");
const german = messages.for("de");

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
    expect(userTextOf(error, english)).toBe(english.t(problemKey(reason)));
    expect(userTextOf(error, german)).toBe(german.t(problemKey(reason)));
  });

  it("does not claim a bug as a feed problem", () => {
    expect(feedProblemOf(new TypeError("x is undefined"))).toBeUndefined();
  });

  it("puts a stored reason into words, and an unknown or missing one (older versions) plainly", () => {
    expect(problemText(english, "private-address")).toBe(
      "That address is on a private network, which feeds may not use.",
    );
    expect(problemText(german, "private-address")).toBe(
      "Diese Adresse liegt in einem privaten Netz, und das dürfen Feeds nicht nutzen.",
    );
    expect(problemText(english, undefined)).toBe("The feed could not be read.");
    expect(problemText(english, "HTTP 503")).toBe("The feed could not be read.");
    expect(problemText(english, "no-feeds")).toBe("The feed could not be read.");
  });

  it("has a sentence in every language for every code, none of them English in de or fr", () => {
    for (const reason of FEED_PROBLEMS) {
      const en = messages.maybe("en", problemKey(reason));
      expect(en, reason).toBeTruthy();
      for (const locale of ["de", "fr"] as const) {
        expect(messages.maybe(locale, problemKey(reason)), `${locale} ${reason}`).not.toBe(en);
      }
    }
  });

  it("names the problem behind a page's unreadable feeds in the reader's language", () => {
    const error = new FeedProblemError(
      "page-feeds-unreadable",
      "https://x/feed: HTTP 404",
      "not-found",
    );
    expect(userTextOf(error, english)).toBe(
      "That address is a web page; the feeds it names could not be read. The first one: There is nothing at that address (the server says it does not exist).",
    );
    expect(userTextOf(error, german)).toBe(
      "Diese Adresse ist eine Webseite; die Feeds, die sie nennt, ließen sich nicht lesen. Der erste: Unter dieser Adresse gibt es nichts (laut Server existiert sie nicht).",
    );
  });
});
