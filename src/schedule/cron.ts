import { type Logger as CronLogger, createTask, schedule } from "node-cron";
import type { Logger } from "pino";

export interface Schedule {
  stop(): Promise<void>;
}

export interface ScheduleOptions {
  /** Fields added to the overlap line (e.g. the feeds still running). */
  overlapDetail?: () => Record<string, unknown>;
}

/** The shortest gap between the expression's next few runs (irregular schedules have several). */
export function scheduleIntervalMs(expression: string, samples = 8): number {
  const task = createTask(expression, () => {});
  try {
    const runs = task.getNextRuns(samples).map((d) => d.getTime());
    let shortest = Number.POSITIVE_INFINITY;
    for (let i = 1; i < runs.length; i++)
      shortest = Math.min(shortest, (runs[i] ?? 0) - (runs[i - 1] ?? 0));
    return Number.isFinite(shortest) ? shortest : 60_000;
  } finally {
    void task.destroy();
  }
}

/** CYCLE_DEADLINE_SEC, or 80 % of the schedule's interval: the next tick always finds it over. */
export function cycleDeadlineMs(expression: string, deadlineSec?: number): number {
  return deadlineSec !== undefined
    ? deadlineSec * 1000
    : Math.round(0.8 * scheduleIntervalMs(expression));
}

/** node-cron's own messages (a missed tick, a failed task) as structured lines. */
function cronLogger(log: Logger, expression: string): CronLogger {
  const fields = { schedule: expression, source: "node-cron" };
  return {
    info: (message) => log.info(fields, message),
    warn: (message) => log.warn(fields, message),
    error: (message, err) => log.error({ ...fields, err: err ?? message }, String(message)),
    debug: (message, err) => log.debug({ ...fields, err }, String(message)),
  };
}

/**
 * Runs `tick` on the cron expression, never two at once (a slow cycle makes the next one wait
 * rather than pile up), and once right away so a fresh start does not sit idle until the next
 * full interval. A tick that finds the last one still running is skipped with one structured
 * line; node-cron's `noOverlap` is not used, as it prints its own unstructured warning instead.
 */
export function startSchedule(
  expression: string,
  tick: () => Promise<void>,
  log: Logger,
  options: ScheduleOptions = {},
): Schedule {
  let running: Promise<void> | undefined;
  let runningSince = 0;
  const guarded = async () => {
    if (running) {
      log.warn(
        {
          schedule: expression,
          runningMs: Date.now() - runningSince,
          ...options.overlapDetail?.(),
        },
        "poll tick skipped: the previous cycle is still running",
      );
      return;
    }
    runningSince = Date.now();
    running = tick()
      .catch((error: unknown) => log.error({ err: error }, "poll cycle failed"))
      .finally(() => {
        running = undefined;
      });
    await running;
  };
  const task = schedule(expression, guarded, {
    name: "poll",
    logger: cronLogger(log, expression),
  });
  void guarded();
  return {
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
    },
  };
}
