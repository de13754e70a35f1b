import type { Logger } from "pino";
import type { StorageUnavailableError } from "./unavailable.js";

/** How often a store that is down is asked again, so recovery is noticed without traffic. */
export const PROBE_EVERY_MS = 2_000;

/**
 * Whether storage answers, as seen by every operation through it (src/store/unavailable.ts reports
 * each outcome here). An outage is logged once when it starts, with the operation and the backend's
 * words, and once when it ends, with its length: the poll loop, the sender and the health checks
 * read `available` to wait quietly instead of each logging every failure on every pass.
 */
export class StorageHealth {
  #downSince: number | undefined;
  #skipped = 0;
  #probe: (() => Promise<unknown>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Off while the store is being opened: a failure then is the open's to report, once. */
  #armed = false;
  readonly #recovered = new Set<() => void>();

  constructor(
    private readonly log: Pick<Logger, "info" | "error">,
    private readonly now: () => number = Date.now,
    private readonly probeEveryMs = PROBE_EVERY_MS,
  ) {}

  get available(): boolean {
    return this.#downSince === undefined;
  }

  /** When the current outage began (undefined while storage answers). */
  get downSince(): number | undefined {
    return this.#downSince;
  }

  /** The time an operation starts, to be handed back to `succeeded`. */
  started(): number {
    return this.now();
  }

  /**
   * An operation answered. Only one that began after the outage did proves recovery: a reply that
   * was already on its way when the connection dropped says nothing about now.
   */
  succeeded(startedAt: number): void {
    if (!this.#armed) return;
    const since = this.#downSince;
    if (since === undefined || startedAt < since) return;
    this.#downSince = undefined;
    clearTimeout(this.#timer);
    this.log.info(
      { outageMs: this.now() - since, skippedPolls: this.#skipped },
      "storage available again",
    );
    this.#skipped = 0;
    for (const listener of this.#recovered) listener();
  }

  failed(error: StorageUnavailableError): void {
    if (!this.#armed || this.#downSince !== undefined) return;
    this.#downSince = this.now();
    this.log.error(
      { operation: error.operation, err: error.cause ?? error },
      "storage unavailable; polls and deliveries wait until it answers",
    );
    this.#scheduleProbe();
  }

  /** A poll cycle was skipped for the outage (counted in the recovery line, not logged each). */
  skippedPoll(): void {
    this.#skipped++;
  }

  /** Called once each time an outage ends. */
  onRecovered(listener: () => void): () => void {
    this.#recovered.add(listener);
    return () => this.#recovered.delete(listener);
  }

  /**
   * Starts tracking (once the store is open), with the operation tried while down; it goes
   * through the store, which reports its outcome here.
   */
  watch(probe: () => Promise<unknown>): void {
    this.#armed = true;
    this.#probe = probe;
    if (!this.available) this.#scheduleProbe();
  }

  stop(): void {
    this.#probe = undefined;
    clearTimeout(this.#timer);
  }

  #scheduleProbe(): void {
    const probe = this.#probe;
    if (!probe) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      probe()
        .catch(() => {})
        .finally(() => {
          if (!this.available) this.#scheduleProbe();
        });
    }, this.probeEveryMs);
    this.#timer.unref();
  }
}
