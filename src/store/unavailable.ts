import type { KeyvStoreAdapter } from "keyv";
import type { StorageHealth } from "./health.js";

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

/** An operation that did not settle in time: a hung connection fails like a refused one. */
export class StorageTimeoutError extends Error {
  override name = "StorageTimeoutError";
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`storage ${operation} did not answer within ${timeoutMs} ms`);
  }
}

function wrap(operation: string, error: unknown): StorageUnavailableError {
  return error instanceof StorageUnavailableError
    ? error
    : new StorageUnavailableError(operation, error);
}

/** Told of each failed operation once (the storage-errors metric), by the adapter's name for it. */
export type StorageErrorListener = (operation: string) => void;

export interface GuardOptions {
  /** An operation still pending after this long rejects (0: never). */
  timeoutMs?: number;
  /** Told each outcome, so an outage is noticed (and logged) once. */
  health?: StorageHealth;
  /** Told of each failed operation (the storage-errors metric). */
  onError?: StorageErrorListener;
}

function withDeadline<T>(promise: Promise<T>, operation: string, timeoutMs: number): Promise<T> {
  if (timeoutMs <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageTimeoutError(operation, timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

type Pages = AsyncIterableIterator<unknown>;

function isPages(value: unknown): value is Pages {
  return (
    typeof value === "object" &&
    value !== null &&
    Symbol.asyncIterator in value &&
    typeof (value as { next?: unknown }).next === "function"
  );
}

/**
 * Runs one backend call under the guard: errors become StorageUnavailableError, a call that
 * hangs rejects after the timeout, and the health tracker hears the outcome. An iterator (a scan)
 * is guarded page by page, since it is its `next()` that talks to the backend.
 */
function guarded(
  operation: string,
  call: () => unknown,
  { timeoutMs = 0, health, onError }: GuardOptions,
): unknown {
  const startedAt = health?.started() ?? 0;
  const fail = (error: unknown): never => {
    // Counted once, where the backend's error first becomes a storage failure.
    if (!(error instanceof StorageUnavailableError)) onError?.(operation);
    const wrapped = wrap(operation, error);
    health?.failed(wrapped);
    throw wrapped;
  };
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return fail(error);
  }
  if (result instanceof Promise) {
    return withDeadline(result, operation, timeoutMs).then((value) => {
      health?.succeeded(startedAt);
      return value;
    }, fail);
  }
  if (isPages(result)) {
    const pages = result;
    const guardedPages: Pages = {
      next: () =>
        guarded(operation, () => pages.next(), {
          timeoutMs,
          ...(health ? { health } : {}),
          ...(onError ? { onError } : {}),
        }) as Promise<IteratorResult<unknown>>,
      ...(pages.return ? { return: (value?: unknown) => pages.return?.(value) as never } : {}),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return guardedPages;
  }
  return result;
}

/**
 * The same adapter, with every failing operation rethrown as a StorageUnavailableError, and (with
 * `timeoutMs`) every operation that does not settle in time failing the same way.
 */
export function failingAsUnavailable(
  store: KeyvStoreAdapter,
  options: GuardOptions = {},
): KeyvStoreAdapter {
  return new Proxy(store, {
    // The target itself as `this`: adapters keep #private state that a proxy receiver cannot reach.
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || !OPERATIONS.has(prop) || typeof value !== "function")
        return value;
      return (...args: unknown[]) => guarded(prop, () => value.apply(target, args), options);
    },
    set(target, prop, value) {
      return Reflect.set(target, prop, value, target);
    },
  });
}
