/**
 * The one place that talks to Discord for alerts, and the one place that decides what an error
 * means for delivery: the channel is gone, we may not post there, try again later, or Discord
 * rejected this particular message.
 */
import {
  ChannelFlags,
  type Client,
  DiscordAPIError,
  HTTPError,
  PermissionFlagsBits,
  RateLimitError,
  type REST,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIGuildForumThreadsJSONBody,
  Routes,
  SnowflakeUtil,
} from "discord.js";
import { alertTargetOf, missingFor, NEEDED } from "../discord/permissions.js";
import type { AlertTarget, StatusCode } from "../subscriptions/store.js";
import { type ForumTag, REQUIRE_TAG_FLAG } from "./forum.js";
import { pingFields } from "./pings.js";

/** 2015-01-01, where Discord's snowflake clock starts. */
const DISCORD_EPOCH_MS = 1_420_070_400_000;

export interface ChannelPoster {
  /**
   * Posts one message; throws (ideally a `PostError`) when Discord did not take it. `target` says
   * whether `channelId` is a channel or a thread, which names what a refusal means the bot lacks.
   */
  post(
    channelId: string,
    body: RESTPostAPIChannelMessageJSONBody,
    signal?: AbortSignal,
    target?: AlertTarget,
  ): Promise<{ id: string }>;
  /**
   * A message this bot posted in the channel after `since` (epoch ms) carrying the same embeds
   * as `body`, if there is one among the messages since then. Discord deduplicates a repeated
   * nonce for a few minutes only; a batch resumed later is looked for here before it is posted
   * again. Throws like `post`.
   */
  /**
   * Replaces a message's embeds (the bot's own message); throws like `post`, with Discord's
   * 10008 when the message was deleted.
   */
  edit?(
    channelId: string,
    messageId: string,
    body: { embeds: RESTPostAPIChannelMessageJSONBody["embeds"] },
    signal?: AbortSignal,
  ): Promise<void>;
  findPosted?(
    channelId: string,
    body: RESTPostAPIChannelMessageJSONBody,
    since: number,
    signal?: AbortSignal,
  ): Promise<{ id: string } | undefined>;
}

/** A post to create in a forum or media channel: the thread's title, tags and first message. */
export interface ForumPost {
  name: string;
  message: RESTPostAPIChannelMessageJSONBody;
  appliedTags?: string[];
}

/** What a forum offers posts: its tags, and whether a post must carry one. */
export interface ForumInfo {
  tags: ForumTag[];
  requireTag: boolean;
}

/**
 * Forum posts. Creating one (POST /channels/{id}/threads) takes no nonce, so a post that may
 * have been created before a crash is looked for before it is created again.
 */
export interface ForumPoster {
  forumInfo(forumId: string, signal?: AbortSignal): Promise<ForumInfo>;
  createPost(forumId: string, post: ForumPost, signal?: AbortSignal): Promise<{ id: string }>;
  /**
   * A post this bot created in the forum after `since` (epoch ms) with this title and, where the
   * bot may read it, the same first message; among the guild's active threads and the forum's
   * recently archived ones.
   */
  findPost(
    guildId: string,
    forumId: string,
    post: ForumPost,
    since: number,
    signal?: AbortSignal,
  ): Promise<{ id: string } | undefined>;
}

/** How many pages of 100 messages `findPosted` reads at most (a busy channel). */
const FIND_PAGES = 5;

interface ListedThread {
  id: string;
  parent_id?: string | null;
  owner_id?: string;
  name?: string;
}

interface ListedMessage {
  id: string;
  author?: { id?: string };
  embeds?: Array<{ title?: string; url?: string; description?: string }>;
}

/** What identifies a message we posted: its embeds' titles, links and texts, in order. */
function embedsKey(embeds: ListedMessage["embeds"]): string {
  return JSON.stringify(
    (embeds ?? []).map((e) => [e.title ?? "", e.url ?? "", e.description ?? ""]),
  );
}

/**
 * The body as it may go to Discord: whatever text a feed smuggles in, nothing is parsed for
 * mentions (`parse` is always empty). A body that asks for role pings
 * (`allowed_mentions.roles`) pings those roles only, once each, ids checked as snowflakes, and
 * its content is rebuilt from them; any other body keeps its content and pings nobody.
 */
export function withOnlyRolePings(
  body: RESTPostAPIChannelMessageJSONBody,
): RESTPostAPIChannelMessageJSONBody {
  const { content, allowed_mentions: asked, ...rest } = body;
  const roles = asked?.roles;
  if (!Array.isArray(roles)) {
    return {
      ...rest,
      ...(content !== undefined ? { content } : {}),
      allowed_mentions: { parse: [] },
    };
  }
  return { ...rest, ...pingFields(roles) };
}

/**
 * - `channel-gone`: 10003 Unknown Channel — disable the channel's subscriptions, drop its queue.
 * - `forbidden`: 50001 / 50013 and other 403s — pause, keep the queue.
 * - `transient`: 5xx, network, timeouts, rate limits surfaced as errors, 401 — retry later.
 * - `blocked`: the place takes no posts for now for a reason an admin can fix (a locked thread,
 *   a forum that requires a tag) — pause with that reason, keep the queue.
 * - `rejected`: any other 4xx (e.g. 50035 invalid form body) — this message will never be taken.
 * - `message-gone`: the message an edit was for was deleted — the edit is moot.
 */
export type PostFailureKind =
  | "channel-gone"
  | "forbidden"
  | "blocked"
  | "transient"
  | "rejected"
  | "message-gone";

export class PostError extends Error {
  override name = "PostError";

  constructor(
    readonly kind: PostFailureKind,
    message: string,
    readonly details: {
      status?: number;
      code?: number | string;
      /** Milliseconds Discord asked us to wait, when it said. */
      retryAfterMs?: number;
      /** A 429 for the whole bot, not one route: every sender must wait (see src/work/). */
      global?: boolean;
      /** For `forbidden`: what the bot lacks, in words for the admin. */
      missing?: string;
      /** The same as Discord's English permission names; `missingAnyOf` when one of them would do. */
      missingPermissions?: string[];
      missingAnyOf?: boolean;
      /** For `blocked`: why, in words for the admin (the subscription's pause reason). */
      reason?: string;
      /** The same as a code, for the admin's language. */
      reasonCode?: StatusCode;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const UNKNOWN_CHANNEL = 10003;
export const UNKNOWN_MESSAGE = 10008;
export const MISSING_ACCESS = 50001;
export const MISSING_PERMISSIONS = 50013;
export const ARCHIVED_THREAD = 50083;
export const THREAD_LOCKED = 160005;
export const TAG_REQUIRED = 40067;

/** Codes that mean "paused until an admin acts", with the reason shown in /subscriptions. */
const BLOCKED: Record<number, { reason: string; reasonCode: StatusCode }> = {
  // Discord reopens an archived thread for a new message, unless it is also locked.
  [ARCHIVED_THREAD]: { reason: "the thread is closed and locked", reasonCode: "thread-closed" },
  [THREAD_LOCKED]: { reason: "the thread is locked", reasonCode: "thread-locked" },
  [TAG_REQUIRED]: {
    reason: "the forum requires a tag on every post and has none named after the topic",
    reasonCode: "tag-required",
  },
};

/** Maps anything a post can throw onto what delivery should do about it. */
export function classifyPostError(error: unknown): PostError {
  if (error instanceof PostError) return error;
  if (error instanceof DiscordAPIError) {
    const { status, code } = error;
    const details = { status, code };
    if (code === UNKNOWN_CHANNEL) return new PostError("channel-gone", error.message, details);
    const blocked = typeof code === "number" ? BLOCKED[code] : undefined;
    if (blocked) {
      return new PostError("blocked", error.message, { ...details, ...blocked }, { cause: error });
    }
    if (status === 403 || code === MISSING_ACCESS || code === MISSING_PERMISSIONS) {
      return new PostError("forbidden", error.message, details, { cause: error });
    }
    // 401 means our token is wrong, 408/429 mean later: none of them is the message's fault,
    // so dropping the stories would lose them for an operator problem.
    if (status === 401 || status === 408 || status === 429 || status >= 500) {
      return new PostError("transient", error.message, details, { cause: error });
    }
    return new PostError("rejected", error.message, details, { cause: error });
  }
  if (error instanceof RateLimitError) {
    return new PostError(
      "transient",
      error.message,
      { status: 429, retryAfterMs: error.retryAfter, global: error.global },
      { cause: error },
    );
  }
  if (error instanceof HTTPError) {
    return new PostError("transient", error.message, { status: error.status }, { cause: error });
  }
  // Network failures, aborts, timeouts: the message may or may not have arrived; the nonce
  // makes the retry safe either way.
  const message = error instanceof Error ? error.message : String(error);
  return new PostError("transient", message, {}, { cause: error });
}

export interface DiscordJsPosterOptions {
  /** When given, its cache names the missing permission on 403 (Discord's error does not). */
  client?: Client;
}

/** `ChannelPoster` over discord.js REST (`client.rest` or a standalone `REST`). */
export class DiscordJsPoster implements ChannelPoster, ForumPoster {
  constructor(
    private readonly rest: REST,
    private readonly options: DiscordJsPosterOptions = {},
  ) {}

  async post(
    channelId: string,
    body: RESTPostAPIChannelMessageJSONBody,
    signal?: AbortSignal,
    target: AlertTarget = "channel",
  ): Promise<{ id: string }> {
    const payload = withOnlyRolePings(body);
    try {
      const result = (await this.rest.post(Routes.channelMessages(channelId), {
        body: payload,
        ...(signal ? { signal } : {}),
      })) as { id?: unknown };
      return { id: typeof result.id === "string" ? result.id : "" };
    } catch (error) {
      throw this.failure(channelId, target, error);
    }
  }

  async edit(
    channelId: string,
    messageId: string,
    body: { embeds: RESTPostAPIChannelMessageJSONBody["embeds"] },
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      await this.rest.patch(Routes.channelMessage(channelId, messageId), {
        // Alerts never ping; an edit keeps it so.
        body: { embeds: body.embeds, allowed_mentions: { parse: [] } },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw this.failure(channelId, "channel", error);
    }
  }

  async findPosted(
    channelId: string,
    body: RESTPostAPIChannelMessageJSONBody,
    since: number,
    signal?: AbortSignal,
  ): Promise<{ id: string } | undefined> {
    const wanted = embedsKey(body.embeds as ListedMessage["embeds"]);
    const me = this.options.client?.user?.id;
    let after = SnowflakeUtil.generate({ timestamp: Math.max(since, DISCORD_EPOCH_MS) }).toString();
    try {
      for (let page = 0; page < FIND_PAGES; page++) {
        const query = new URLSearchParams({ after, limit: "100" });
        const list = (await this.rest.get(Routes.channelMessages(channelId), {
          query,
          ...(signal ? { signal } : {}),
        })) as ListedMessage[];
        if (!Array.isArray(list) || list.length === 0) return undefined;
        const hit = list.find(
          (m) => (me === undefined || m.author?.id === me) && embedsKey(m.embeds) === wanted,
        );
        if (hit) return { id: hit.id };
        if (list.length < 100) return undefined;
        // Newest first: the next page starts after the newest of this one.
        after = list.reduce((a, m) => (BigInt(m.id) > BigInt(a) ? m.id : a), after);
      }
      return undefined;
    } catch (error) {
      throw classifyPostError(error);
    }
  }

  async forumInfo(forumId: string, signal?: AbortSignal): Promise<ForumInfo> {
    const cached = this.options.client?.channels.cache.get(forumId);
    if (cached?.isThreadOnly()) {
      return {
        tags: cached.availableTags.map((t) => ({ id: t.id, name: t.name, moderated: t.moderated })),
        requireTag: cached.flags.has(ChannelFlags.RequireTag),
      };
    }
    try {
      const raw = (await this.rest.get(Routes.channel(forumId), {
        ...(signal ? { signal } : {}),
      })) as { available_tags?: ForumTag[]; flags?: number };
      return {
        tags: (raw.available_tags ?? []).map((t) => ({
          id: t.id,
          name: t.name,
          moderated: t.moderated === true,
        })),
        requireTag: ((raw.flags ?? 0) & REQUIRE_TAG_FLAG) !== 0,
      };
    } catch (error) {
      throw this.failure(forumId, "forum", error);
    }
  }

  async createPost(
    forumId: string,
    post: ForumPost,
    signal?: AbortSignal,
  ): Promise<{ id: string }> {
    const body: RESTPostAPIGuildForumThreadsJSONBody = {
      name: post.name,
      message: withOnlyRolePings(post.message),
      ...(post.appliedTags && post.appliedTags.length > 0
        ? { applied_tags: post.appliedTags }
        : {}),
    };
    try {
      const result = (await this.rest.post(Routes.threads(forumId), {
        body,
        ...(signal ? { signal } : {}),
      })) as { id?: unknown };
      return { id: typeof result.id === "string" ? result.id : "" };
    } catch (error) {
      throw this.failure(forumId, "forum", error);
    }
  }

  async findPost(
    guildId: string,
    forumId: string,
    post: ForumPost,
    since: number,
    signal?: AbortSignal,
  ): Promise<{ id: string } | undefined> {
    const me = this.options.client?.user?.id;
    const floor = BigInt(
      SnowflakeUtil.generate({ timestamp: Math.max(since, DISCORD_EPOCH_MS) }).toString(),
    );
    const wanted = embedsKey(post.message.embeds as ListedMessage["embeds"]);
    // Only this bot's posts in this forum since the batch was saved, with the same title. A
    // channel has one batch under way at a time, so such a post can only be this batch's.
    const ours = (t: ListedThread): boolean =>
      t.parent_id === forumId &&
      (me === undefined || t.owner_id === me) &&
      t.name === post.name &&
      BigInt(t.id) >= floor;
    const options = signal ? { signal } : {};
    try {
      const active = (await this.rest.get(Routes.guildActiveThreads(guildId), options)) as {
        threads?: ListedThread[];
      };
      const candidates = (active.threads ?? []).filter(ours);
      if (candidates.length === 0) {
        // Archived since (a forum's posts archive after an hour without activity at the least).
        const archived = (await this.rest.get(Routes.channelThreads(forumId, "public"), {
          query: new URLSearchParams({ limit: "100" }),
          ...options,
        })) as { threads?: ListedThread[] };
        candidates.push(...(archived.threads ?? []).filter(ours));
      }
      for (const thread of candidates) {
        // In a forum the first message has the thread's id. Without Read Message History the
        // bot cannot read it, and the title and time are the evidence.
        const first = (await this.rest
          .get(Routes.channelMessage(thread.id, thread.id), options)
          .catch((error: unknown) => {
            if (classifyPostError(error).kind === "forbidden") return undefined;
            throw error;
          })) as ListedMessage | undefined;
        if (!first || embedsKey(first.embeds) === wanted) return { id: thread.id };
      }
      return undefined;
    } catch (error) {
      throw classifyPostError(error);
    }
  }

  /** A failure, naming what the bot lacks when Discord said "forbidden". */
  private failure(channelId: string, target: AlertTarget, error: unknown): PostError {
    const failure = classifyPostError(error);
    if (failure.kind === "forbidden") {
      const { names, anyOf } = this.missingIn(channelId, target, failure.details.code);
      failure.details.missing = names.join(anyOf ? " or " : ", ");
      failure.details.missingPermissions = names;
      failure.details.missingAnyOf = anyOf;
    }
    return failure;
  }

  /**
   * Names what the bot lacks from the gateway cache, or the likely culprits from the code when
   * the channel is not cached (threads often are not): in either case by the permission table of
   * where alerts go, so a thread names Send Messages in Threads and a forum Create Posts.
   */
  private missingIn(
    channelId: string,
    target: AlertTarget,
    code: number | string | undefined,
  ): { names: string[]; anyOf: boolean } {
    const channel = this.options.client?.channels.cache.get(channelId);
    const me = this.options.client?.user;
    if (
      channel &&
      me &&
      "permissionsFor" in channel &&
      typeof channel.permissionsFor === "function"
    ) {
      const where = alertTargetOf(channel.type) ?? target;
      const named = missingFor(where, channel.permissionsFor(me));
      if (named && named.length > 0) return { names: named, anyOf: false };
    }
    const needed = NEEDED[target];
    const view = needed.filter(([bit]) => bit === PermissionFlagsBits.ViewChannel);
    if (code === MISSING_ACCESS) return { names: view.map(([, name]) => name), anyOf: false };
    // 50013 does not say which: one of those beyond seeing the channel.
    const rest = needed.filter(([bit]) => bit !== PermissionFlagsBits.ViewChannel);
    return { names: rest.map(([, name]) => name), anyOf: true };
  }
}
