/**
 * The clock that wakes scheduled digests, as an interface: production uses node-cron with the
 * schedule's time zone; tests fire slots themselves, at the instant they choose.
 */
import { schedule } from "node-cron";

export interface CronTask {
  stop(): Promise<void> | void;
}

export interface CronRunner {
  /** Calls `fn` whenever `expression` (node-cron syntax) matches the wall clock in `timezone`. */
  schedule(expression: string, timezone: string, fn: () => void): CronTask;
}

/** node-cron, one task per schedule; `fn` must not throw (the scheduler catches its own). */
export const nodeCronRunner: CronRunner = {
  schedule(expression, timezone, fn) {
    const task = schedule(expression, () => fn(), { timezone });
    return {
      async stop() {
        await task.stop();
        await task.destroy();
      },
    };
  },
};
