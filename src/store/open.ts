import KeyvPostgres from "@keyv/postgres";
import KeyvRedis from "@keyv/redis";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import type { Logger } from "pino";
import { deserialize, serialize } from "./codec.js";
import { StorageHealth } from "./health.js";
import { clientReportingIdleErrors } from "./postgres-client.js";
import { prepareSqliteFile } from "./sqlite-file.js";
import { SqliteStore } from "./sqlite-store.js";
import {
  failingAsUnavailable,
  type GuardOptions,
  type StorageErrorListener,
} from "./unavailable.js";
import { maskStorageUrl, scrubStorageSecrets } from "./url-secrets.js";

export class StorageError extends Error {
  override name = "StorageError";
}

export type Backend = "sqlite" | "redis" | "postgres";

/** The opened store: one Keyv namespace for everything, plus backend-specific upkeep. */
export interface Storage {
  kv: Keyv;
  backend: Backend;
  /** Removes expired entries where the backend does not expire them by itself. */
  sweep(now: number): Promise<number>;
  /** Whether storage answers; shared by everything that should wait out an outage quietly. */
  health: StorageHealth;
  close(): Promise<void>;
}

const DEFAULT_NAMESPACE = "fd";
const OPEN_TIMEOUT_MS = 10_000;
/** STORAGE_TIMEOUT_MS's default. */
export const DEFAULT_STORAGE_TIMEOUT_MS = 2_000;
/** Redis is asked again after 50 ms, doubling up to this, for as long as it is away. */
const REDIS_RECONNECT_MAX_MS = 5_000;
/** A PING this often keeps a healthy idle connection busy, so that a silent one stands out. */
const REDIS_PING_MS = 1_000;

export interface OpenOptions {
  namespace?: string;
  /** Where a repaired file mode is reported, and (with info/error) storage outages. */
  log?: Pick<Logger, "warn"> & Partial<Pick<Logger, "info" | "error">>;
  /** Every operation rejects as unavailable if it has not settled after this long. */
  timeoutMs?: number;
  /** Told of each failed storage operation (the storage-errors metric). */
  onError?: StorageErrorListener;
}

const quiet = { info: () => {}, error: () => {} };

/** Exponential with jitter, never giving up: an outage may last longer than any fixed count. */
export function redisReconnectDelay(retries: number, random: () => number = Math.random): number {
  const base = Math.min(50 * 2 ** Math.min(retries, 16), REDIS_RECONNECT_MAX_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

interface SqlAdapter {
  query(sql: string, ...params: unknown[]): Promise<unknown>;
}

async function sqlite(
  url: string,
  log: OpenOptions["log"],
): Promise<{ store: KeyvStoreAdapter; sql: SqlAdapter; path: string }> {
  const path = url.slice("sqlite://".length);
  if (path !== ":memory:") await prepareSqliteFile(path, log);
  const store = new SqliteStore({ uri: `sqlite://${path}`, busyTimeout: 5000 });
  const sql = store as unknown as SqlAdapter;
  // WAL lets readers run beside the writer, and NORMAL sync is durable across process crashes
  // (only an OS crash can lose the last commits) at a fraction of FULL's fsync cost.
  if (path !== ":memory:") {
    await sql.query("PRAGMA journal_mode=WAL");
    await sql.query("PRAGMA synchronous=NORMAL");
  }
  return { store: store as unknown as KeyvStoreAdapter, sql, path };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Opens STORAGE_URL and proves it works with one write and read, so that a wrong URL or a
 * stopped server fails at start with a clear message instead of at the first poll.
 */
export async function openStorage(url: string, options: OpenOptions = {}): Promise<Storage> {
  const label = maskStorageUrl(url);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const log = options.log;
  const health = new StorageHealth({
    info: log?.info?.bind(log) ?? quiet.info,
    error: log?.error?.bind(log) ?? quiet.error,
  });
  const guard: Required<GuardOptions> = {
    timeoutMs: options.timeoutMs ?? DEFAULT_STORAGE_TIMEOUT_MS,
    health,
    onError: options.onError ?? (() => {}),
  };
  let storage: Storage;
  try {
    storage = await withTimeout(
      connect(url, namespace, guard, options.log),
      OPEN_TIMEOUT_MS,
      `storage ${label}`,
    );
    const probe = `probe:${process.pid}:${Date.now()}`;
    await withTimeout(storage.kv.set(probe, 1, 60_000), OPEN_TIMEOUT_MS, `storage ${label}`);
    const back = await withTimeout(storage.kv.get(probe), OPEN_TIMEOUT_MS, `storage ${label}`);
    if (back !== 1) throw new Error("a value written could not be read back");
    await storage.kv.delete(probe);
    // While storage is down, this read is what notices it is back.
    health.watch(() => storage.kv.get("health:probe"));
  } catch (error) {
    // Drivers build their messages from the URL; the password must not travel with them. The
    // original error is not attached as a cause for the same reason.
    const reason = scrubStorageSecrets(error instanceof Error ? error.message : String(error), url);
    throw new StorageError(`cannot open storage ${label}: ${reason}`);
  }
  return storage;
}

/**
 * The one Keyv every backend is used through: values in the shared codec, and errors thrown as
 * StorageUnavailableError whatever the backend, so callers can tell an outage from a bug.
 */
function keyvOver(store: KeyvStoreAdapter, namespace: string, guard: GuardOptions): Keyv {
  return new Keyv({
    store: failingAsUnavailable(store, guard),
    namespace,
    throwOnErrors: true,
    serialize,
    deserialize,
  });
}

async function connect(
  url: string,
  NAMESPACE: string,
  guard: Required<GuardOptions>,
  log: OpenOptions["log"],
): Promise<Storage> {
  const { health } = guard;
  const closing = (kv: Keyv) => async () => {
    health.stop();
    await kv.disconnect();
  };
  const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
  if (scheme === "sqlite") {
    const { store, sql } = await sqlite(url, log);
    const kv = keyvOver(store, NAMESPACE, guard);
    return {
      kv,
      backend: "sqlite",
      health,
      async sweep(now) {
        const rows = (await sql.query(
          "DELETE FROM keyv WHERE key LIKE ? AND json_extract(value, '$.expires') < ? RETURNING key",
          `${NAMESPACE}:%`,
          now,
        )) as unknown[];
        return rows.length;
      },
      close: closing(kv),
    };
  }
  if (scheme === "redis" || scheme === "rediss") {
    // Commands fail at once while the server is unreachable instead of queueing until it is back:
    // a slash command gets its "storage is unavailable" answer, a poll is retried next cycle.
    // The client reconnects with backoff for as long as it takes. A connection that stays open but
    // goes silent (a hung server, a dropped route) is cut after a few missed pings and reconnected,
    // where node-redis's own strategy would give up on such a timeout.
    const silentMs = Math.max(guard.timeoutMs * 2, 3 * REDIS_PING_MS);
    const store = new KeyvRedis(
      {
        url,
        disableOfflineQueue: true,
        pingInterval: REDIS_PING_MS,
        socket: {
          connectTimeout: Math.max(guard.timeoutMs, 1000),
          socketTimeout: silentMs,
          reconnectStrategy: (retries: number) => redisReconnectDelay(retries),
        },
      },
      {
        throwOnConnectError: true,
        throwOnErrors: true,
        // Below the operation timeout, so a server that cannot be reached is reported as such.
        connectionTimeout: Math.max(500, Math.floor(guard.timeoutMs * 0.75)),
      },
    );
    // The client reports each failed attempt as an event; the outage is logged once, by `health`.
    store.on("error", () => {});
    const kv = keyvOver(store, NAMESPACE, guard);
    // Redis expires keys itself.
    return { kv, backend: "redis", health, sweep: async () => 0, close: closing(kv) };
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    // A pool that cannot connect says so within the storage timeout instead of waiting forever.
    const store = new KeyvPostgres({
      uri: url,
      connectionTimeoutMillis: guard.timeoutMs,
      Client: clientReportingIdleErrors((err) =>
        log?.warn(
          { err: { message: scrubStorageSecrets(err.message, url) } },
          "postgres closed an idle connection; the pool connects again on next use",
        ),
      ),
    });
    const failed = new Promise<never>((_, reject) => store.once("error", reject));
    failed.catch(() => {});
    const kv = keyvOver(store as unknown as KeyvStoreAdapter, NAMESPACE, guard);
    const sql = store as unknown as { query(sql: string, values?: unknown[]): Promise<unknown[]> };
    await Promise.race([sql.query("SELECT 1"), failed]);
    return {
      kv,
      backend: "postgres",
      health,
      async sweep(now) {
        const rows = await sql.query(
          "DELETE FROM keyv WHERE key LIKE $1 AND (value::jsonb->>'expires')::bigint < $2 RETURNING key",
          [`${NAMESPACE}:%`, now],
        );
        return rows.length;
      },
      close: closing(kv),
    };
  }
  throw new Error(`unknown storage scheme "${scheme}"`);
}
