/**
 * DiscordEmulator — a local stand-in for discord.com (REST v10 + gateway v10) that the real
 * discord.js client talks to. Tests drive the world (guilds, permissions, outages, slash
 * commands) through this class and assert on what the bot sent.
 *
 *   const emu = await DiscordEmulator.start();
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
 *   await client.login(emu.token);
 */
import {
  Gateway,
  type GatewayConnectionInfo,
  type ReceivedFrame,
  type SessionInfo,
} from "./gateway.js";
import { FixedWindowLimiter } from "./ratelimit.js";
import { RestApi } from "./rest.js";
import { HttpServer } from "./server.js";
import {
  ALL_PERMISSIONS,
  botSeesThread,
  channelJson,
  channelPermissions,
  DEFAULT_BOT_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  type EmulatedChannel,
  EmulatedGuild,
  type EmulatedMember,
  type EmulatedMessage,
  type EmulatedRole,
  EmulatorState,
  guildCreateJson,
  InteractionRecord,
  type JsonObject,
  memberJson,
  type RequestLogEntry,
  randomToken,
  roleJson,
  type StoredCommand,
  snowflake,
  toBigInt,
  userJson,
} from "./state.js";

export type { GatewayConnectionInfo, ReceivedFrame, SessionInfo } from "./gateway.js";
export { shardOfGuild } from "./gateway.js";
export type {
  AutocompleteChoice,
  EmulatedChannel,
  EmulatedMember,
  EmulatedMessage,
  EmulatedRole,
  EmulatedUser,
  InteractionCallback,
  InteractionOutcome,
  JsonObject,
  RequestLogEntry,
  StoredCommand,
} from "./state.js";
export { EmulatedGuild, InteractionRecord, snowflakeOnShard } from "./state.js";

export interface EmulatorOptions {
  token?: string;
  applicationId?: string;
  botUserId?: string;
  botUsername?: string;
  /**
   * Per-channel bucket for POST /channels/:id/messages (default 5 per 5000 ms).
   * `sendHeaders: false` omits X-RateLimit-* on successful responses so the client cannot wait
   * pre-emptively and must recover from real 429s.
   */
  rateLimit?: { perChannel: number; windowMs: number; sendHeaders?: boolean };
  /** HELLO heartbeat_interval (default 41250 like Discord). */
  heartbeatIntervalMs?: number;
  /** Time allowed for the initial interaction callback (default 3000 like Discord). */
  interactionTimeoutMs?: number;
  /**
   * How long `enforce_nonce` remembers a nonce. Discord says "the past few minutes"; default
   * 5 minutes. Tests make it short to play a bot that resumes a batch after a long outage.
   */
  nonceWindowMs?: number;
  /** The shard count GET /gateway/bot recommends (default 1). */
  shards?: number;
  /**
   * Guilds one shard may hold: an IDENTIFY whose shard count leaves more per shard is closed
   * with 4011 (sharding required), as Discord does past 2,500. Default: no limit.
   */
  maxGuildsPerShard?: number;
}

type Bits = bigint | string | number;

export interface ChannelInput {
  id?: string;
  name: string;
  /** 0 text (default), 2 voice, 4 category, 5 announcement, 15 forum… */
  type?: number;
  topic?: string;
  parentId?: string;
  permissionOverwrites?: Array<{ id: string; type: 0 | 1; allow?: Bits; deny?: Bits }>;
  /** Channel flags, e.g. 1 << 4 (REQUIRE_TAG) on a forum. */
  flags?: number;
  /** A forum's or media channel's tags (types 15, 16). */
  tags?: Array<{ name: string; moderated?: boolean }>;
}

export interface ThreadInput {
  name: string;
  /** 11 public (default), 12 private, 10 announcement thread. */
  type?: 10 | 11 | 12;
  archived?: boolean;
  locked?: boolean;
  /** Users in the thread; the bot is one unless `botIsMember` is false. */
  memberIds?: string[];
  botIsMember?: boolean;
  ownerId?: string;
}

export interface RoleInput {
  id?: string;
  name: string;
  permissions?: Bits;
  color?: number;
  /** "Allow anyone to @mention this role" (default false, as Discord's). */
  mentionable?: boolean;
  /** Managed by an integration (a bot's or a subscription's role). */
  managed?: boolean;
}

export interface GuildInput {
  id?: string;
  name: string;
  ownerId?: string;
  channels?: ChannelInput[];
  roles?: RoleInput[];
  /** @everyone's permissions (default: Discord's defaults for a new guild). */
  everyonePermissions?: Bits;
  /** The bot's managed role permissions (default: view/send/embed/attach/history, no admin). */
  botPermissions?: Bits;
  /** The server's language (default en-US). */
  preferredLocale?: string;
}

export interface CommandOptionInput {
  name: string;
  /** ApplicationCommandOptionType: 3 string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role, 10 number… */
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
}

export interface SlashCommandInput {
  guildId: string;
  channelId: string;
  userId: string;
  name: string;
  options?: CommandOptionInput[];
  subcommand?: string;
  subcommandGroup?: string;
  /** Overrides `member.permissions` in the payload (default: computed for that channel). */
  permissions?: Bits;
  locale?: string;
}

export interface ButtonPressInput {
  guildId: string;
  /** Where the message is (for an ephemeral message, the channel it was shown in). */
  channelId: string;
  messageId: string;
  customId: string;
  userId: string;
  /** Overrides `member.permissions` in the payload (default: computed for that channel). */
  permissions?: Bits;
  locale?: string;
  /**
   * Send a custom_id the message does not carry, as a modified client would. Without it the
   * press is refused here, as Discord only sends presses of components a message has.
   */
  forge?: boolean;
}

export interface OutageOptions {
  /** Also drop gateway connections (close 4000, resumable) and refuse new ones. Default true. */
  gateway?: boolean;
}

export class DiscordEmulator {
  readonly apiUrl: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;

  private constructor(
    private readonly state: EmulatorState,
    private readonly http: HttpServer,
    private readonly gateway: Gateway,
    private readonly limiter: FixedWindowLimiter,
  ) {
    this.apiUrl = `http://127.0.0.1:${http.port}/api`;
    this.gatewayUrl = `ws://127.0.0.1:${http.port}`;
    this.token = state.options.token;
    this.applicationId = state.options.applicationId;
    this.botUserId = state.options.botUserId;
  }

  static async start(opts: EmulatorOptions = {}): Promise<DiscordEmulator> {
    const applicationId = opts.applicationId ?? snowflake();
    const botUserId = opts.botUserId ?? applicationId;
    const state = new EmulatorState({
      // Shaped like a real token (base64 user id . timestamp . hmac) so format checks pass.
      token:
        opts.token ??
        `${Buffer.from(botUserId).toString("base64url")}.${randomToken("emulator").slice(0, 6)}.${randomToken("x").slice(-27)}`,
      applicationId,
      botUserId,
      botUsername: opts.botUsername ?? "ForeignDesk",
      rateLimit: {
        perChannel: opts.rateLimit?.perChannel ?? 5,
        windowMs: opts.rateLimit?.windowMs ?? 5000,
        sendHeaders: opts.rateLimit?.sendHeaders ?? true,
      },
      heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 41_250,
      interactionTimeoutMs: opts.interactionTimeoutMs ?? 3000,
      nonceWindowMs: opts.nonceWindowMs ?? 5 * 60_000,
      recommendedShards: opts.shards ?? 1,
      ...(opts.maxGuildsPerShard !== undefined
        ? { maxGuildsPerShard: opts.maxGuildsPerShard }
        : {}),
    });
    const limiter = new FixedWindowLimiter(
      state.options.rateLimit.perChannel,
      state.options.rateLimit.windowMs,
      "emulator-channel-messages",
      state.options.rateLimit.sendHeaders,
    );
    // The REST api and gateway need the port, known only after listen(): resolve lazily.
    let port = 0;
    const gatewayUrl = (): string => `ws://127.0.0.1:${port}`;
    const gateway = new Gateway(state, gatewayUrl);
    const rest = new RestApi(state, gateway, limiter, gatewayUrl);
    const http = new HttpServer(
      state,
      () => rest,
      () => gateway,
    );
    await http.listen();
    port = http.port;
    return new DiscordEmulator(state, http, gateway, limiter);
  }

  // ---------------------------------------------------------------------------------------------
  // World setup

  /** Adds a guild the bot is in. After login this dispatches GUILD_CREATE. */
  addGuild(input: GuildInput): EmulatedGuild {
    const guild = new EmulatedGuild(
      input.id ?? snowflake(),
      input.name,
      input.ownerId ?? snowflake(),
    );
    if (input.preferredLocale) guild.preferredLocale = input.preferredLocale;
    guild.roles.set(guild.id, {
      id: guild.id,
      name: "@everyone",
      permissions: toBigInt(input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS),
      position: 0,
      color: 0,
      managed: false,
    });
    const bot = this.state.botUser;
    guild.botRoleId = snowflake();
    guild.roles.set(guild.botRoleId, {
      id: guild.botRoleId,
      name: bot.username,
      permissions: toBigInt(input.botPermissions ?? DEFAULT_BOT_PERMISSIONS),
      position: 1,
      color: 0,
      managed: true,
      botId: bot.id,
    });
    for (const role of input.roles ?? []) guild.roles.set(...this.makeRole(guild, role));
    const channels = input.channels ?? [{ name: "general" }];
    channels.forEach((c, i) => {
      const channel = this.makeChannel(guild.id, c, i);
      guild.channels.set(channel.id, channel);
    });
    guild.members.set(bot.id, {
      user: bot,
      roles: [guild.botRoleId],
      joinedAt: new Date().toISOString(),
      nick: null,
    });
    this.state.guilds.set(guild.id, guild);
    this.state.removedGuilds.delete(guild.id);
    this.gateway.dispatch("GUILD_CREATE", guildCreateJson(guild));
    return guild;
  }

  /** Adds a text (or other) channel to an existing guild and dispatches CHANNEL_CREATE. */
  addChannel(guildId: string, input: ChannelInput): EmulatedChannel {
    const guild = this.guild(guildId);
    const channel = this.makeChannel(guild.id, input, guild.channels.size);
    guild.channels.set(channel.id, channel);
    this.gateway.dispatch("CHANNEL_CREATE", channelJson(channel));
    return channel;
  }

  /** Adds a role to an existing guild (above the others) and dispatches GUILD_ROLE_CREATE. */
  addRole(guildId: string, input: RoleInput): EmulatedRole {
    const guild = this.guild(guildId);
    const [, role] = this.makeRole(guild, input);
    guild.roles.set(role.id, role);
    this.gateway.dispatch("GUILD_ROLE_CREATE", { guild_id: guild.id, role: roleJson(role) });
    return role;
  }

  /** Changes whether a role is mentionable and dispatches GUILD_ROLE_UPDATE. */
  setRoleMentionable(guildId: string, roleId: string, mentionable: boolean): void {
    const guild = this.guild(guildId);
    const role = guild.roles.get(roleId);
    if (!role) throw new Error(`emulator: guild ${guildId} has no role ${roleId}`);
    role.mentionable = mentionable;
    this.gateway.dispatch("GUILD_ROLE_UPDATE", { guild_id: guild.id, role: roleJson(role) });
  }

  /** Sets what a role grants server-wide (the @everyone role's id is the guild's) and dispatches GUILD_ROLE_UPDATE. */
  setRolePermissions(guildId: string, roleId: string, permissions: Bits): void {
    const guild = this.guild(guildId);
    const role = guild.roles.get(roleId);
    if (!role) throw new Error(`emulator: guild ${guildId} has no role ${roleId}`);
    role.permissions = toBigInt(permissions);
    this.gateway.dispatch("GUILD_ROLE_UPDATE", { guild_id: guild.id, role: roleJson(role) });
  }

  /**
   * Adds a guild member (the user invoking slash commands). `permissions` becomes
   * `member.permissions` in interaction payloads; roles are optional and only matter for
   * computed permissions.
   */
  addMember(
    guildId: string,
    user: { id: string; username: string; globalName?: string },
    permissions?: Bits,
    roles: string[] = [],
  ): EmulatedMember {
    const guild = this.guild(guildId);
    const emuUser = {
      id: user.id,
      username: user.username,
      globalName: user.globalName ?? null,
      bot: false,
    };
    this.state.users.set(emuUser.id, emuUser);
    const member: EmulatedMember = {
      user: emuUser,
      roles,
      joinedAt: new Date().toISOString(),
      nick: null,
      ...(permissions !== undefined ? { interactionPermissions: toBigInt(permissions) } : {}),
    };
    guild.members.set(user.id, member);
    this.gateway.dispatch("GUILD_MEMBER_ADD", { ...memberJson(member), guild_id: guild.id });
    return member;
  }

  /**
   * Adds a thread under a text, announcement or forum channel (a forum's threads are its posts)
   * and dispatches THREAD_CREATE when the bot can see it. A thread has its parent's permissions.
   */
  addThread(parentId: string, input: ThreadInput): EmulatedChannel {
    const found = this.state.findChannel(parentId);
    if (!found) throw new Error(`emulator: unknown channel ${parentId}`);
    const now = new Date().toISOString();
    const bot = this.state.botUser.id;
    const members = new Set(input.memberIds ?? []);
    if (input.botIsMember !== false) members.add(bot);
    const thread: EmulatedChannel = {
      id: snowflake(),
      guildId: found.guild.id,
      name: input.name,
      type: input.type ?? 11,
      position: 0,
      topic: null,
      nsfw: false,
      parentId,
      overwrites: [],
      lastMessageId: null,
      deleted: false,
      flags: 0,
      thread: {
        ownerId: input.ownerId ?? snowflake(),
        archived: input.archived ?? false,
        locked: input.locked ?? false,
        autoArchiveDuration: 1440,
        archiveTimestamp: now,
        createTimestamp: now,
        memberIds: members,
        appliedTags: [],
        messageCount: 0,
      },
    };
    found.guild.channels.set(thread.id, thread);
    if (botSeesThread(found.guild, thread, this.state.botMember(found.guild))) {
      this.gateway.dispatch("THREAD_CREATE", { ...channelJson(thread), newly_created: true });
    }
    return thread;
  }

  /** Archives, reopens, locks or unlocks a thread, as a moderator would; THREAD_UPDATE. */
  setThread(threadId: string, change: { archived?: boolean; locked?: boolean }): void {
    const found = this.state.findChannel(threadId);
    const t = found?.channel.thread;
    if (!found || !t) throw new Error(`emulator: unknown thread ${threadId}`);
    if (change.archived !== undefined && change.archived !== t.archived) {
      t.archived = change.archived;
      t.archiveTimestamp = new Date().toISOString();
    }
    if (change.locked !== undefined) t.locked = change.locked;
    this.gateway.dispatch("THREAD_UPDATE", channelJson(found.channel));
  }

  /** The threads (a forum's posts) under a channel, oldest first, deleted ones left out. */
  threads(parentId: string): EmulatedChannel[] {
    return this.state.threadsIn(parentId);
  }

  /** Resolves once a channel has `count` threads (a forum, `count` posts). */
  waitForThreads(parentId: string, count: number, timeoutMs = 2000): Promise<EmulatedChannel[]> {
    return this.state.waitForThreads(parentId, count, timeoutMs);
  }

  /**
   * Deletes a channel or thread: later requests get 404 10003 and the client sees
   * CHANNEL_DELETE (THREAD_DELETE for a thread).
   */
  deleteChannel(channelId: string): void {
    const found = this.state.findChannel(channelId);
    if (!found) throw new Error(`emulator: unknown channel ${channelId}`);
    const { channel } = found;
    channel.deleted = true;
    if (channel.thread) {
      this.gateway.dispatch("THREAD_DELETE", {
        id: channel.id,
        guild_id: channel.guildId,
        parent_id: channel.parentId,
        type: channel.type,
      });
    } else this.gateway.dispatch("CHANNEL_DELETE", channelJson(channel));
  }

  /**
   * Sets exactly what the bot may do in a channel, via a member overwrite (allow = `allow`,
   * deny = everything else) — the same data the client receives in CHANNEL_UPDATE, so
   * `channel.permissionsFor(guild.members.me)` matches the emulator's 403 decisions.
   */
  setBotPermissions(channelId: string, allow: Bits): void {
    const found = this.state.findChannel(channelId);
    if (!found) throw new Error(`emulator: unknown channel ${channelId}`);
    const bits = toBigInt(allow);
    const botId = this.state.botUser.id;
    const { channel } = found;
    channel.overwrites = channel.overwrites.filter((o) => !(o.type === 1 && o.id === botId));
    channel.overwrites.push({ id: botId, type: 1, allow: bits, deny: ALL_PERMISSIONS & ~bits });
    this.gateway.dispatch("CHANNEL_UPDATE", channelJson(channel));
  }

  /** The bot's effective permissions in a channel, as the emulator enforces them. */
  botPermissionsIn(channelId: string): bigint {
    const found = this.state.findChannel(channelId);
    if (!found) throw new Error(`emulator: unknown channel ${channelId}`);
    return channelPermissions(found.guild, found.channel, this.state.botMember(found.guild));
  }

  /** The bot leaves / is kicked from a guild: GUILD_DELETE, and its channels answer 403 50001. */
  removeGuild(guildId: string): void {
    const guild = this.guild(guildId);
    this.state.guilds.delete(guildId);
    this.state.removedGuilds.set(guildId, guild);
    this.gateway.dispatch("GUILD_DELETE", { id: guildId });
  }

  /**
   * Emulates a Discord outage: every REST call answers 503, and (unless `gateway: false`) the
   * gateway drops connections with close code 4000 and refuses new ones until it ends — the
   * client then keeps trying to RESUME, which succeeds once the outage is over.
   */
  setOutage(on: boolean, opts: OutageOptions = {}): void {
    const gateway = opts.gateway ?? true;
    this.state.outage = on;
    this.gateway.refuseConnections = on && gateway;
    if (on && gateway) this.gateway.closeAll(4000, "emulated outage");
  }

  /** Sends op 7 RECONNECT to connected clients (they should resume). */
  requestReconnect(): void {
    this.gateway.requestReconnect();
  }

  // ---------------------------------------------------------------------------------------------
  // Interactions

  /** A user runs a slash command: dispatches INTERACTION_CREATE (type 2). */
  async sendSlashCommand(input: SlashCommandInput): Promise<InteractionRecord> {
    return this.sendInteraction(2, input);
  }

  /** A user is typing into an autocomplete option: dispatches INTERACTION_CREATE (type 4). Mark one option `focused`. */
  async sendAutocomplete(input: SlashCommandInput): Promise<InteractionRecord> {
    if (!input.options?.some((o) => o.focused)) {
      throw new Error("emulator: sendAutocomplete needs one option with focused: true");
    }
    return this.sendInteraction(4, input);
  }

  /**
   * A user presses a button on a message (a channel message, or an ephemeral one an interaction
   * answered with): dispatches INTERACTION_CREATE (type 3) with `data.custom_id`,
   * `data.component_type: 2` and the `message`, as Discord does. Callback 4 replies, 5 defers a
   * reply, 6 defers an update and 7 updates the message itself.
   */
  async pressButton(input: ButtonPressInput): Promise<InteractionRecord> {
    if (!this.gateway.hasLiveSession()) {
      throw new Error("emulator: no live gateway session — log the client in first");
    }
    const message = this.state.findAnyMessage(input.messageId);
    if (!message || message.deleted || message.channel_id !== input.channelId) {
      throw new Error(`emulator: no message ${input.messageId} in ${input.channelId}`);
    }
    const carried = message.components.some(
      (row) =>
        typeof row === "object" &&
        row !== null &&
        Array.isArray((row as JsonObject).components) &&
        ((row as JsonObject).components as JsonObject[]).some(
          (c) => c.type === 2 && c.custom_id === input.customId,
        ),
    );
    if (!carried && !input.forge) {
      throw new Error(`emulator: message ${input.messageId} has no button ${input.customId}`);
    }
    const record = this.dispatchInteraction(
      3,
      input,
      input.customId,
      () => ({ custom_id: input.customId, component_type: 2 }),
      { message: structuredClone(message) as unknown as JsonObject },
    );
    record.componentMessage = message;
    return record;
  }

  // ---------------------------------------------------------------------------------------------
  // Observation

  /** Everything visible in a channel (bot posts and non-ephemeral interaction replies), oldest first. */
  messages(channelId: string): EmulatedMessage[] {
    return this.state.channelMessages(channelId);
  }

  waitForMessages(channelId: string, count: number, timeoutMs = 2000): Promise<EmulatedMessage[]> {
    return this.state.waitForMessages(channelId, count, timeoutMs);
  }

  /** Registered application commands: global by default, or for one guild. */
  commands(guildId?: string): StoredCommand[] {
    return [...(this.state.commands.get(guildId ?? "global") ?? [])];
  }

  /** REST calls in arrival order (method, path, templated route, status, parsed body). */
  /** The bytes of an uploaded file, by the id of the attachment it became. */
  attachmentBytes(attachmentId: string): Buffer | undefined {
    return this.state.files.get(attachmentId);
  }

  get requests(): readonly RequestLogEntry[] {
    return this.state.requests;
  }

  /** Number of 429s handed out by the per-channel message bucket (optionally for one channel). */
  rateLimitHits(channelId?: string): number {
    return channelId === undefined
      ? this.limiter.totalRejections()
      : (this.limiter.rejections.get(channelId) ?? 0);
  }

  /** Gateway connection attempts, with their query strings (v, encoding, compress). */
  get gatewayConnections(): readonly GatewayConnectionInfo[] {
    return this.gateway.connections;
  }

  /** The gateway sessions (one per identified shard), with their `[id, count]`. */
  get gatewaySessions(): SessionInfo[] {
    return this.gateway.sessionList();
  }

  /** Frames the client sent over the gateway other than heartbeats (IDENTIFY, RESUME, …). */
  get gatewayFrames(): readonly ReceivedFrame[] {
    return this.gateway.received;
  }

  interactions(): InteractionRecord[] {
    return [...this.state.interactions.values()];
  }

  async stop(): Promise<void> {
    await this.gateway.close();
    await this.http.close();
  }

  // ---------------------------------------------------------------------------------------------

  private guild(guildId: string): EmulatedGuild {
    const guild = this.state.guilds.get(guildId);
    if (!guild) throw new Error(`emulator: unknown guild ${guildId}`);
    return guild;
  }

  private makeRole(guild: EmulatedGuild, r: RoleInput): [string, EmulatedRole] {
    const id = r.id ?? snowflake();
    return [
      id,
      {
        id,
        name: r.name,
        permissions: toBigInt(r.permissions ?? 0n),
        position: guild.roles.size,
        color: r.color ?? 0,
        managed: r.managed === true,
        mentionable: r.mentionable === true,
      },
    ];
  }

  private makeChannel(guildId: string, c: ChannelInput, position: number): EmulatedChannel {
    return {
      id: c.id ?? snowflake(),
      guildId,
      name: c.name,
      type: c.type ?? 0,
      position,
      topic: c.topic ?? null,
      nsfw: false,
      parentId: c.parentId ?? null,
      overwrites: (c.permissionOverwrites ?? []).map((o) => ({
        id: o.id,
        type: o.type,
        allow: toBigInt(o.allow ?? 0n),
        deny: toBigInt(o.deny ?? 0n),
      })),
      lastMessageId: null,
      deleted: false,
      flags: c.flags ?? 0,
      ...(c.tags
        ? {
            availableTags: c.tags.map((t) => ({
              id: snowflake(),
              name: t.name,
              moderated: t.moderated ?? false,
              emoji_id: null,
              emoji_name: null,
            })),
          }
        : {}),
    };
  }

  /** The guild, channel and member of an interaction, with the permissions its payload carries. */
  private interactionParties(input: {
    guildId: string;
    channelId: string;
    userId: string;
    permissions?: Bits;
  }) {
    const guild = this.guild(input.guildId);
    const channel = guild.channels.get(input.channelId);
    if (!channel || channel.deleted)
      throw new Error(`emulator: unknown channel ${input.channelId}`);
    let member = guild.members.get(input.userId);
    if (!member) {
      member = this.addMember(guild.id, {
        id: input.userId,
        username: `user${input.userId.slice(-4)}`,
      });
    }
    const memberPerms =
      input.permissions !== undefined
        ? toBigInt(input.permissions)
        : (member.interactionPermissions ?? channelPermissions(guild, channel, member));
    const appPerms = channelPermissions(guild, channel, this.state.botMember(guild));
    return { guild, channel, member, memberPerms, appPerms };
  }

  /**
   * Sends an interaction of `type` with `data` (and `extra` top-level fields, e.g. the message a
   * button is on) as Discord does over the gateway, and records it for the test to observe.
   */
  private dispatchInteraction(
    type: 2 | 3 | 4,
    input: {
      guildId: string;
      channelId: string;
      userId: string;
      permissions?: Bits;
      locale?: string;
    },
    name: string,
    data: (parties: ReturnType<DiscordEmulator["interactionParties"]>) => JsonObject,
    extra: JsonObject = {},
  ): InteractionRecord {
    if (!this.gateway.hasLiveSession(input.guildId)) {
      throw new Error(
        "emulator: no live gateway session holds the guild — log the client (or its shard) in first",
      );
    }
    const parties = this.interactionParties(input);
    const { guild, channel, member, memberPerms, appPerms } = parties;
    const id = snowflake();
    const token = randomToken(`interaction:${id}`);
    const payload: JsonObject = {
      id,
      application_id: this.state.options.applicationId,
      type,
      token,
      version: 1,
      data: data(parties),
      ...extra,
      guild_id: guild.id,
      guild: { id: guild.id, locale: "en-US", features: [] },
      channel_id: channel.id,
      // discord.js takes interaction.channelId from `channel.id`, not from `channel_id`.
      channel: { ...channelJson(channel), permissions: memberPerms.toString() },
      member: { ...memberJson(member), permissions: memberPerms.toString() },
      app_permissions: appPerms.toString(),
      locale: input.locale ?? "en-US",
      guild_locale: guild.preferredLocale,
      entitlements: [],
      authorizing_integration_owners: { "0": guild.id },
      context: 0,
      attachment_size_limit: 10_485_760,
    };
    const record = new InteractionRecord(
      id,
      token,
      type,
      guild.id,
      channel.id,
      member.user.id,
      name,
      payload,
    );
    this.state.interactions.set(id, record);
    record.deliveredTo = this.gateway.dispatch("INTERACTION_CREATE", payload);
    return record;
  }

  private async sendInteraction(type: 2 | 4, input: SlashCommandInput): Promise<InteractionRecord> {
    let options: JsonObject[] = (input.options ?? []).map((o) => ({
      name: o.name,
      type: o.type,
      ...(o.value !== undefined ? { value: o.value } : {}),
      ...(o.focused ? { focused: true } : {}),
    }));
    if (input.subcommand) options = [{ type: 1, name: input.subcommand, options }];
    if (input.subcommandGroup) options = [{ type: 2, name: input.subcommandGroup, options }];
    return this.dispatchInteraction(type, input, input.name, ({ guild, channel }) => {
      const registered =
        this.commands(guild.id).find((c) => c.name === input.name && c.type === 1) ??
        this.commands().find((c) => c.name === input.name && c.type === 1);
      return {
        id: registered?.id ?? snowflake(),
        name: input.name,
        type: 1,
        ...(options.length > 0 ? { options } : {}),
        ...(registered?.guild_id ? { guild_id: registered.guild_id } : {}),
        ...this.resolved(guild, channel, input.options ?? []),
      };
    });
  }

  /** `data.resolved` for user/channel/role options so discord.js getUser()/getChannel() work. */
  private resolved(
    guild: EmulatedGuild,
    channel: EmulatedChannel,
    options: CommandOptionInput[],
  ): JsonObject {
    const users: JsonObject = {};
    const members: JsonObject = {};
    const channels: JsonObject = {};
    const roles: JsonObject = {};
    for (const o of options) {
      const id = String(o.value ?? "");
      if (o.type === 6 || o.type === 9) {
        const member = guild.members.get(id);
        const user = member?.user ?? this.state.users.get(id);
        if (user) users[id] = userJson(user);
        if (member) {
          const { user: _omit, ...rest } = memberJson(member);
          members[id] = {
            ...rest,
            permissions: channelPermissions(guild, channel, member).toString(),
          };
        }
      }
      if (o.type === 7) {
        const target = guild.channels.get(id);
        if (target) channels[id] = { ...channelJson(target), permissions: "0" };
      }
      if (o.type === 8 || o.type === 9) {
        const role = guild.roles.get(id);
        if (role) roles[id] = roleJson(role);
      }
    }
    const resolved: JsonObject = {};
    if (Object.keys(users).length) resolved.users = users;
    if (Object.keys(members).length) resolved.members = members;
    if (Object.keys(channels).length) resolved.channels = channels;
    if (Object.keys(roles).length) resolved.roles = roles;
    return Object.keys(resolved).length ? { resolved } : {};
  }
}
