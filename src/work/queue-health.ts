/**
 * Whether the fleet's Redis (queues, locks, the tick's election) answers, as its connections and
 * BullMQ's queues and workers report it. ioredis reports every failed reconnection attempt and
 * BullMQ every failed blocking call as an `error` event; logged one by one, a 10 s outage was
 * dozens of identical lines per process. Here an outage is one line when it starts, with the
 * cause, and one when it ends, with its length and the ticks it skipped (the same shape as
 * src/store/health.ts, which does this for storage).
 */
import type { Logger } from "pino";

/** The parts of an ioredis client watched here. */
export interface WatchedConnection {
  readonly status: string;
  on(event: "error", listener: (err: Error) => void): unknown;
  on(event: "ready" | "close", listener: () => void): unknown;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

/** Whether an error says the connection is gone (not a bad command or a bug). */
export function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    if (
      typeof message === "string" &&
      /Connection is closed|Stream isn't writeable|enableOfflineQueue|Command timed out|connect ETIMEDOUT|ECONNREFUSED|ECONNRESET|max retries per request/i.test(
        message,
      )
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The job whose lock this process lost, from BullMQ's worker errors: "Missing lock for job <id>.
 * <command>" when it tried to finish the job, "could not renew lock for job <id>" while running
 * it. One event (an outage, a stall) produces one per job under way.
 */
export function lapsedLockJob(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /^(?:Missing lock for job (\S+?)\.(?:\s|$)|could not renew lock for job (\S+)$)/
    .exec(message)
    ?.slice(1)
    .find((id) => id !== undefined);
}

export class QueueHealth {
  #downSince: number | undefined;
  #skippedTicks = 0;
  readonly #watched: WatchedConnection[] = [];

  constructor(
    private readonly log: Pick<Logger, "info" | "error">,
    /** The queue's URL with any password masked, for the log. */
    private readonly label: string,
    private readonly now: () => number = Date.now,
  ) {}

  get available(): boolean {
    return this.#downSince === undefined;
  }

  /**
   * Follows a connection: a connection error or an unexpected close starts an outage; the outage
   * ends when every watched connection is ready again.
   */
  watch(connection: WatchedConnection, isClosing: () => boolean = () => false): void {
    this.#watched.push(connection);
    connection.on("error", (err) => this.failed(err));
    connection.on("close", () => {
      if (!isClosing()) this.failed(new Error("Connection is closed"));
    });
    connection.on("ready", () => {
      if (this.#watched.every((c) => c.status === "ready")) this.#recovered();
    });
  }

  /**
   * An error from a connection, a queue or a worker. A connection error starts the outage (logged
   * once); the answer says whether it was one, so the caller logs anything else itself.
   */
  failed(error: unknown): boolean {
    if (!isConnectionError(error)) return false;
    if (this.#downSince !== undefined) return true;
    this.#downSince = this.now();
    this.log.error(
      { queue: this.label, err: error instanceof Error ? error.message : String(error) },
      "queue Redis unavailable; ticks, jobs and locks wait until it answers",
    );
    return true;
  }

  /** A tick skipped for the outage (counted in the recovery line, not logged each). */
  skippedTick(): void {
    this.#skippedTicks++;
  }

  #recovered(): void {
    const since = this.#downSince;
    if (since === undefined) return;
    this.#downSince = undefined;
    this.log.info(
      { queue: this.label, outageMs: this.now() - since, skippedTicks: this.#skippedTicks },
      "queue Redis available again",
    );
    this.#skippedTicks = 0;
  }
}
