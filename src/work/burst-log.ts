/**
 * One log line for a burst of the same event. When a worker dies or Redis comes back after an
 * outage, every job that was under way is found stalled at once (and, in the process that ran
 * it, its result is refused for the lost lock): hundreds of identical lines, one per job, for one
 * event. Here the events of `windowMs` become one line with their count and a few of their ids.
 */
import type { Logger } from "pino";

const SAMPLE = 10;

export class BurstLog {
  #count = 0;
  #sample: string[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Pick<Logger, "warn">,
    private readonly msg: string,
    private readonly fields: Record<string, unknown> = {},
    private readonly windowMs = 2_000,
  ) {}

  add(id: string | undefined): void {
    this.#count++;
    if (id !== undefined && this.#sample.length < SAMPLE) this.#sample.push(id);
    if (this.#timer) return;
    this.#timer = setTimeout(() => this.flush(), this.windowMs);
    this.#timer.unref();
  }

  /** Logs what has gathered (at once, e.g. at shutdown). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#count === 0) return;
    this.log.warn({ ...this.fields, count: this.#count, jobIds: this.#sample }, this.msg);
    this.#count = 0;
    this.#sample = [];
  }
}
