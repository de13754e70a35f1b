/**
 * REST v10 routes. Each handler gets the parsed request and returns status/headers/body;
 * transport concerns (HTTP parsing, outage, logging) live in server.ts.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Gateway } from "./gateway.js";
import { mentionsOf } from "./mentions.js";
import type { FixedWindowLimiter } from "./ratelimit.js";
import {
  botSeesThread,
  channelJson,
  channelPermissions,
  type EmulatedChannel,
  type EmulatedGuild,
  type EmulatedMessage,
  type EmulatorState,
  EPHEMERAL_FLAG,
  guildJson,
  type InteractionRecord,
  type JsonObject,
  LOADING_FLAG,
  memberJson,
  normaliseEmbed,
  Perm,
  roleJson,
  type StoredCommand,
  snowflake,
  THREAD_ONLY_TYPES,
  userJson,
} from "./state.js";
import { attachmentsAfter, type Upload } from "./uploads.js";
import {
  FormErrors,
  invalidFormBody,
  isObject,
  validateAutocompleteResult,
  validateCommandBody,
  validateCommandList,
  validateMessageBody,
} from "./validate.js";

export interface RestRequest {
  method: string;
  /** Path after `/api/v10`, without query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** Number of files in a multipart upload. */
  files: number;
  /** The uploaded files themselves (see uploads.ts). */
  uploads?: Upload[];
}

export interface RestResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type Params = Record<string, string>;
type Handler = (params: Params, req: RestRequest) => RestResponse;

interface Route {
  method: string;
  pattern: string;
  segments: string[];
  /** Interaction callbacks and interaction webhooks are authenticated by their token, not the bot token. */
  auth: boolean;
  handler: Handler;
}

export interface MatchResult {
  route: string;
  response: RestResponse;
}

const TEXT_CHANNEL_TYPES = new Set([0, 1, 2, 3, 5, 10, 11, 12, 13]);
const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

const error = (status: number, code: number, message: string): RestResponse => ({
  status,
  body: { message, code },
});

export const Errors = {
  unauthorized: (): RestResponse => ({
    status: 401,
    body: { message: "401: Unauthorized", code: 0 },
  }),
  notFound: (): RestResponse => ({ status: 404, body: { message: "404: Not Found", code: 0 } }),
  methodNotAllowed: (): RestResponse => ({
    status: 405,
    body: { message: "405: Method Not Allowed", code: 0 },
  }),
  unknownChannel: (): RestResponse => error(404, 10003, "Unknown Channel"),
  unknownGuild: (): RestResponse => error(404, 10004, "Unknown Guild"),
  unknownMember: (): RestResponse => error(404, 10007, "Unknown Member"),
  unknownMessage: (): RestResponse => error(404, 10008, "Unknown Message"),
  unknownUser: (): RestResponse => error(404, 10013, "Unknown User"),
  unknownWebhook: (): RestResponse => error(404, 10015, "Unknown Webhook"),
  unknownApplication: (): RestResponse => error(404, 10002, "Unknown Application"),
  unknownCommand: (): RestResponse => error(404, 10063, "Unknown application command"),
  unknownInteraction: (): RestResponse => error(404, 10062, "Unknown interaction"),
  alreadyAcknowledged: (): RestResponse =>
    error(400, 40060, "Interaction has already been acknowledged."),
  missingAccess: (): RestResponse => error(403, 50001, "Missing Access"),
  missingPermissions: (): RestResponse => error(403, 50013, "Missing Permissions"),
  nonTextChannel: (): RestResponse =>
    error(400, 50008, "Cannot send messages in a non-text channel"),
  forumChannel: (): RestResponse => error(400, 40058, "Cannot send a message in a forum channel"),
  archivedThread: (): RestResponse => error(400, 50083, "Thread is archived"),
  threadLocked: (): RestResponse => error(400, 160005, "Thread is locked"),
  tagRequired: (): RestResponse =>
    error(400, 40067, "A tag is required to create a forum post in this channel"),
  wrongChannelType: (): RestResponse =>
    error(400, 50024, "Cannot execute action on this channel type"),
};

export class RestApi {
  private readonly routes: Route[] = [];

  constructor(
    private readonly state: EmulatorState,
    private readonly gateway: Gateway,
    private readonly limiter: FixedWindowLimiter,
    private readonly gatewayUrl: () => string,
  ) {
    this.registerRoutes();
  }

  handle(req: RestRequest): MatchResult {
    const segments = req.path.split("/").filter(Boolean);
    let pathMatched: Route | null = null;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched ??= route;
      if (route.method !== req.method) continue;
      if (route.auth && !this.authorised(req.headers)) {
        return { route: route.pattern, response: Errors.unauthorized() };
      }
      return { route: route.pattern, response: route.handler(params, req) };
    }
    if (pathMatched) return { route: pathMatched.pattern, response: Errors.methodNotAllowed() };
    return { route: "unknown", response: Errors.notFound() };
  }

  private authorised(headers: IncomingHttpHeaders): boolean {
    return headers.authorization === `Bot ${this.state.options.token}`;
  }

  private add(method: string, pattern: string, handler: Handler, auth = true): void {
    this.routes.push({
      method,
      pattern,
      segments: pattern.split("/").filter(Boolean),
      auth,
      handler,
    });
  }

  private registerRoutes(): void {
    const s = this.state;

    this.add("GET", "/gateway", () => ({ status: 200, body: { url: this.gatewayUrl() } }), false);
    this.add("GET", "/gateway/bot", () => ({
      status: 200,
      body: {
        url: this.gatewayUrl(),
        shards: this.state.options.recommendedShards,
        session_start_limit: {
          total: 1000,
          remaining: 999,
          reset_after: 14_400_000,
          max_concurrency: 1,
        },
      },
    }));
    this.add("GET", "/users/@me", () => ({
      status: 200,
      body: { ...userJson(s.botUser), bot: true, verified: true, mfa_enabled: false },
    }));
    this.add("GET", "/users/:user", (p) => {
      const user = s.users.get(p.user ?? "");
      return user ? { status: 200, body: userJson(user) } : Errors.unknownUser();
    });
    this.add("GET", "/applications/@me", () => ({ status: 200, body: this.applicationJson() }));

    // Application commands, global and per guild.
    for (const scoped of [false, true]) {
      const base = scoped
        ? "/applications/:app/guilds/:guild/commands"
        : "/applications/:app/commands";
      this.add("GET", base, (p) =>
        this.withScope(p, (scope) => ({ status: 200, body: this.cmds(scope) })),
      );
      this.add("PUT", base, (p, req) =>
        this.withScope(p, (scope, guildId) => this.bulkOverwrite(scope, guildId, req.body)),
      );
      this.add("POST", base, (p, req) =>
        this.withScope(p, (scope, guildId) => this.createCommand(scope, guildId, req.body)),
      );
      this.add("GET", `${base}/:cmd`, (p) =>
        this.withScope(p, (scope) => {
          const cmd = this.cmds(scope).find((c) => c.id === p.cmd);
          return cmd ? { status: 200, body: cmd } : Errors.unknownCommand();
        }),
      );
      this.add("PATCH", `${base}/:cmd`, (p, req) =>
        this.withScope(p, (scope, guildId) =>
          this.editCommand(scope, guildId, p.cmd ?? "", req.body),
        ),
      );
      this.add("DELETE", `${base}/:cmd`, (p) =>
        this.withScope(p, (scope) => {
          const list = this.cmds(scope);
          const i = list.findIndex((c) => c.id === p.cmd);
          if (i < 0) return Errors.unknownCommand();
          list.splice(i, 1);
          return { status: 204 };
        }),
      );
    }

    // Interactions.
    this.add("POST", "/interactions/:id/:token/callback", (p, req) => this.callback(p, req), false);
    this.add("POST", "/webhooks/:app/:token", (p, req) => this.followup(p, req), false);
    this.add(
      "GET",
      "/webhooks/:app/:token/messages/:msg",
      (p) => this.webhookMessage(p, "GET", undefined),
      false,
    );
    this.add(
      "PATCH",
      "/webhooks/:app/:token/messages/:msg",
      (p, req) => this.webhookMessage(p, "PATCH", req.body, req),
      false,
    );
    this.add(
      "DELETE",
      "/webhooks/:app/:token/messages/:msg",
      (p) => this.webhookMessage(p, "DELETE", undefined),
      false,
    );

    // Channels.
    this.add("GET", "/channels/:channel", (p) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      return { status: 200, body: channelJson(found.channel) };
    });
    this.add("POST", "/channels/:channel/messages", (p, req) =>
      this.createMessage(p.channel ?? "", req),
    );
    this.add("GET", "/channels/:channel/messages", (p, req) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      // Without Read Message History Discord answers with no messages, not an error.
      const perms = channelPermissions(found.guild, found.channel, s.botMember(found.guild));
      if (!(perms & Perm.ReadMessageHistory)) return { status: 200, body: [] };
      const limit = Math.min(100, Number(req.query.get("limit") ?? 50) || 50);
      const after = req.query.get("after");
      const before = req.query.get("before");
      let list = s.channelMessages(found.channel.id);
      if (before) list = list.filter((m) => BigInt(m.id) < BigInt(before));
      // `after` gives the oldest `limit` messages after the id; otherwise the newest. Either way
      // newest first, like Discord.
      if (after) list = list.filter((m) => BigInt(m.id) > BigInt(after)).slice(0, limit);
      else list = list.slice(-limit);
      return { status: 200, body: [...list].reverse() };
    });
    this.add("POST", "/channels/:channel/threads", (p, req) =>
      this.createForumPost(p.channel ?? "", req),
    );
    this.add("GET", "/channels/:channel/threads/archived/public", (p, req) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      const perms = channelPermissions(found.guild, found.channel, s.botMember(found.guild));
      if (!(perms & Perm.ReadMessageHistory)) return Errors.missingAccess();
      const limit = Math.min(100, Number(req.query.get("limit") ?? 50) || 50);
      const before = req.query.get("before");
      const archived = this.visibleThreads(
        found.guild,
        (c) =>
          c.parentId === found.channel.id &&
          c.type !== 12 &&
          c.thread?.archived === true &&
          (!before || Date.parse(c.thread.archiveTimestamp) < Date.parse(before)),
      ).sort(
        (a, b) =>
          Date.parse(b.thread?.archiveTimestamp ?? "") -
          Date.parse(a.thread?.archiveTimestamp ?? ""),
      );
      return {
        status: 200,
        body: {
          threads: archived.slice(0, limit).map(channelJson),
          members: [],
          has_more: archived.length > limit,
        },
      };
    });
    this.add("GET", "/channels/:channel/thread-members/:user", (p) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      const t = found.channel.thread;
      if (!t) return Errors.wrongChannelType();
      const userId = p.user === "@me" ? s.botUser.id : (p.user ?? "");
      if (!t.memberIds.has(userId)) return Errors.unknownMember();
      return {
        status: 200,
        body: {
          id: found.channel.id,
          user_id: userId,
          join_timestamp: t.createTimestamp,
          flags: 0,
        },
      };
    });
    this.add("GET", "/channels/:channel/messages/:msg", (p) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      // Reading a message needs Read Message History as well as View Channel.
      const perms = channelPermissions(found.guild, found.channel, s.botMember(found.guild));
      if (!(perms & Perm.ReadMessageHistory)) return Errors.missingAccess();
      const msg = s.channelMessages(found.channel.id).find((m) => m.id === p.msg);
      return msg ? { status: 200, body: msg } : Errors.unknownMessage();
    });
    this.add("PATCH", "/channels/:channel/messages/:msg", (p, req) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      const msg = s.channelMessages(found.channel.id).find((m) => m.id === p.msg);
      if (!msg) return Errors.unknownMessage();
      const valid = validateMessageBody(req.body, { partial: true });
      if (!valid.ok) return valid;
      applyEdit(msg, valid.value);
      // New content is parsed for mentions again (an edit notifies nobody anew either way).
      if (typeof valid.value.content === "string") {
        const bot = s.botMember(found.guild);
        const { content, allowed_mentions } = valid.value;
        Object.assign(msg, mentionsOf(found.guild, found.channel, bot, content, allowed_mentions));
      }
      s.messagesChanged();
      return { status: 200, body: msg };
    });
    this.add("DELETE", "/channels/:channel/messages/:msg", (p) => {
      const found = this.visibleChannel(p.channel ?? "");
      if ("status" in found) return found;
      const msg = s.channelMessages(found.channel.id).find((m) => m.id === p.msg);
      if (!msg) return Errors.unknownMessage();
      msg.deleted = true;
      this.gateway.dispatch("MESSAGE_DELETE", {
        id: msg.id,
        channel_id: msg.channel_id,
        guild_id: msg.guild_id,
      });
      s.messagesChanged();
      return { status: 204 };
    });

    // Guilds.
    this.add("GET", "/guilds/:guild", (p, req) => {
      const guild = s.guilds.get(p.guild ?? "");
      if (!guild) return Errors.unknownGuild();
      const body: JsonObject = guildJson(guild, null);
      if (req.query.get("with_counts") === "true") {
        body.approximate_member_count = guild.members.size;
        body.approximate_presence_count = 0;
      }
      return { status: 200, body };
    });
    this.add("GET", "/guilds/:guild/channels", (p) => {
      const guild = s.guilds.get(p.guild ?? "");
      if (!guild) return Errors.unknownGuild();
      return {
        status: 200,
        body: [...guild.channels.values()].filter((c) => !c.deleted).map(channelJson),
      };
    });
    this.add("GET", "/guilds/:guild/threads/active", (p) => {
      const guild = s.guilds.get(p.guild ?? "");
      if (!guild) return Errors.unknownGuild();
      const threads = this.visibleThreads(guild, (c) => c.thread?.archived === false);
      return { status: 200, body: { threads: threads.map(channelJson), members: [] } };
    });
    this.add("GET", "/guilds/:guild/roles", (p) => {
      const guild = s.guilds.get(p.guild ?? "");
      if (!guild) return Errors.unknownGuild();
      return { status: 200, body: [...guild.roles.values()].map(roleJson) };
    });
    this.add("GET", "/guilds/:guild/members/:user", (p) => {
      const guild = s.guilds.get(p.guild ?? "");
      if (!guild) return Errors.unknownGuild();
      const member = guild.members.get(p.user ?? "");
      return member ? { status: 200, body: memberJson(member) } : Errors.unknownMember();
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Applications & commands

  private applicationJson(): JsonObject {
    const { botUser, options } = this.state;
    return {
      id: options.applicationId,
      name: botUser.username,
      icon: null,
      description: "",
      summary: "",
      type: null,
      bot_public: false,
      bot_require_code_grant: false,
      verify_key: "0".repeat(64),
      flags: 0,
      owner: { id: "1", username: "owner", discriminator: "0", global_name: null, avatar: null },
      team: null,
      bot: userJson(botUser),
      approximate_guild_count: this.state.guilds.size,
      integration_types_config: { "0": {} },
      install_params: { scopes: ["bot", "applications.commands"], permissions: "0" },
      tags: [],
    };
  }

  private withScope(
    p: Params,
    fn: (scope: string, guildId: string | undefined) => RestResponse,
  ): RestResponse {
    if (p.app !== this.state.options.applicationId) return Errors.unknownApplication();
    if (p.guild === undefined) return fn("global", undefined);
    const guild = this.state.guilds.get(p.guild);
    if (!guild?.members.has(this.state.botUser.id)) return Errors.missingAccess();
    return fn(p.guild, p.guild);
  }

  private cmds(scope: string): StoredCommand[] {
    let list = this.state.commands.get(scope);
    if (!list) {
      list = [];
      this.state.commands.set(scope, list);
    }
    return list;
  }

  private commandJson(body: JsonObject, guildId: string | undefined, id: string): StoredCommand {
    const type = typeof body.type === "number" ? body.type : 1;
    const cmd: StoredCommand = {
      id,
      application_id: this.state.options.applicationId,
      version: snowflake(),
      default_member_permissions:
        typeof body.default_member_permissions === "string"
          ? body.default_member_permissions
          : null,
      type,
      name: String(body.name),
      name_localizations: body.name_localizations ?? null,
      description: typeof body.description === "string" ? body.description : "",
      description_localizations: body.description_localizations ?? null,
      dm_permission: body.dm_permission !== false,
      contexts: body.contexts ?? null,
      integration_types: body.integration_types ?? [0],
      nsfw: body.nsfw === true,
    };
    if (Array.isArray(body.options) && body.options.length > 0) cmd.options = body.options;
    if (guildId) cmd.guild_id = guildId;
    return cmd;
  }

  private bulkOverwrite(scope: string, guildId: string | undefined, body: unknown): RestResponse {
    const valid = validateCommandList(body);
    if (!valid.ok) return valid;
    const previous = this.cmds(scope);
    // Discord keeps the id of a command whose name+type survives an overwrite.
    const next = valid.value.map((c) => {
      const type = typeof c.type === "number" ? c.type : 1;
      const old = previous.find((o) => o.name === c.name && o.type === type);
      return this.commandJson(c, guildId, old?.id ?? snowflake());
    });
    this.state.commands.set(scope, next);
    return { status: 200, body: next };
  }

  private createCommand(scope: string, guildId: string | undefined, body: unknown): RestResponse {
    const valid = validateCommandBody(body);
    if (!valid.ok) return valid;
    const list = this.cmds(scope);
    const type = typeof valid.value.type === "number" ? valid.value.type : 1;
    const i = list.findIndex((o) => o.name === valid.value.name && o.type === type);
    // POST is an upsert by name: 200 when it replaced one, 201 when new.
    const existing = i >= 0 ? list[i] : undefined;
    const cmd = this.commandJson(valid.value, guildId, existing?.id ?? snowflake());
    if (existing) list[i] = cmd;
    else list.push(cmd);
    return { status: existing ? 200 : 201, body: cmd };
  }

  private editCommand(
    scope: string,
    guildId: string | undefined,
    id: string,
    body: unknown,
  ): RestResponse {
    const list = this.cmds(scope);
    const i = list.findIndex((c) => c.id === id);
    const existing = list[i];
    if (!existing) return Errors.unknownCommand();
    const merged = { ...existing, ...(isObject(body) ? body : {}) };
    const valid = validateCommandBody(merged);
    if (!valid.ok) return valid;
    const cmd = this.commandJson(valid.value, guildId, id);
    list[i] = cmd;
    return { status: 200, body: cmd };
  }

  // ---------------------------------------------------------------------------------------------
  // Channel messages

  private visibleChannel(
    channelId: string,
  ): { guild: EmulatedGuild; channel: EmulatedChannel } | RestResponse {
    const found = this.state.findChannel(channelId);
    if (!found || found.channel.deleted) {
      if (this.inRemovedGuild(channelId)) return Errors.missingAccess();
      return Errors.unknownChannel();
    }
    if (!botSeesThread(found.guild, found.channel, this.state.botMember(found.guild))) {
      return Errors.missingAccess();
    }
    return found;
  }

  private inRemovedGuild(channelId: string): boolean {
    for (const guild of this.state.removedGuilds.values()) {
      const channel = guild.channels.get(channelId);
      if (channel && !channel.deleted) return true;
    }
    return false;
  }

  /**
   * What posting to a channel checks first: that the channel exists (a removed guild's channel
   * answers Missing Access), then its rate-limit bucket, which Discord counts before it looks at
   * the body. Later answers carry the bucket's headers through `withHeaders`.
   */
  private postTo(channelId: string):
    | RestResponse
    | {
        found: { guild: EmulatedGuild; channel: EmulatedChannel };
        withHeaders: (r: RestResponse) => RestResponse;
      } {
    const found = this.state.findChannel(channelId);
    if (!found || found.channel.deleted) {
      if (this.inRemovedGuild(channelId)) return Errors.missingAccess();
      return Errors.unknownChannel();
    }
    const decision = this.limiter.take(channelId);
    const withHeaders = (r: RestResponse): RestResponse => ({
      ...r,
      headers: { ...decision.headers, ...r.headers },
    });
    if (!decision.allowed) {
      return withHeaders({
        status: 429,
        body: {
          message: "You are being rate limited.",
          retry_after: decision.retryAfter,
          global: false,
        },
      });
    }
    return { found, withHeaders };
  }

  private createMessage(channelId: string, req: RestRequest): RestResponse {
    const open = this.postTo(channelId);
    if ("status" in open) return open;
    const { found, withHeaders } = open;
    const { guild, channel } = found;
    if (THREAD_ONLY_TYPES.has(channel.type)) return withHeaders(Errors.forumChannel());
    if (!TEXT_CHANNEL_TYPES.has(channel.type)) return withHeaders(Errors.nonTextChannel());
    const bot = this.state.botMember(guild);
    const perms = channelPermissions(guild, channel, bot);
    if (!botSeesThread(guild, channel, bot)) return withHeaders(Errors.missingAccess());
    // In a thread, Send Messages in Threads is what counts, not Send Messages.
    const send = channel.thread ? Perm.SendMessagesInThreads : Perm.SendMessages;
    if (!(perms & send)) return withHeaders(Errors.missingPermissions());
    const blocked = channel.thread ? this.threadRefuses(channel, perms) : undefined;
    if (blocked) return withHeaders(blocked);
    const valid = validateMessageBody(req.body, { files: req.files });
    if (!valid.ok) return withHeaders(valid);
    const body = valid.value;
    if (Array.isArray(body.embeds) && body.embeds.length > 0 && !(perms & Perm.EmbedLinks)) {
      return withHeaders(Errors.missingPermissions());
    }
    // enforce_nonce: a repeated nonce from the same author returns the earlier message.
    const nonce = body.nonce;
    if (body.enforce_nonce === true && (typeof nonce === "string" || typeof nonce === "number")) {
      const earlier = this.state.messageByNonce(this.state.botUser.id, nonce);
      if (earlier) return withHeaders({ status: 200, body: earlier });
    }
    const message = this.state.newMessage(
      channel.id,
      guild.id,
      body,
      mentionsOf(guild, channel, bot, body.content, body.allowed_mentions),
    );
    message.attachments = this.attachments(body, req, message.channel_id);
    this.state.addMessage(message);
    if (channel.thread?.archived) {
      // "The API will automatically unarchive a thread when sending a message in that thread."
      channel.thread.archived = false;
      channel.thread.archiveTimestamp = new Date().toISOString();
      this.gateway.dispatch("THREAD_UPDATE", channelJson(channel));
    }
    return withHeaders({ status: 200, body: message });
  }

  /**
   * Why a thread takes no message from the bot, if it does not: a locked thread only takes them
   * from Manage Threads holders; closed and locked, it answers "Thread is archived". An archived
   * thread that is not locked is reopened by the message (see createMessage).
   */
  private threadRefuses(channel: EmulatedChannel, perms: bigint): RestResponse | undefined {
    const t = channel.thread;
    if (!t?.locked || perms & Perm.ManageThreads) return undefined;
    return t.archived ? Errors.archivedThread() : Errors.threadLocked();
  }

  /**
   * POST /channels/:id/threads on a forum or media channel: a post (a public thread) with its
   * first message, which has the thread's id. There is no nonce: a repeat creates a second post.
   */
  private createForumPost(channelId: string, req: RestRequest): RestResponse {
    const open = this.postTo(channelId);
    if ("status" in open) return open;
    const { found, withHeaders } = open;
    const { guild, channel: forum } = found;
    // Threads without a starter message in text channels are not modelled.
    if (!THREAD_ONLY_TYPES.has(forum.type)) return withHeaders(Errors.wrongChannelType());
    const perms = channelPermissions(guild, forum, this.state.botMember(guild));
    if (!(perms & Perm.ViewChannel)) return withHeaders(Errors.missingAccess());
    // Creating a post is Send Messages ("Create Posts" in Discord's settings).
    if (!(perms & Perm.SendMessages)) return withHeaders(Errors.missingPermissions());
    const body = isObject(req.body) ? req.body : {};
    const errors = new FormErrors();
    const name = typeof body.name === "string" ? body.name.trim() : "";
    if (name.length < 1 || name.length > 100) {
      errors.add(["name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
    }
    const tags = Array.isArray(body.applied_tags) ? body.applied_tags.map(String) : [];
    const known = new Set((forum.availableTags ?? []).map((t) => t.id));
    if (tags.length > 5 || tags.some((t) => !known.has(t))) {
      errors.add(["applied_tags"], "BASE_TYPE_CHOICES", "Value must be one of the forum's tags.");
    }
    if (!isObject(body.message)) {
      errors.add(["message"], "BASE_TYPE_REQUIRED", "This field is required");
    }
    if (!errors.empty) return withHeaders(invalidFormBody(errors));
    const valid = validateMessageBody(body.message, { files: req.files });
    if (!valid.ok) {
      const nested = valid.body.errors;
      return withHeaders({ ...valid, body: { ...valid.body, errors: { message: nested } } });
    }
    if (tags.length === 0 && (forum.flags ?? 0) & (1 << 4))
      return withHeaders(Errors.tagRequired());
    const message = valid.value;
    if (Array.isArray(message.embeds) && message.embeds.length > 0 && !(perms & Perm.EmbedLinks)) {
      return withHeaders(Errors.missingPermissions());
    }
    const id = snowflake();
    const now = new Date().toISOString();
    const bot = this.state.botUser.id;
    const thread: EmulatedChannel = {
      id,
      guildId: guild.id,
      name,
      type: 11,
      position: 0,
      topic: null,
      nsfw: false,
      parentId: forum.id,
      overwrites: [],
      lastMessageId: null,
      deleted: false,
      flags: 0,
      thread: {
        ownerId: bot,
        archived: false,
        locked: false,
        autoArchiveDuration:
          typeof body.auto_archive_duration === "number" ? body.auto_archive_duration : 1440,
        archiveTimestamp: now,
        createTimestamp: now,
        memberIds: new Set([bot]),
        appliedTags: tags,
        messageCount: 0,
      },
    };
    guild.channels.set(id, thread);
    forum.lastMessageId = id;
    const mentioned = mentionsOf(
      guild,
      thread,
      this.state.botMember(guild),
      message.content,
      message.allowed_mentions,
    );
    const starter = this.state.newMessage(id, guild.id, message, { id, ...mentioned });
    this.state.addMessage(starter);
    this.gateway.dispatch("THREAD_CREATE", { ...channelJson(thread), newly_created: true });
    return withHeaders({ status: 201, body: { ...channelJson(thread), message: starter } });
  }

  /** Threads the bot can see, live, for the list routes. */
  private visibleThreads(guild: EmulatedGuild, filter: (c: EmulatedChannel) => boolean) {
    const bot = this.state.botMember(guild);
    return [...guild.channels.values()].filter(
      (c) => c.thread && !c.deleted && filter(c) && botSeesThread(guild, c, bot),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Interactions

  private callback(p: Params, req: RestRequest): RestResponse {
    const record = this.state.interactions.get(p.id ?? "");
    if (!record || record.token !== p.token) return Errors.unknownInteraction();
    if (record.acknowledged) return Errors.alreadyAcknowledged();
    // Discord gives 3 s to acknowledge; afterwards the token is unknown to the callback route.
    if (Date.now() - record.createdAt > this.state.options.interactionTimeoutMs) {
      return Errors.unknownInteraction();
    }
    const body = req.body;
    if (!isObject(body) || typeof body.type !== "number") {
      const errors = new FormErrors();
      errors.add(["type"], "BASE_TYPE_REQUIRED", "This field is required");
      return invalidFormBody(errors);
    }
    const type = body.type;
    if (!allowedCallbackTypes(record.type).has(type)) {
      const errors = new FormErrors();
      errors.add(
        ["type"],
        "INTERACTION_RESPONSE_TYPE_INVALID",
        `Callback type ${type} is not valid for interaction type ${record.type}`,
      );
      return invalidFormBody(errors);
    }
    const data = isObject(body.data) ? body.data : undefined;
    if (type === 4) {
      const valid = validateMessageBody(data ?? {}, { files: req.files });
      if (!valid.ok) return prefixData(valid);
      record.original = this.interactionMessage(record, valid.value, 0);
      record.original.attachments = this.attachments(valid.value, req, record.channelId);
    } else if (type === 5) {
      const flags = typeof data?.flags === "number" ? data.flags & EPHEMERAL_FLAG : 0;
      record.original = this.interactionMessage(record, { content: "", flags }, LOADING_FLAG);
    } else if (type === 7) {
      const valid = validateMessageBody(data ?? {}, { partial: true });
      if (!valid.ok) return prefixData(valid);
      // The message the button is on becomes what the update says.
      const target = record.componentMessage;
      if (target && !target.deleted) {
        applyEdit(target, valid.value);
        this.state.messagesChanged();
      }
    } else if (type === 8) {
      const valid = validateAutocompleteResult(data);
      if (!valid.ok) return valid;
    }
    record.callbacks.push({ type, data });
    record.notify();

    if (req.query.get("with_response") !== "true") return { status: 204 };
    const original = record.original;
    return {
      status: 200,
      body: {
        interaction: {
          id: record.id,
          type: record.type,
          ...(original
            ? {
                response_message_id: original.id,
                response_message_loading: (original.flags & LOADING_FLAG) !== 0,
                response_message_ephemeral: (original.flags & EPHEMERAL_FLAG) !== 0,
              }
            : {}),
        },
        resource: {
          type,
          ...(original && (type === 4 || type === 5) ? { message: original } : {}),
        },
      },
    };
  }

  private interactionMessage(
    record: InteractionRecord,
    body: JsonObject,
    extraFlags: number,
  ): EmulatedMessage {
    const s = this.state;
    const member = s.guilds.get(record.guildId)?.members.get(record.userId);
    const user = member ? userJson(member.user) : { id: record.userId };
    const message = s.newMessage(record.channelId, record.guildId, body, {
      type: 20,
      webhook_id: s.options.applicationId,
      application_id: s.options.applicationId,
      interaction_metadata: {
        id: record.id,
        type: record.type,
        user,
        authorizing_integration_owners: { "0": record.guildId },
        name: record.name,
        command_type: 1,
      },
    });
    message.flags = (typeof body.flags === "number" ? body.flags : 0) | extraFlags;
    if (message.flags & EPHEMERAL_FLAG) {
      // Ephemeral messages only exist for the invoking user: never part of the channel history.
      return message;
    }
    s.addMessage(message);
    return message;
  }

  private webhookRecord(p: Params): InteractionRecord | RestResponse {
    if (p.app !== this.state.options.applicationId) return Errors.unknownWebhook();
    const record = this.state.interactionByToken(p.token ?? "");
    if (!record || Date.now() - record.createdAt > INTERACTION_TOKEN_LIFETIME_MS) {
      return Errors.unknownWebhook();
    }
    return record;
  }

  private followup(p: Params, req: RestRequest): RestResponse {
    const record = this.webhookRecord(p);
    if ("status" in record) return record;
    if (!record.acknowledged) return Errors.unknownWebhook();
    const valid = validateMessageBody(req.body, { files: req.files });
    if (!valid.ok) return valid;
    record.followups.push(valid.value);
    let message: EmulatedMessage;
    const original = record.original;
    if (
      original &&
      !original.deleted &&
      original.flags & LOADING_FLAG &&
      record.followupMessages.length === 0
    ) {
      // Discord turns the first followup after a deferred reply into that reply. Once the
      // deferred reply is deleted, a followup is a message of its own with its own flags
      // (discord/discord-api-docs#2739).
      applyEdit(original, valid.value);
      original.attachments = this.attachments(valid.value, req, original.channel_id);
      original.flags &= ~LOADING_FLAG;
      message = original;
      this.state.messagesChanged();
    } else {
      const flags = typeof valid.value.flags === "number" ? valid.value.flags : 0;
      message = this.state.newMessage(record.channelId, record.guildId, valid.value, {
        webhook_id: this.state.options.applicationId,
        application_id: this.state.options.applicationId,
        flags,
      });
      message.attachments = this.attachments(valid.value, req, message.channel_id);
      if (!(flags & EPHEMERAL_FLAG)) this.state.addMessage(message);
    }
    record.followupMessages.push(message);
    record.notify();
    // Without ?wait=true Discord answers 204 and the client never sees the message.
    return req.query.get("wait") === "true" ? { status: 200, body: message } : { status: 204 };
  }

  /** A message's attachments after this request's uploads (see uploads.ts). */
  private attachments(
    body: JsonObject,
    req: RestRequest,
    channelId: string,
    existing: JsonObject[] = [],
  ): JsonObject[] {
    return attachmentsAfter(body, req.uploads ?? [], channelId, this.state.files, existing);
  }

  private webhookMessage(
    p: Params,
    method: string,
    body: unknown,
    req?: RestRequest,
  ): RestResponse {
    const record = this.webhookRecord(p);
    if ("status" in record) return record;
    const target =
      p.msg === "@original"
        ? // After a deferred update (6) or an update (7), @original is the button's message.
          (record.original ?? record.componentMessage ?? null)
        : (record.followupMessages.find((m) => m.id === p.msg) ?? null);
    if (!target || target.deleted) return Errors.unknownMessage();
    if (method === "GET") return { status: 200, body: target };
    if (method === "DELETE") {
      target.deleted = true;
      this.state.messagesChanged();
      record.notify();
      return { status: 204 };
    }
    const valid = validateMessageBody(body, { partial: true });
    if (!valid.ok) return valid;
    if (p.msg === "@original") record.edits.push(valid.value);
    applyEdit(target, valid.value);
    if (req && ((req.uploads?.length ?? 0) > 0 || Array.isArray(valid.value.attachments))) {
      target.attachments = this.attachments(
        valid.value,
        req,
        target.channel_id,
        target.attachments,
      );
    }
    target.flags &= ~LOADING_FLAG;
    this.state.messagesChanged();
    record.notify();
    return { status: 200, body: target };
  }
}

/** Which callback types Discord accepts per interaction type. */
function allowedCallbackTypes(interactionType: number): Set<number> {
  switch (interactionType) {
    case 1:
      return new Set([1]);
    case 2:
      return new Set([4, 5, 9]);
    case 3:
      return new Set([4, 5, 6, 7, 9]);
    case 4:
      return new Set([8]);
    case 5:
      return new Set([4, 5, 6, 7]);
    default:
      return new Set();
  }
}

/** Callback bodies nest the message under `data`, so errors must too. */
function prefixData(result: { status: number; body: JsonObject }): RestResponse {
  const body = result.body;
  if (body.code !== 50035 || !isObject(body.errors)) return result;
  return { status: result.status, body: { ...body, errors: { data: body.errors } } };
}

function applyEdit(message: EmulatedMessage, body: JsonObject): void {
  if (typeof body.content === "string" || body.content === null)
    message.content = body.content ?? "";
  if (Array.isArray(body.embeds))
    message.embeds = (body.embeds as JsonObject[]).map(normaliseEmbed);
  if (body.embeds === null) message.embeds = [];
  if (Array.isArray(body.components)) message.components = body.components;
  if (body.allowed_mentions !== undefined) message.allowed_mentions = body.allowed_mentions;
  if (typeof body.flags === "number") {
    // Only SUPPRESS_EMBEDS may be toggled on edit; ephemeral/loading stay as they were.
    message.flags = (message.flags & ~4) | (body.flags & 4);
  }
  message.edited_timestamp = new Date().toISOString();
}

function matchSegments(pattern: string[], actual: string[]): Params | null {
  if (pattern.length !== actual.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const a = actual[i] as string;
    if (p.startsWith(":")) params[p.slice(1)] = decodeURIComponent(a);
    else if (p !== a) return null;
  }
  return params;
}
