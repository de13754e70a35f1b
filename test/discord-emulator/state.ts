/**
 * In-memory model of the Discord world the emulator serves: guilds, channels, roles,
 * members, messages, application commands and in-flight interactions, plus the
 * serialisers that turn it into the JSON shapes the real API / gateway emit.
 */
import { randomBytes } from "node:crypto";
import { PermissionFlagsBits } from "discord.js";

/** A JSON-ish object as it travels over the wire; fields are narrowed where they are read. */
export type JsonObject = { [key: string]: unknown };

// ---------------------------------------------------------------------------------------------
// Snowflakes

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeIncrement = 0n;

/**
 * Real-looking snowflakes: discord.js derives `createdTimestamp` from them and sorts
 * collections by them, so counters like "1", "2" would give 2015 dates and odd ordering.
 */
export function snowflake(): string {
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  const ts = BigInt(Date.now()) - DISCORD_EPOCH;
  return ((ts << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

/** A fresh snowflake for a guild that falls on `shard` of `count` (`(id >> 22) % count`). */
export function snowflakeOnShard(shard: number, count: number): string {
  if (!Number.isInteger(count) || count < 1 || shard < 0 || shard >= count) {
    throw new Error(`emulator: no shard ${shard} of ${count}`);
  }
  snowflakeIncrement = (snowflakeIncrement + 1n) & 0xfffn;
  const now = BigInt(Date.now()) - DISCORD_EPOCH;
  const n = BigInt(count);
  // The timestamp part decides the shard: moved forward to the next one that falls on it.
  const ts = now + ((BigInt(shard) - (now % n) + n) % n);
  return ((ts << 22n) | (1n << 17n) | snowflakeIncrement).toString();
}

export function randomToken(prefix: string): string {
  return `${Buffer.from(prefix).toString("base64url")}.${randomBytes(24).toString("base64url")}`;
}

// ---------------------------------------------------------------------------------------------
// Permissions

export const Perm = PermissionFlagsBits;
export const ALL_PERMISSIONS: bigint = Object.values(PermissionFlagsBits).reduce(
  (acc, bit) => acc | bit,
  0n,
);

/** What a freshly created guild grants @everyone (close to Discord's defaults). */
export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.ReadMessageHistory |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.AddReactions |
  Perm.UseExternalEmojis |
  Perm.UseApplicationCommands |
  Perm.CreateInstantInvite |
  Perm.ChangeNickname |
  Perm.Connect |
  Perm.Speak;

/** The bot's managed role: what an invite link with sensible scopes would grant — no Administrator, so overwrites matter. */
export const DEFAULT_BOT_PERMISSIONS: bigint =
  Perm.ViewChannel |
  Perm.SendMessages |
  Perm.SendMessagesInThreads |
  Perm.EmbedLinks |
  Perm.AttachFiles |
  Perm.ReadMessageHistory |
  Perm.UseExternalEmojis |
  Perm.AddReactions;

export function toBigInt(value: bigint | string | number): bigint {
  return typeof value === "bigint" ? value : BigInt(value);
}

// ---------------------------------------------------------------------------------------------
// Entities

export interface EmulatedUser {
  id: string;
  username: string;
  globalName: string | null;
  bot: boolean;
}

export interface EmulatedRole {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  color: number;
  managed: boolean;
  /** Anyone may @mention it (a mention of a role that is not notifies only from Mention Everyone holders). */
  mentionable?: boolean;
  /** Set for the bot's integration role so role.tags.botId resolves client-side. */
  botId?: string;
}

export interface PermissionOverwrite {
  id: string;
  /** 0 = role, 1 = member */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface EmulatedChannel {
  id: string;
  guildId: string;
  name: string;
  type: number;
  position: number;
  topic: string | null;
  nsfw: boolean;
  parentId: string | null;
  overwrites: PermissionOverwrite[];
  lastMessageId: string | null;
  deleted: boolean;
  /** Channel flags (e.g. 1 << 4 REQUIRE_TAG on a forum, 1 << 1 PINNED on a post). */
  flags?: number;
  /** A forum's or media channel's tags (types 15, 16). */
  availableTags?: ForumTagJson[];
  /** Set on threads (types 10, 11, 12), forum posts included. */
  thread?: ThreadState;
}

export interface ForumTagJson {
  id: string;
  name: string;
  moderated: boolean;
  emoji_id: string | null;
  emoji_name: string | null;
}

/** What makes a channel a thread, as the thread_metadata and thread fields describe it. */
export interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  archiveTimestamp: string;
  createTimestamp: string;
  /** Users in the thread: a private thread is visible to them (and Manage Threads holders). */
  memberIds: Set<string>;
  /** Tags of a forum post. */
  appliedTags: string[];
  messageCount: number;
}

export const THREAD_TYPES = new Set([10, 11, 12]);
/** Forum and media channels: only threads (posts) live in them. */
export const THREAD_ONLY_TYPES = new Set([15, 16]);

export interface EmulatedMember {
  user: EmulatedUser;
  roles: string[];
  joinedAt: string;
  nick: string | null;
  /**
   * Permissions to put in interaction payloads (`member.permissions`). When unset they are
   * computed from roles/overwrites like Discord does.
   */
  interactionPermissions?: bigint;
}

export class EmulatedGuild {
  readonly roles = new Map<string, EmulatedRole>();
  readonly channels = new Map<string, EmulatedChannel>();
  readonly members = new Map<string, EmulatedMember>();
  /** id of the bot's managed integration role. */
  botRoleId = "";
  /** The server's language (Server Settings → Community → Server Primary Language). */
  preferredLocale = "en-US";

  constructor(
    readonly id: string,
    public name: string,
    public ownerId: string,
  ) {}

  /** Convenience for tests: the id of the (first) channel with this name. */
  channelId(name: string): string {
    for (const channel of this.channels.values()) {
      if (channel.name === name) return channel.id;
    }
    throw new Error(`emulator: guild ${this.id} has no channel named ${name}`);
  }
}

/** A message as stored by the emulator (and returned by the API). */
export interface EmulatedMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  type: number;
  content: string;
  embeds: JsonObject[];
  components: unknown[];
  attachments: JsonObject[];
  /** Not part of Discord's message object; kept so tests can assert what mentions were allowed. */
  allowed_mentions?: unknown;
  flags: number;
  author: JsonObject;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: string[];
  pinned: boolean;
  nonce?: string | number;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: JsonObject;
  message_reference?: unknown;
  /** Emulator bookkeeping: deleted messages stay in the log but are hidden from messages(). */
  deleted?: boolean;
}

export interface StoredCommand extends JsonObject {
  id: string;
  application_id: string;
  name: string;
  type: number;
  description: string;
  version: string;
  guild_id?: string;
}

export interface RequestLogEntry {
  method: string;
  /** Path after `/api/v10`, with query string stripped. */
  path: string;
  /** Templated route, e.g. `/channels/:id/messages`; `unknown` when nothing matched. */
  route: string;
  status: number;
  at: number;
  body?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Permission computation — the same algorithm Discord documents and discord.js implements in
// GuildChannel#permissionsFor, so server-side 403s and client-side checks agree.

export function basePermissions(guild: EmulatedGuild, member: EmulatedMember): bigint {
  if (member.user.id === guild.ownerId) return ALL_PERMISSIONS;
  let perms = guild.roles.get(guild.id)?.permissions ?? 0n;
  for (const roleId of member.roles) perms |= guild.roles.get(roleId)?.permissions ?? 0n;
  return perms & Perm.Administrator ? ALL_PERMISSIONS : perms;
}

export function channelPermissions(
  guild: EmulatedGuild,
  channel: EmulatedChannel,
  member: EmulatedMember,
): bigint {
  // A thread has no overwrites of its own: it has its parent channel's permissions.
  if (channel.thread && channel.parentId) {
    const parent = guild.channels.get(channel.parentId);
    if (parent) return channelPermissions(guild, parent, member);
  }
  let perms = basePermissions(guild, member);
  if (perms & Perm.Administrator) return ALL_PERMISSIONS;
  const everyone = channel.overwrites.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const o of channel.overwrites) {
    if (o.type === 0 && o.id !== guild.id && member.roles.includes(o.id)) {
      roleAllow |= o.allow;
      roleDeny |= o.deny;
    }
  }
  perms = (perms & ~roleDeny) | roleAllow;
  const own = channel.overwrites.find((o) => o.type === 1 && o.id === member.user.id);
  if (own) perms = (perms & ~own.deny) | own.allow;
  return perms;
}

// ---------------------------------------------------------------------------------------------
// Serialisers (API / gateway JSON shapes)

export function userJson(user: EmulatedUser): JsonObject {
  return {
    id: user.id,
    username: user.username,
    discriminator: "0",
    global_name: user.globalName,
    avatar: null,
    bot: user.bot || undefined,
    public_flags: 0,
    flags: 0,
    banner: null,
    accent_color: null,
    avatar_decoration_data: null,
  };
}

export function roleJson(role: EmulatedRole): JsonObject {
  return {
    id: role.id,
    name: role.name,
    color: role.color,
    colors: { primary_color: role.color, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position: role.position,
    permissions: role.permissions.toString(),
    managed: role.managed,
    mentionable: role.mentionable === true,
    flags: 0,
    ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
  };
}

export function overwriteJson(o: PermissionOverwrite): JsonObject {
  return { id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() };
}

export function channelJson(channel: EmulatedChannel): JsonObject {
  const t = channel.thread;
  if (t) {
    // Threads carry no position or overwrites; they have thread_metadata and an owner.
    return {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guildId,
      name: channel.name,
      parent_id: channel.parentId,
      owner_id: t.ownerId,
      last_message_id: channel.lastMessageId,
      rate_limit_per_user: 0,
      flags: channel.flags ?? 0,
      message_count: t.messageCount,
      member_count: t.memberIds.size,
      total_message_sent: t.messageCount,
      applied_tags: [...t.appliedTags],
      thread_metadata: {
        archived: t.archived,
        locked: t.locked,
        auto_archive_duration: t.autoArchiveDuration,
        archive_timestamp: t.archiveTimestamp,
        create_timestamp: t.createTimestamp,
        ...(channel.type === 12 ? { invitable: false } : {}),
      },
    };
  }
  return {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    position: channel.position,
    permission_overwrites: channel.overwrites.map(overwriteJson),
    topic: channel.topic,
    nsfw: channel.nsfw,
    parent_id: channel.parentId,
    last_message_id: channel.lastMessageId,
    rate_limit_per_user: 0,
    flags: channel.flags ?? 0,
    ...(THREAD_ONLY_TYPES.has(channel.type)
      ? {
          available_tags: (channel.availableTags ?? []).map((tag) => ({ ...tag })),
          default_auto_archive_duration: 1440,
          default_reaction_emoji: null,
          default_sort_order: null,
          default_forum_layout: 0,
          default_thread_rate_limit_per_user: 0,
        }
      : {}),
  };
}

/** Whether the bot sees a thread: a private one only as a member or with Manage Threads. */
export function botSeesThread(
  guild: EmulatedGuild,
  channel: EmulatedChannel,
  bot: EmulatedMember,
): boolean {
  const perms = channelPermissions(guild, channel, bot);
  if (!(perms & Perm.ViewChannel)) return false;
  if (channel.type !== 12 || !channel.thread) return true;
  return channel.thread.memberIds.has(bot.user.id) || (perms & Perm.ManageThreads) !== 0n;
}

export function memberJson(member: EmulatedMember): JsonObject {
  return {
    user: userJson(member.user),
    nick: member.nick,
    avatar: null,
    banner: null,
    roles: [...member.roles],
    joined_at: member.joinedAt,
    premium_since: null,
    deaf: false,
    mute: false,
    pending: false,
    flags: 0,
    communication_disabled_until: null,
  };
}

/** The REST guild object (GET /guilds/:id). */
export function guildJson(guild: EmulatedGuild, applicationId: string | null = null): JsonObject {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [...guild.roles.values()].map(roleJson),
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: applicationId,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    max_presences: null,
    max_members: 500_000,
    vanity_url_code: null,
    description: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: guild.preferredLocale,
    max_video_channel_users: 25,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}

/** GUILD_CREATE payload: the REST guild plus the gateway-only extras discord.js caches from. */
export function guildCreateJson(guild: EmulatedGuild): JsonObject {
  const live = [...guild.channels.values()].filter((c) => !c.deleted);
  const channels = live.filter((c) => !c.thread);
  const bot = [...guild.members.values()].find((m) => m.user.bot);
  // Active threads the bot can see; archived ones reach a client only when it asks for them.
  const threads = live.filter(
    (c) => c.thread && !c.thread.archived && (!bot || botSeesThread(guild, c, bot)),
  );
  return {
    ...guildJson(guild),
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [...guild.members.values()].map(memberJson),
    channels: channels.map(channelJson),
    threads: threads.map(channelJson),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Interactions

export interface InteractionCallback {
  type: number;
  data: unknown;
}

export interface AutocompleteChoice {
  name: string;
  value: string | number;
}

/** What waitForResponse resolves with: the visible outcome of an interaction. */
export interface InteractionOutcome {
  /** The callback type that started the response (4, 5, 7, 8, 9…). */
  callbackType: number;
  /** The @original message once it has content (type 4, or type 5 after edit/followup). */
  message?: EmulatedMessage;
  /** Autocomplete choices (type 8). */
  choices?: AutocompleteChoice[];
  /** Raw callback data (modal etc.). */
  data?: unknown;
}

export class InteractionRecord {
  readonly callbacks: InteractionCallback[] = [];
  /** Bodies of PATCH …/messages/@original, in order. */
  readonly edits: unknown[] = [];
  /** Bodies of POST /webhooks/:app/:token (followups), in order. */
  readonly followups: unknown[] = [];
  /** The @original response message (created by callback 4/5). */
  original: EmulatedMessage | null = null;
  /**
   * A button press (type 3): the message the button is on, which callback 7 updates and which
   * `@original` means after callback 6 or 7.
   */
  componentMessage?: EmulatedMessage;
  readonly followupMessages: EmulatedMessage[] = [];
  readonly createdAt = Date.now();
  /** The shards (`[id, count]`) of the gateway sessions the interaction was dispatched to. */
  deliveredTo: Array<[number, number]> = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly token: string,
    readonly type: number,
    readonly guildId: string,
    readonly channelId: string,
    readonly userId: string,
    readonly name: string,
    readonly payload: JsonObject,
  ) {}

  get acknowledged(): boolean {
    return this.callbacks.length > 0;
  }

  /** Called by the REST layer after any change so pending waiters re-check. */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  outcome(): InteractionOutcome | null {
    const first = this.callbacks[0];
    if (!first) return null;
    if (first.type === 8) {
      const data = first.data as { choices?: AutocompleteChoice[] } | undefined;
      return { callbackType: 8, choices: data?.choices ?? [], data: first.data };
    }
    if (first.type === 4) {
      return { callbackType: first.type, message: this.original ?? undefined, data: first.data };
    }
    if (first.type === 7 || first.type === 6) {
      return { callbackType: first.type, message: this.componentMessage, data: first.data };
    }
    if (first.type === 5) {
      // A deferred reply only becomes visible once it is edited (or replaced by a followup).
      if (this.original && !this.original.deleted && (this.original.flags & LOADING_FLAG) === 0) {
        return { callbackType: 5, message: this.original };
      }
      // Deleted while still loading: what the user sees is the first followup, if any.
      const followup = this.followupMessages[0];
      if (this.original?.deleted && followup) return { callbackType: 5, message: followup };
      return null;
    }
    return { callbackType: first.type, data: first.data };
  }

  waitForResponse(timeoutMs = 2000): Promise<InteractionOutcome> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const outcome = this.outcome();
        if (!outcome) return false;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(outcome);
        return true;
      };
      const listener = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(
            `emulator: interaction ${this.name} got no visible response within ${timeoutMs}ms (callbacks: ${JSON.stringify(this.callbacks.map((c) => c.type))})`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(listener);
      check();
    });
  }
}

/** MessageFlags.Loading — set on a deferred reply until it is edited. */
export const LOADING_FLAG = 1 << 7;
export const EPHEMERAL_FLAG = 1 << 6;

// ---------------------------------------------------------------------------------------------
// The world

export interface ResolvedOptions {
  token: string;
  applicationId: string;
  botUserId: string;
  botUsername: string;
  rateLimit: { perChannel: number; windowMs: number; sendHeaders: boolean };
  heartbeatIntervalMs: number;
  interactionTimeoutMs: number;
  nonceWindowMs: number;
  /** The shard count GET /gateway/bot recommends. */
  recommendedShards: number;
  /** Guilds one shard may hold; more per shard closes IDENTIFY with 4011. Unset: no limit. */
  maxGuildsPerShard?: number;
}

export class EmulatorState {
  readonly guilds = new Map<string, EmulatedGuild>();
  /** Guilds the bot was removed from: their channels answer 403 Missing Access, not 404. */
  readonly removedGuilds = new Map<string, EmulatedGuild>();
  readonly users = new Map<string, EmulatedUser>();
  readonly messages: EmulatedMessage[] = [];
  /** author:nonce → the first message sent with it (enforce_nonce lookups at load-bench scale). */
  readonly #byNonce = new Map<string, EmulatedMessage>();

  /** The earlier live message of this author with this nonce, within the nonce window. */
  messageByNonce(authorId: string, nonce: string | number): EmulatedMessage | undefined {
    const found = this.#byNonce.get(`${authorId}:${nonce}`);
    if (!found || found.deleted) return undefined;
    return Date.now() - Date.parse(found.timestamp) <= this.options.nonceWindowMs
      ? found
      : undefined;
  }
  /** Commands keyed by scope: "global" or a guild id. */
  readonly commands = new Map<string, StoredCommand[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly requests: RequestLogEntry[] = [];
  /** Uploaded files' bytes by attachment id (see uploads.ts). */
  readonly files = new Map<string, Buffer>();
  readonly botUser: EmulatedUser;
  outage = false;
  private readonly messageListeners = new Set<() => void>();

  constructor(readonly options: ResolvedOptions) {
    this.botUser = {
      id: options.botUserId,
      username: options.botUsername,
      globalName: null,
      bot: true,
    };
    this.users.set(this.botUser.id, this.botUser);
  }

  findChannel(channelId: string): { guild: EmulatedGuild; channel: EmulatedChannel } | null {
    for (const guild of this.guilds.values()) {
      const channel = guild.channels.get(channelId);
      if (channel) return { guild, channel };
    }
    return null;
  }

  botMember(guild: EmulatedGuild): EmulatedMember {
    const member = guild.members.get(this.botUser.id);
    if (!member) throw new Error(`emulator: bot is not a member of guild ${guild.id}`);
    return member;
  }

  interactionByToken(token: string): InteractionRecord | null {
    for (const record of this.interactions.values()) {
      if (record.token === token) return record;
    }
    return null;
  }

  addMessage(message: EmulatedMessage): void {
    this.messages.push(message);
    if (message.nonce !== undefined) {
      const key = `${message.author.id}:${message.nonce}`;
      if (!this.#byNonce.has(key)) this.#byNonce.set(key, message);
    }
    const found = this.findChannel(message.channel_id);
    if (found) found.channel.lastMessageId = message.id;
    if (found?.channel.thread) found.channel.thread.messageCount += 1;
    this.messagesChanged();
  }

  messagesChanged(): void {
    for (const listener of [...this.messageListeners]) listener();
  }

  /**
   * A message by id wherever it is: in a channel, or an ephemeral interaction answer (which only
   * its user sees and which is never part of a channel's history).
   */
  findAnyMessage(messageId: string): EmulatedMessage | undefined {
    const inChannel = this.messages.find((m) => m.id === messageId);
    if (inChannel) return inChannel;
    for (const record of this.interactions.values()) {
      if (record.original?.id === messageId) return record.original;
      const followup = record.followupMessages.find((m) => m.id === messageId);
      if (followup) return followup;
    }
    return undefined;
  }

  channelMessages(channelId: string): EmulatedMessage[] {
    return this.messages.filter((m) => m.channel_id === channelId && !m.deleted);
  }

  waitForMessages(channelId: string, count: number, timeoutMs: number): Promise<EmulatedMessage[]> {
    return this.waitFor(
      () => this.channelMessages(channelId),
      count,
      timeoutMs,
      (seen) => `${count} messages in ${channelId} within ${timeoutMs}ms, saw ${seen}`,
    );
  }

  /** Resolves with `list()` once it has `count` items, re-checked whenever messages change. */
  private waitFor<T>(
    list: () => T[],
    count: number,
    timeoutMs: number,
    expected: (seen: number) => string,
  ): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const current = list();
        if (current.length < count) return;
        clearTimeout(timer);
        this.messageListeners.delete(check);
        resolve(current);
      };
      const timer = setTimeout(() => {
        this.messageListeners.delete(check);
        reject(new Error(`emulator: expected ${expected(list().length)}`));
      }, timeoutMs);
      this.messageListeners.add(check);
      check();
    });
  }

  /** Live threads (a forum's posts) under a channel, oldest first. */
  threadsIn(parentId: string): EmulatedChannel[] {
    const found = this.findChannel(parentId);
    if (!found) return [];
    return [...found.guild.channels.values()].filter(
      (c) => c.thread && c.parentId === parentId && !c.deleted,
    );
  }

  /**
   * Resolves once `parentId` has `count` threads. A post's first message is stored with the post,
   * so this fires in the same turn as the request that created it, before the bot hears back.
   */
  waitForThreads(parentId: string, count: number, timeoutMs: number): Promise<EmulatedChannel[]> {
    return this.waitFor(
      () => this.threadsIn(parentId),
      count,
      timeoutMs,
      (seen) => `${count} threads in ${parentId} within ${timeoutMs}ms, saw ${seen}`,
    );
  }

  /** The message object for something the bot (or its webhook) posts. */
  newMessage(
    channelId: string,
    guildId: string | undefined,
    body: JsonObject,
    extra: Partial<EmulatedMessage> = {},
  ): EmulatedMessage {
    const embeds = Array.isArray(body.embeds) ? (body.embeds as JsonObject[]) : [];
    return {
      id: snowflake(),
      channel_id: channelId,
      ...(guildId ? { guild_id: guildId } : {}),
      type: 0,
      content: typeof body.content === "string" ? body.content : "",
      embeds: embeds.map(normaliseEmbed),
      components: Array.isArray(body.components) ? body.components : [],
      attachments: [],
      ...(body.allowed_mentions !== undefined ? { allowed_mentions: body.allowed_mentions } : {}),
      flags: typeof body.flags === "number" ? body.flags : 0,
      author: userJson(this.botUser),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      ...(typeof body.nonce === "string" || typeof body.nonce === "number"
        ? { nonce: body.nonce }
        : {}),
      ...(body.message_reference !== undefined
        ? { message_reference: body.message_reference }
        : {}),
      ...extra,
    };
  }
}

/** Discord stamps `type: "rich"` on embeds it stores; discord.js reads it back as Embed#data.type. */
function normaliseEmbed(embed: JsonObject): JsonObject {
  return { type: "rich", ...embed };
}

export { normaliseEmbed };
