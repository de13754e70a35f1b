import type { KeyvStoreAdapter } from "keyv";

/**
 * A storage operation failed (the server is down, the disk is full, the connection dropped).
 * Wrapping every backend's own error in this one type lets the error boundary tell "storage is
 * down" from a bug without knowing how Redis, SQLite or PostgreSQL word their errors; the
 * original stays in `cause` for the log.
 */
export class StorageUnavailableError extends Error {
  override name = "StorageUnavailableError";
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    // The backend's own words, unchanged: they are what an operator searches the log for.
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** Whether an error, or anything in its `cause` chain, is a storage failure. */
export function isStorageUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof StorageUnavailableError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

// The adapter calls Keyv makes that touch the backend; anything else (events, options) passes.
const OPERATIONS = new Set([
  "get",
  "getMany",
  "set",
  "setMany",
  "delete",
  "deleteMany",
  "clear",
  "has",
  "hasMany",
  "iterator",
]);

/** Told of each failed operation once (the storage-errors metric), by the adapter's name for it. */
export type StorageErrorListener = (operation: string) => void;

function wrap(
  operation: string,
  error: unknown,
  onError?: StorageErrorListener,
): StorageUnavailableError {
  if (error instanceof StorageUnavailableError) return error;
  onError?.(operation);
  return new StorageUnavailableError(operation, error);
}

/** The same adapter, with every failing operation rethrown as a StorageUnavailableError. */
export function failingAsUnavailable(
  store: KeyvStoreAdapter,
  onError?: StorageErrorListener,
): KeyvStoreAdapter {
  return new Proxy(store, {
    // The target itself as `this`: adapters keep #private state that a proxy receiver cannot reach.
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || !OPERATIONS.has(prop) || typeof value !== "function")
        return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw wrap(prop, error, onError);
              })
            : result;
        } catch (error) {
          throw wrap(prop, error, onError);
        }
      };
    },
    set(target, prop, value) {
      return Reflect.set(target, prop, value, target);
    },
  });
}
