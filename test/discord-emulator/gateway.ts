/**
 * Gateway v10 over WebSocket (JSON encoding, no compression): HELLO → IDENTIFY → READY +
 * GUILD_CREATE per guild, heartbeats, RESUME with replay of missed dispatches, and helpers
 * the emulator uses to push events (INTERACTION_CREATE, CHANNEL_DELETE, …).
 *
 * Sharding as Discord does it: IDENTIFY may carry `shard: [id, count]`; the session then holds
 * the guilds with `(guild_id >> 22) % count === id`, and READY, GUILD_CREATE and every event of
 * a guild (interactions included) go to that session only. A bad pair closes with 4010; with
 * `maxGuildsPerShard` set, too few shards for the guilds close with 4011.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { type EmulatorState, guildCreateJson, type JsonObject, randomToken } from "./state.js";
import { isObject } from "./validate.js";

const OP = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Close codes from the gateway docs that discord.js reacts to. */
export const CloseCode = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidApiVersion: 4012,
} as const;

interface Session {
  id: string;
  seq: number;
  /** Every dispatch of this session, so RESUME can replay what the client missed. */
  log: Array<{ s: number; frame: string }>;
  socket: WebSocket | null;
  intents: number;
  /** `[id, count]` from IDENTIFY; `[0, 1]` when the client did not shard. */
  shard: [number, number];
}

/** A session as tests see it: which shard it holds and whether its socket is open. */
export interface SessionInfo {
  id: string;
  shard: [number, number];
  live: boolean;
}

/** The shard a guild belongs to among `count`, by Discord's formula. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** The guild an event is about, when it is a guild's event (routed to that guild's shard). */
function guildOfEvent(t: string, d: unknown): string | undefined {
  if (!isObject(d)) return undefined;
  if (t === "GUILD_CREATE" || t === "GUILD_UPDATE" || t === "GUILD_DELETE") {
    return typeof d.id === "string" ? d.id : undefined;
  }
  return typeof d.guild_id === "string" ? d.guild_id : undefined;
}

/** `shard` of an IDENTIFY: absent means one shard; anything else must be a valid pair. */
function parseShard(value: unknown): [number, number] | "invalid" {
  if (value === undefined || value === null) return [0, 1];
  if (!Array.isArray(value) || value.length !== 2) return "invalid";
  const [id, count] = value as unknown[];
  if (!Number.isInteger(id) || !Number.isInteger(count)) return "invalid";
  if ((count as number) < 1 || (id as number) < 0 || (id as number) >= (count as number)) {
    return "invalid";
  }
  return [id as number, count as number];
}

export interface GatewayConnectionInfo {
  at: number;
  /** Raw request URL, e.g. `/?v=10&encoding=json` — tests assert no `compress` is requested. */
  url: string;
  query: Record<string, string>;
}

export interface ReceivedFrame {
  at: number;
  op: number;
  d: unknown;
}

const MAX_LOG = 2000;

/** Intent bit an event requires (Discord silently withholds it otherwise); absent = always sent. */
const EVENT_INTENTS: Record<string, number> = {
  GUILD_CREATE: 1 << 0,
  GUILD_UPDATE: 1 << 0,
  GUILD_DELETE: 1 << 0,
  CHANNEL_CREATE: 1 << 0,
  CHANNEL_UPDATE: 1 << 0,
  CHANNEL_DELETE: 1 << 0,
  THREAD_CREATE: 1 << 0,
  THREAD_UPDATE: 1 << 0,
  THREAD_DELETE: 1 << 0,
  GUILD_MEMBER_ADD: 1 << 1,
  GUILD_MEMBER_UPDATE: 1 << 1,
  GUILD_MEMBER_REMOVE: 1 << 1,
  MESSAGE_CREATE: 1 << 9,
  MESSAGE_UPDATE: 1 << 9,
  MESSAGE_DELETE: 1 << 9,
};

export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<WebSocket>();
  readonly connections: GatewayConnectionInfo[] = [];
  /** Non-heartbeat frames the client sent (IDENTIFY, RESUME, …) — tokens are redacted. */
  readonly received: ReceivedFrame[] = [];
  /** While true, new gateway connections are refused with HTTP 503 (outage emulation). */
  refuseConnections = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly publicUrl: () => string,
  ) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.refuseConnections) {
      // Like Cloudflare in front of a dead gateway: the upgrade never happens.
      socket.end(
        "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req));
  }

  /**
   * True when a client has identified (or resumed) and its socket is open; with `guildId`, a
   * session of the shard holding that guild.
   */
  hasLiveSession(guildId?: string): boolean {
    for (const session of this.sessions.values()) {
      if (guildId !== undefined && !holds(session, guildId)) continue;
      if (session.socket && session.socket.readyState === session.socket.OPEN) return true;
    }
    return false;
  }

  /** Every session, with its shard (identified order). */
  sessionList(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => ({
      id: s.id,
      shard: [...s.shard] as [number, number],
      live: s.socket !== null && s.socket.readyState === s.socket.OPEN,
    }));
  }

  /**
   * Sends a dispatch to every session whose intents cover it and, for a guild's event, whose
   * shard holds the guild; disconnected sessions keep it for RESUME replay. Returns the shards
   * (`[id, count]`) of the sessions it went to.
   */
  dispatch(t: string, d: unknown): Array<[number, number]> {
    const needed = EVENT_INTENTS[t];
    const guildId = guildOfEvent(t, d);
    const to: Array<[number, number]> = [];
    for (const session of this.sessions.values()) {
      if (needed !== undefined && (session.intents & needed) === 0) continue;
      if (guildId !== undefined && !holds(session, guildId)) continue;
      this.sendDispatch(session, t, d);
      to.push([...session.shard] as [number, number]);
    }
    return to;
  }

  /** Closes every socket with `code` (4000 = resumable "unknown error", like an outage). */
  closeAll(code: number, reason: string): void {
    for (const ws of this.sockets) ws.close(code, reason);
  }

  /** Asks clients to reconnect and resume (op 7), as Discord does during rolling restarts. */
  requestReconnect(): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ op: OP.Reconnect, d: null }));
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? "/", "ws://127.0.0.1");
    const query = Object.fromEntries(url.searchParams.entries());
    this.connections.push({ at: Date.now(), url: req.url ?? "/", query });
    this.sockets.add(ws);

    let session: Session | null = null;
    ws.on("close", (code) => {
      this.sockets.delete(ws);
      if (session && session.socket === ws) {
        session.socket = null;
        // A normal close (1000/1001) from the client ends the session; anything else may resume.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
    });
    ws.on("error", () => {
      // Socket errors surface as a close; nothing to do, but the listener prevents a crash.
    });

    if (query.v !== "10") {
      ws.close(CloseCode.InvalidApiVersion, "Invalid API version");
      return;
    }
    if ((query.encoding ?? "json") !== "json" || query.compress !== undefined) {
      // Only plain JSON text frames are implemented; a client asking for zlib/etf would fail later.
      ws.close(CloseCode.DecodeError, "emulator supports encoding=json without compression only");
      return;
    }

    ws.send(
      JSON.stringify({
        op: OP.Hello,
        d: { heartbeat_interval: this.state.options.heartbeatIntervalMs, _trace: ["emulator"] },
      }),
    );

    ws.on("message", (raw: RawData, isBinary: boolean) => {
      if (isBinary) {
        ws.close(CloseCode.DecodeError, "Error while decoding payload.");
        return;
      }
      let frame: unknown;
      try {
        frame = JSON.parse(rawToString(raw));
      } catch {
        ws.close(CloseCode.DecodeError, "Error while decoding payload.");
        return;
      }
      if (!isObject(frame) || typeof frame.op !== "number") {
        ws.close(CloseCode.DecodeError, "Error while decoding payload.");
        return;
      }
      const { op, d } = frame;
      if (op !== OP.Heartbeat) this.received.push({ at: Date.now(), op, d: redactToken(d) });

      switch (op) {
        case OP.Heartbeat:
          ws.send(JSON.stringify({ op: OP.HeartbeatAck }));
          return;
        case OP.Identify: {
          if (session) {
            ws.close(CloseCode.AlreadyAuthenticated, "Already authenticated.");
            return;
          }
          if (!isObject(d) || !this.tokenOk(d.token)) {
            ws.close(CloseCode.AuthenticationFailed, "Authentication failed.");
            return;
          }
          const shard = parseShard(d.shard);
          if (shard === "invalid") {
            ws.close(CloseCode.InvalidShard, "Invalid shard.");
            return;
          }
          const perShard = this.state.options.maxGuildsPerShard;
          if (perShard !== undefined && this.state.guilds.size > perShard * shard[1]) {
            ws.close(CloseCode.ShardingRequired, "Sharding required.");
            return;
          }
          session = {
            id: randomToken("session")
              .replace(/[^a-z0-9]/gi, "")
              .slice(0, 32),
            seq: 0,
            log: [],
            socket: ws,
            intents: typeof d.intents === "number" ? d.intents : 0,
            shard,
          };
          this.sessions.set(session.id, session);
          this.sendReady(session);
          return;
        }
        case OP.Resume: {
          if (session) {
            ws.close(CloseCode.AlreadyAuthenticated, "Already authenticated.");
            return;
          }
          if (!isObject(d) || !this.tokenOk(d.token)) {
            ws.close(CloseCode.AuthenticationFailed, "Authentication failed.");
            return;
          }
          const existing =
            typeof d.session_id === "string" ? this.sessions.get(d.session_id) : null;
          if (!existing) {
            // d:false = not resumable; discord.js then re-identifies.
            ws.send(JSON.stringify({ op: OP.InvalidSession, d: false }));
            return;
          }
          session = existing;
          if (existing.socket && existing.socket !== ws) existing.socket.close(4009, "Resumed");
          existing.socket = ws;
          const from = typeof d.seq === "number" ? d.seq : 0;
          for (const entry of existing.log) if (entry.s > from) ws.send(entry.frame);
          this.sendDispatch(existing, "RESUMED", { _trace: ["emulator"] });
          return;
        }
        case OP.PresenceUpdate:
        case OP.VoiceStateUpdate:
        case OP.RequestGuildMembers:
          if (!session) ws.close(CloseCode.NotAuthenticated, "Not authenticated.");
          // Accepted and ignored: the bot only needs the Guilds intent.
          return;
        default:
          ws.close(CloseCode.UnknownOpcode, "Unknown opcode.");
      }
    });
  }

  private tokenOk(token: unknown): boolean {
    if (typeof token !== "string") return false;
    return token.replace(/^Bot\s+/i, "") === this.state.options.token;
  }

  private sendReady(session: Session): void {
    const { botUser, options } = this.state;
    const url = this.publicUrl();
    const held = [...this.state.guilds.values()].filter((g) => holds(session, g.id));
    this.sendDispatch(session, "READY", {
      v: 10,
      user: {
        id: botUser.id,
        username: botUser.username,
        discriminator: "0",
        global_name: null,
        avatar: null,
        bot: true,
        verified: true,
        mfa_enabled: false,
        email: null,
        flags: 0,
      },
      guilds: held.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      session_type: "normal",
      resume_gateway_url: url,
      shard: session.shard,
      application: { id: options.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
      presences: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      user_settings: {},
      _trace: ["emulator"],
    });
    for (const guild of held) this.sendDispatch(session, "GUILD_CREATE", guildCreateJson(guild));
  }

  private sendDispatch(session: Session, t: string, d: unknown): void {
    session.seq += 1;
    const frame = JSON.stringify({ op: OP.Dispatch, t, s: session.seq, d });
    session.log.push({ s: session.seq, frame });
    if (session.log.length > MAX_LOG) session.log.splice(0, session.log.length - MAX_LOG);
    const ws = session.socket;
    if (ws && ws.readyState === ws.OPEN) ws.send(frame);
  }
}

/** Whether the session's shard holds the guild. */
function holds(session: Session, guildId: string): boolean {
  const [id, count] = session.shard;
  return shardOfGuild(guildId, count) === id;
}

function rawToString(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString("utf8");
  if (Array.isArray(raw)) return Buffer.concat(raw).toString("utf8");
  return Buffer.from(raw).toString("utf8");
}

function redactToken(d: unknown): unknown {
  if (!isObject(d) || !("token" in d)) return d;
  const copy: JsonObject = { ...d, token: "[redacted]" };
  return copy;
}
