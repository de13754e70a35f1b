/**
 * A CronRunner for tests: it never fires by itself; a test fires the tasks whose expression
 * matches, at the instant it chooses (moving the scheduler's clock there first).
 */
import type { CronRunner, CronTask } from "../../src/digest/cron-runner.js";

export interface FakeTask {
  expression: string;
  timezone: string;
  fn: () => void;
  stopped: boolean;
}

export class FakeCron implements CronRunner {
  readonly tasks: FakeTask[] = [];

  schedule(expression: string, timezone: string, fn: () => void): CronTask {
    const task: FakeTask = { expression, timezone, fn, stopped: false };
    this.tasks.push(task);
    return {
      stop: () => {
        task.stopped = true;
      },
    };
  }

  /** The tasks still running. */
  get live(): FakeTask[] {
    return this.tasks.filter((t) => !t.stopped);
  }

  /** Fires every live task (as cron would at their common minute); returns how many. */
  fireAll(): number {
    const live = this.live;
    for (const t of live) t.fn();
    return live.length;
  }
}

/** A clock a test sets and moves. */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
}
