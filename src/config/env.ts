import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { validateDetailed } from "node-cron";
import { z } from "zod";
import { parseHostAllowList } from "../feeds/allow-list.js";

/** A bad setting: one line naming the variable and what is wrong with it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const intIn = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const envSchema = z.object({
  DISCORD_TOKEN: z
    .string()
    .trim()
    .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, "does not look like a bot token (three dot-separated parts)")
    .optional(),
  DISCORD_API_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .default("https://discord.com/api"),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, "must be a guild (server) id")
    .optional(),
  FEEDS_FILE: z.string().min(1).default("config/feeds.json"),
  POLL_SCHEDULE: z
    .string()
    .trim()
    .default("*/5 * * * *")
    .superRefine((value, ctx) => {
      const result = validateDetailed(value);
      if (!result.valid) {
        const why = result.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
        ctx.addIssue({ code: "custom", message: `not a valid cron expression (${why})` });
      }
    }),
  STORAGE_URL: z
    .string()
    .trim()
    .default("sqlite://data/foreign-desk.sqlite")
    .refine((v) => /^(sqlite|redis|rediss|postgres|postgresql):\/\/.+/.test(v), {
      message: "must start with sqlite://, redis://, rediss:// or postgres://",
    }),
  ALLOW_PRIVATE_FEED_HOSTS: z
    .string()
    .default("")
    .transform((value, ctx) => {
      try {
        return parseHostAllowList(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
  ALLOW_FEED_PORTS: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const ports = value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map(Number);
      if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
        ctx.addIssue({ code: "custom", message: "must be a comma-separated list of port numbers" });
        return z.NEVER;
      }
      return new Set(ports);
    }),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty", "auto"]).default("auto"),
  RETENTION_DAYS: intIn(1, 365, 30),
  BACKLOG_ALERTS: intIn(0, 1000, 0),
  FETCH_TIMEOUT_MS: intIn(1000, 120_000, 20_000),
  FETCH_CONNECT_TIMEOUT_MS: intIn(500, 60_000, 5_000),
  FETCH_MAX_BYTES: intIn(10_000, 100_000_000, 5_000_000),
  FETCH_CONCURRENCY: intIn(1, 512, 16),
  FETCH_PER_HOST: intIn(1, 64, 2),
  MAX_ITEMS_PER_FEED: intIn(1, 10_000, 200),
  ALERTS_PER_CHANNEL_HOUR: intIn(1, 1000, 30),
  /**
   * `off`: every report is its own alert, as in feed bots without clustering (a server that wants
   * each outlet's version). `on`: one alert per event per channel.
   */
  CLUSTERING: z.enum(["on", "off"]).default("on"),
  /** A later report of an event edits the alert this long after it was posted; then it posts nothing. */
  CLUSTER_EDIT_HOURS: intIn(0, 168, 12),
  DISCORD_GLOBAL_RATE: intIn(1, 10_000, 50),
  FEED_MIN_INTERVAL_SEC: intIn(1, 86_400, 60),
  /** Every storage operation that has not answered after this long fails as "storage unavailable". */
  STORAGE_TIMEOUT_MS: intIn(100, 60_000, 2_000),
  /**
   * How long a poll cycle waits for its feeds; slower ones carry on in the background without
   * holding up the next cycle. Unset: 80 % of POLL_SCHEDULE's interval.
   */
  CYCLE_DEADLINE_SEC: z.coerce.number().int().min(1).max(86_400).optional(),
  /** How often each server's health (failing feeds, paused or deleted channels) is checked. */
  HEALTH_CHECK_SEC: intIn(1, 3600, 60),
  /** Serves /metrics and /healthz on this port when set (0: any free port); unset: off. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /** Where the metrics endpoint listens: loopback unless the operator opens it. */
  METRICS_HOST: z
    .string()
    .trim()
    .default("127.0.0.1")
    .refine((v) => isIP(v) !== 0 || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(v), {
      message: "must be an IP address or a host name",
    }),
  /**
   * Worker threads that parse, normalise and tag feeds, so that the main thread stays free for the
   * gateway and interactions. Default: one per core but one (at least one); 0 does it all on the
   * main thread.
   */
  WORKERS: intIn(0, 256, Math.max(1, availableParallelism() - 1)),
  /** `worker`: no gateway (no Discord login); fetches and delivers jobs from the queue only. */
  ROLE: z.enum(["all", "worker"]).default("all"),
  /** The Redis for work as jobs (BullMQ); STORAGE_URL when that is Redis. */
  QUEUE_URL: z
    .string()
    .trim()
    .refine((v) => /^rediss?:\/\/.+/.test(v), { message: "must start with redis:// or rediss://" })
    .optional(),
  /** Prefix of every key in storage (and of the queues): fleets sharing one Redis differ here. */
  STORAGE_NAMESPACE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "must be 1–40 letters, digits, - or _")
    .default("fd"),
  /** A job's lock: a worker silent this long is presumed dead and its jobs run elsewhere. */
  QUEUE_LOCK_SEC: intIn(2, 600, 30),
  /**
   * `npm run start:sharded`: how many gateway shards; `auto` asks Discord (GET /gateway/bot).
   * Each shard's process is given its own count by discord.js under the same name.
   */
  SHARD_COUNT: z
    .string()
    .trim()
    .default("auto")
    .transform((value, ctx): number | "auto" => {
      if (value.toLowerCase() === "auto") return "auto";
      const n = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isInteger(n) || n < 1 || n > 1000) {
        ctx.addIssue({ code: "custom", message: "must be auto or a whole number from 1 to 1000" });
        return z.NEVER;
      }
      return n;
    }),
});

export type EnvConfig = z.output<typeof envSchema>;

/** Whether work and state can be shared between processes: a Redis is named for them. */
function hasSharedState(config: Pick<EnvConfig, "QUEUE_URL" | "STORAGE_URL">): boolean {
  return config.QUEUE_URL !== undefined || /^rediss?:\/\//i.test(config.STORAGE_URL);
}

/**
 * What `npm run start:sharded` needs before it starts a shard: a token, the gateway role, and,
 * when there can be more than one shard (`auto` or a number above 1), Redis: each shard is its
 * own process, and SQLite plus each process's caches cannot be shared between them.
 */
export function checkShardedConfig(config: EnvConfig): void {
  if (!config.DISCORD_TOKEN) {
    throw new ConfigError("DISCORD_TOKEN: npm run start:sharded logs shards in to Discord; set it");
  }
  if (config.ROLE !== "all") {
    throw new ConfigError(
      "ROLE: shards hold the gateway (ROLE=all); start ROLE=worker processes with npm start",
    );
  }
  if (config.SHARD_COUNT !== 1 && !hasSharedState(config)) {
    throw new ConfigError(
      `SHARD_COUNT: ${config.SHARD_COUNT} shards need shared state; set STORAGE_URL=redis://… (or QUEUE_URL), or SHARD_COUNT=1 to run one shard on ${config.STORAGE_URL.split(":")[0]}`,
    );
  }
}

/**
 * Validates the environment once, at the edge. Empty strings count as unset so that a
 * `.env` line like `DISCORD_TOKEN=` means "no token" rather than "a bad token".
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value;
  }
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    // Never echo the token's value, even when it is malformed.
    throw new ConfigError(`${name}: ${issue?.message ?? "invalid value"}`);
  }
  return parsed.data;
}
