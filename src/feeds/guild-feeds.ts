/**
 * Feeds that servers add for themselves (`/feeds add`). A feed's id comes from its URL, so two
 * servers adding the same URL share one feed and one poll; the poller asks `allFeeds()` for the
 * deduplicated list. Kept in storage and mirrored in memory, like subscriptions: the poller reads
 * the list every cycle.
 */
import type Keyv from "keyv";
import { GuildLists } from "../store/guild-lists.js";
import { truncateText } from "../text/truncate.js";
import { FetchError, type Fetcher } from "./fetch.js";
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

/** A refusal to add a feed; its message is one sentence for the user. */
export class GuildFeedError extends Error {
  override name = "GuildFeedError";
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
  ) {
    this.#lists = new GuildLists<GuildFeed>(kv, "gfeeds");
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
        throw new GuildFeedError(
          `This server already has ${this.maxPerGuild} feeds of its own, the most it may have; remove one with /feeds remove first.`,
        );
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
}

/** Checks what can be checked without a request: an http(s) URL of sane length. */
export function checkFeedUrl(raw: string): string {
  const url = raw.trim();
  if (url.length > MAX_URL_LENGTH)
    throw new GuildFeedError("That URL is too long for a feed address.");
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new GuildFeedError("A feed address must be a full http:// or https:// URL.");
  }
  return url;
}

/**
 * Proves a URL is a readable feed by fetching and parsing it now, through the same fetcher (and
 * so the same private-address policy) the poller uses. Every refusal is one sentence.
 */
export async function validateFeed(fetcher: Fetcher, raw: string): Promise<ValidatedFeed> {
  const url = checkFeedUrl(raw);
  let text: string;
  try {
    const result = await fetcher.fetch({ url, userGiven: true });
    if (result.status !== "ok") throw new GuildFeedError("The server sent no feed content.");
    text = result.text;
  } catch (error) {
    if (error instanceof GuildFeedError) throw error;
    if (error instanceof FetchError) throw new GuildFeedError(describeFetchError(error));
    throw error;
  }
  try {
    const parsed = await parseFeed(text, 50);
    return { url, title: parsed.title, language: parsed.language, items: parsed.items.length };
  } catch (error) {
    if (error instanceof FeedParseError) {
      throw new GuildFeedError(`That address answered, but not with a feed: ${error.message}.`);
    }
    throw error;
  }
}

function describeFetchError(error: FetchError): string {
  const reason = error.message.replace(/\.$/, "");
  switch (error.kind) {
    case "blocked":
      return `That address is refused: ${reason}.`;
    case "not-found":
      return `There is no feed at that address (${reason}).`;
    case "timeout":
      return `The feed did not answer in time (${reason}).`;
    case "too-large":
      return `The feed is too large (${reason}).`;
    default:
      return `The feed could not be fetched (${reason}).`;
  }
}
