import pg from "pg";

/**
 * A pg client for @keyv/postgres's pool that survives its connection being dropped while idle.
 *
 * When the server ends an idle pooled connection (a restart, a failover, an administrator's
 * `pg_terminate_backend`), pg-pool removes the client and then emits "error" on the pool. The pool
 * belongs to @keyv/postgres, which listens to nothing there, so that emit throws and the process
 * dies of an uncaught exception. The throw comes back through this client's own emit: it is caught
 * here and reported, and the pool, already rid of the dead client, connects afresh on next use.
 */
export function clientReportingIdleErrors(onIdleError: (err: Error) => void): typeof pg.Client {
  return class IdleSafeClient extends pg.Client {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      try {
        return super.emit(event, ...args);
      } catch (err) {
        if (event !== "error") throw err;
        onIdleError(err instanceof Error ? err : new Error(String(err)));
        return true;
      }
    }
  };
}
