/**
 * How the bot's recurring work runs: the poll tick, fetching each due feed and draining each
 * channel's alerts. One process runs it all in-process (`InProcessWork`, SQLite and the default);
 * a fleet sharing one Redis runs it as jobs on BullMQ (`QueueWork`, src/work/queue-work.ts).
 * Callers see one interface either way.
 */
import type { Logger } from "pino";
import type { DeliverySender } from "../deliver/sender.js";
import { type Schedule, startSchedule } from "../schedule/cron.js";

export interface WorkScheduler {
  /** Starts the poll schedule and delivery. */
  start(): Promise<void>;
  /** New alerts may be waiting: for this channel, or for the channels the outbox marked. */
  notify(channelId?: string): void;
  /** Stops ticking and hands back or finishes work under way. */
  stop(): Promise<void>;
}

export interface InProcessWorkDeps {
  schedule: string;
  /** One poll cycle over every feed that is due. */
  cycle: () => Promise<void>;
  sender: DeliverySender;
  log: Logger;
  /** How long shutdown waits for posts under way. */
  drainMs: number;
  /** What a skipped tick's log line says is still running (the feeds in flight). */
  overlapDetail?: () => Record<string, unknown>;
}

/** Today's single process: node-cron ticks cycles here, the sender drains channels here. */
export class InProcessWork implements WorkScheduler {
  #schedule: Schedule | undefined;

  constructor(private readonly deps: InProcessWorkDeps) {}

  async start(): Promise<void> {
    this.deps.sender.start();
    const { overlapDetail } = this.deps;
    this.#schedule = startSchedule(
      this.deps.schedule,
      this.deps.cycle,
      this.deps.log,
      overlapDetail ? { overlapDetail } : {},
    );
  }

  notify(channelId?: string): void {
    this.deps.sender.notify(channelId);
  }

  async stop(): Promise<void> {
    await this.#schedule?.stop();
    const drained = await this.deps.sender.drain(this.deps.drainMs);
    this.deps.log.info({ ...drained }, "deliveries drained");
  }
}
