import KeyvPostgres from "@keyv/postgres";
import KeyvRedis from "@keyv/redis";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import type { Logger } from "pino";
import { deserialize, serialize } from "./codec.js";
import { prepareSqliteFile } from "./sqlite-file.js";
import { SqliteStore } from "./sqlite-store.js";
import { failingAsUnavailable, type StorageErrorListener } from "./unavailable.js";
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
  close(): Promise<void>;
}

const DEFAULT_NAMESPACE = "fd";
const OPEN_TIMEOUT_MS = 10_000;

export interface OpenOptions {
  namespace?: string;
  /** Where a repaired file mode is reported. */
  log?: Pick<Logger, "warn">;
  /** Told of each failed storage operation (the storage-errors metric). */
  onError?: StorageErrorListener;
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
  let storage: Storage;
  try {
    storage = await withTimeout(
      connect(url, namespace, options.log, options.onError),
      OPEN_TIMEOUT_MS,
      `storage ${label}`,
    );
    const probe = `probe:${process.pid}:${Date.now()}`;
    await withTimeout(storage.kv.set(probe, 1, 60_000), OPEN_TIMEOUT_MS, `storage ${label}`);
    const back = await withTimeout(storage.kv.get(probe), OPEN_TIMEOUT_MS, `storage ${label}`);
    if (back !== 1) throw new Error("a value written could not be read back");
    await storage.kv.delete(probe);
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
function keyvOver(
  store: KeyvStoreAdapter,
  namespace: string,
  onError?: StorageErrorListener,
): Keyv {
  return new Keyv({
    store: failingAsUnavailable(store, onError),
    namespace,
    throwOnErrors: true,
    serialize,
    deserialize,
  });
}

async function connect(
  url: string,
  NAMESPACE: string,
  log: OpenOptions["log"],
  onError?: StorageErrorListener,
): Promise<Storage> {
  const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
  if (scheme === "sqlite") {
    const { store, sql } = await sqlite(url, log);
    const kv = keyvOver(store, NAMESPACE, onError);
    return {
      kv,
      backend: "sqlite",
      async sweep(now) {
        const rows = (await sql.query(
          "DELETE FROM keyv WHERE key LIKE ? AND json_extract(value, '$.expires') < ? RETURNING key",
          `${NAMESPACE}:%`,
          now,
        )) as unknown[];
        return rows.length;
      },
      close: () => kv.disconnect(),
    };
  }
  if (scheme === "redis" || scheme === "rediss") {
    // Commands fail at once while the server is unreachable instead of queueing until it is back:
    // a slash command gets its "storage is unavailable" answer, a poll is retried next cycle.
    const store = new KeyvRedis(
      { url, disableOfflineQueue: true },
      {
        throwOnConnectError: true,
        throwOnErrors: true,
        connectionTimeout: 5000,
      },
    );
    const kv = keyvOver(store, NAMESPACE, onError);
    // Redis expires keys itself.
    return { kv, backend: "redis", sweep: async () => 0, close: () => kv.disconnect() };
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    const store = new KeyvPostgres({ uri: url });
    const failed = new Promise<never>((_, reject) => store.once("error", reject));
    failed.catch(() => {});
    const kv = keyvOver(store as unknown as KeyvStoreAdapter, NAMESPACE, onError);
    const sql = store as unknown as { query(sql: string, values?: unknown[]): Promise<unknown[]> };
    await Promise.race([sql.query("SELECT 1"), failed]);
    return {
      kv,
      backend: "postgres",
      async sweep(now) {
        const rows = await sql.query(
          "DELETE FROM keyv WHERE key LIKE $1 AND (value::jsonb->>'expires')::bigint < $2 RETURNING key",
          [`${NAMESPACE}:%`, now],
        );
        return rows.length;
      },
      close: () => kv.disconnect(),
    };
  }
  throw new Error(`unknown storage scheme "${scheme}"`);
}
