/**
 * Feeds that servers add for themselves (`/feeds add`). A feed's id comes from its URL, so two
 * servers adding the same URL share one feed and one poll; the poller asks `allFeeds()` for the
 * deduplicated list. Kept in storage and mirrored in memory, like subscriptions: the poller reads
 * the list every cycle.
 */
import type Keyv from "keyv";
import type { MessageKey, Vars } from "../i18n/messages.js";
import { GuildLists } from "../store/guild-lists.js";
import type { KeyedLock } from "../store/mutex.js";
import { truncateText } from "../text/truncate.js";
import { type FeedLink, findFeedLinks } from "./discover.js";
import { type FeedProblem, FeedProblemError, feedProblemOf } from "./errors.js";
import type { Fetcher } from "./fetch.js";
import { feedIdFor } from "./id.js";
import { FeedParseError, parseFeed } from "./parse.js";
import type { FeedSource } from "./types.js";

export interface GuildFeed extends FeedSource {
  origin: "guild";
  addedBy: string;
  addedAt: number;
}

export const MAX_FEEDS_PER_GUILD = 20;
const MAX_URL_LENGTH = 2048;
const MAX_NAME_LENGTH = 100;

/** A refusal to add a feed: the catalogue sentence for the user; `message` is the key, for logs. */
export class GuildFeedError extends Error {
  override name = "GuildFeedError";
  constructor(
    readonly key: MessageKey,
    readonly vars: Vars = {},
  ) {
    super(key);
  }
}

export interface AddFeedInput {
  url: string;
  name: string;
  addedBy: string;
  language?: string;
}

export class GuildFeedStore {
  readonly #lists: GuildLists<GuildFeed>;

  constructor(
    kv: Keyv,
    readonly maxPerGuild: number = MAX_FEEDS_PER_GUILD,
    /** A fleet's shared lock: its gateways (shards) all rewrite the one list of servers. */
    lock?: KeyedLock,
  ) {
    this.#lists = new GuildLists<GuildFeed>(kv, "gfeeds", undefined, lock);
  }

  /** Loads every guild's feeds into memory; call once at start. */
  async load(): Promise<void> {
    await this.#lists.load();
  }

  forGuild(guildId: string): GuildFeed[] {
    return [...this.#lists.get(guildId)];
  }

  /** Every guild feed once, however many servers added it (the first server's name is kept). */
  allFeeds(): FeedSource[] {
    const byId = new Map<string, FeedSource>();
    for (const [, list] of this.#lists.entries()) {
      for (const f of list) {
        if (!byId.has(f.id))
          byId.set(f.id, {
            id: f.id,
            name: f.name,
            url: f.url,
            origin: "guild",
            language: f.language,
          });
      }
    }
    return [...byId.values()];
  }

  /** Servers that added this feed; when none is left the feed's state may be dropped. */
  guildsUsing(feedId: string): string[] {
    const guilds: string[] = [];
    for (const [g, list] of this.#lists.entries()) {
      if (list.some((f) => f.id === feedId)) guilds.push(g);
    }
    return guilds;
  }

  /**
   * Adds a feed to a server. Adding a URL the server already has returns the existing entry with
   * `added: false`. Throws GuildFeedError at the per-server limit.
   */
  async add(guildId: string, input: AddFeedInput): Promise<{ feed: GuildFeed; added: boolean }> {
    const url = input.url.trim();
    const id = feedIdFor(url);
    return this.#lists.update(guildId, (list) => {
      const existing = list.find((f) => f.id === id);
      if (existing) return { feed: existing, added: false };
      if (list.length >= this.maxPerGuild) {
        throw new GuildFeedError("feeds.limit", { max: this.maxPerGuild });
      }
      const feed: GuildFeed = {
        id,
        name: truncateText(input.name.trim(), MAX_NAME_LENGTH) || new URL(url).hostname,
        url,
        origin: "guild",
        addedBy: input.addedBy,
        addedAt: Date.now(),
        ...(input.language ? { language: input.language } : {}),
      };
      list.push(feed);
      return { feed, added: true };
    });
  }

  async remove(guildId: string, feedId: string): Promise<GuildFeed | undefined> {
    return this.#lists.update(guildId, (list) => {
      const index = list.findIndex((f) => f.id === feedId);
      if (index < 0) return undefined;
      return list.splice(index, 1)[0];
    });
  }

  /** Forgets a server's feeds (the bot left it). */
  async removeGuild(guildId: string): Promise<void> {
    await this.#lists.removeGuild(guildId);
  }
}

/** The operator's feeds plus the servers' feeds, each id once; the operator's entry wins. */
export function mergeFeeds(
  operator: readonly FeedSource[],
  guild: readonly FeedSource[],
): FeedSource[] {
  const ids = new Set(operator.map((f) => f.id));
  return [...operator, ...guild.filter((f) => !ids.has(f.id))];
}

export interface ValidatedFeed {
  url: string;
  title?: string;
  language?: string;
  items: number;
  /** Set when the address given was a web page and `url` is a feed the page names. */
  discovery?: {
    page: string;
    /** The page's other feeds, in page order. */
    others: FeedLink[];
    /** Feeds the page named that were tried first and could not be read, for the log. */
    failed: Array<{ url: string; reason: FeedProblem; detail: string }>;
  };
}

/** At most this many of a page's feeds are fetched before giving up (each may take the timeout). */
const MAX_DISCOVERED_TRIES = 3;

/** Checks what can be checked without a request: an http(s) URL of sane length. */
export function checkFeedUrl(raw: string): string {
  const url = raw.trim();
  if (url.length > MAX_URL_LENGTH)
    throw new FeedProblemError("url-too-long", `URL of ${url.length} characters`);
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new FeedProblemError("invalid-url", "not an absolute http(s) URL");
  }
  return url;
}

interface Fetched {
  text: string;
  finalUrl: string;
  contentType?: string;
}

async function fetchText(fetcher: Fetcher, url: string): Promise<Fetched> {
  const result = await fetcher.fetch({ url, userGiven: true });
  // A 304 to a request without validators: nothing to read.
  if (result.status !== "ok")
    throw new FeedProblemError("empty", "304 Not Modified without validators");
  return { text: result.text, finalUrl: result.finalUrl, contentType: result.contentType };
}

async function readFeed(
  fetcher: Fetcher,
  url: string,
): Promise<ValidatedFeed & { page?: Fetched }> {
  const fetched = await fetchText(fetcher, url);
  try {
    const parsed = await parseFeed(fetched.text, 50);
    return { url, title: parsed.title, language: parsed.language, items: parsed.items.length };
  } catch (error) {
    const html = /html/i.test(fetched.contentType ?? "");
    if (error instanceof FeedParseError && (error.reason === "html-page" || html)) {
      return { url, items: 0, page: fetched };
    }
    throw error;
  }
}

/**
 * Proves a URL is a readable feed by fetching and parsing it now, through the same fetcher (and
 * so the same private-address policy and port rule) the poller uses. A web page is searched for
 * the feeds it names, and the first of them that reads is the answer. Refusals are thrown as
 * errors src/feeds/errors.ts knows (FetchError, FeedParseError, FeedProblemError).
 */
export async function validateFeed(fetcher: Fetcher, raw: string): Promise<ValidatedFeed> {
  const url = checkFeedUrl(raw);
  const { page, ...feed } = await readFeed(fetcher, url);
  return page ? fromPage(fetcher, url, page) : feed;
}

async function fromPage(fetcher: Fetcher, url: string, page: Fetched): Promise<ValidatedFeed> {
  const links = findFeedLinks(page.text, page.finalUrl);
  if (links.length === 0)
    throw new FeedProblemError("page-without-feeds", "an HTML page that names no feed");
  const failed: Array<{ url: string; reason: FeedProblem; detail: string }> = [];
  for (const link of links.slice(0, MAX_DISCOVERED_TRIES)) {
    try {
      const { page: another, ...feed } = await readFeed(fetcher, checkFeedUrl(link.url));
      // A page naming another page is not followed further.
      if (another)
        throw new FeedProblemError("html-page", "the page's feed link leads to another page");
      const others = links.filter((l) => l !== link);
      return { ...feed, discovery: { page: url, others, failed } };
    } catch (error) {
      const reason = feedProblemOf(error);
      if (!reason || reason === "storage-unavailable") throw error;
      failed.push({ url: link.url, reason, detail: (error as Error).message });
    }
  }
  const first = failed[0];
  throw new FeedProblemError(
    "page-feeds-unreadable",
    failed.map((f) => `${f.url}: ${f.detail}`).join("; "),
    first?.reason ?? "unknown",
  );
}
