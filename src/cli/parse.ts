import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseHostAllowList } from "../feeds/allow-list.js";
import { FetchError, Fetcher } from "../feeds/fetch.js";
import { feedIdFor } from "../feeds/id.js";
import { normalizeFeed } from "../feeds/normalize.js";
import { FeedParseError, parseFeed } from "../feeds/parse.js";
import type { FeedSource } from "../feeds/types.js";
import { USER_AGENT } from "../version.js";

export interface ParseCommandOptions {
  timeoutMs: number;
  maxBytes: number;
  out: (line: string) => void;
}

/** A path on disk, or a URL; the operator runs the CLI, so private hosts and files are allowed. */
function toFeedUrl(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !existsSync(target)) return target;
  return pathToFileURL(resolve(target)).href;
}

/** Prints one JSON line per story. Throws FetchError or FeedParseError on a feed it cannot read. */
export async function parseCommand(target: string, options: ParseCommandOptions): Promise<number> {
  const url = toFeedUrl(target);
  const fetcher = new Fetcher({
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: Math.min(options.timeoutMs, 5000),
    maxBytes: options.maxBytes,
    maxRedirects: 5,
    userAgent: USER_AGENT,
    policy: { allow: parseHostAllowList("0.0.0.0/0, ::/0") },
  });
  try {
    const result = await fetcher.fetch({ url, allowFile: true });
    if (result.status !== "ok")
      throw new FetchError("unexpected 304 without validators", "http", 304);
    const parsed = await parseFeed(result.text);
    const source: FeedSource = {
      id: feedIdFor(url),
      name: parsed.title ?? target,
      url,
      origin: "operator",
    };
    const stories = normalizeFeed(parsed, source, Date.now());
    for (const s of stories) {
      options.out(
        JSON.stringify({
          id: s.id,
          title: s.title,
          url: s.url ?? null,
          publishedAt: s.publishedAt,
          author: s.author ?? null,
          text: s.text,
        }),
      );
    }
    return stories.length;
  } finally {
    await fetcher.close();
  }
}

export function isFeedError(error: unknown): error is FetchError | FeedParseError {
  return error instanceof FetchError || error instanceof FeedParseError;
}
