import { schedule } from "node-cron";
import type { Logger } from "pino";

export interface Schedule {
  stop(): Promise<void>;
}

/**
 * Runs `tick` on the cron expression, never two at once (a slow cycle makes the next one wait
 * rather than pile up), and once right away so a fresh start does not sit idle until the next
 * full interval.
 */
export function startSchedule(
  expression: string,
  tick: () => Promise<void>,
  log: Logger,
): Schedule {
  let running: Promise<void> | undefined;
  const guarded = async () => {
    if (running) {
      log.warn({ schedule: expression }, "previous poll cycle still running; skipping this tick");
      return;
    }
    running = tick()
      .catch((error: unknown) => log.error({ err: error }, "poll cycle failed"))
      .finally(() => {
        running = undefined;
      });
    await running;
  };
  const task = schedule(expression, guarded, { name: "poll", noOverlap: true });
  void guarded();
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
