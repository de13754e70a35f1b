import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { cycleDeadlineMs, scheduleIntervalMs, startSchedule } from "../../src/schedule/cron.js";

describe("the poll schedule", () => {
  it("runs once at start, then on the cron expression, never two cycles at once", async () => {
    let running = 0;
    let overlapped = false;
    const starts: number[] = [];
    const schedule = startSchedule(
      "* * * * * *",
      async () => {
        if (running > 0) overlapped = true;
        running++;
        starts.push(Date.now());
        // A cycle slower than the interval: the next tick must not start a second one.
        await new Promise((r) => setTimeout(r, 1500));
        running--;
      },
      pino({ level: "silent" }),
    );
    const began = Date.now();
    await new Promise((r) => setTimeout(r, 3800));
    await schedule.stop();
    expect(starts[0] ?? Number.POSITIVE_INFINITY).toBeLessThan(began + 200);
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(overlapped).toBe(false);
    const after = starts.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(starts.length).toBe(after); // stopped means stopped
  });

  it("keeps going after a cycle throws", async () => {
    let calls = 0;
    const schedule = startSchedule(
      "* * * * * *",
      async () => {
        calls++;
        throw new Error("storage down");
      },
      pino({ level: "silent" }),
    );
    await new Promise((r) => setTimeout(r, 2200));
    await schedule.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
  });

  it("logs an overlapping tick as one structured line, never node-cron's own message", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const consoleWarn = vi.spyOn(console, "warn");
    const schedule = startSchedule(
      "* * * * * *",
      () => new Promise((r) => setTimeout(r, 2600)),
      log,
      { overlapDetail: () => ({ inFlight: [{ feedId: "slow", runningMs: 1 }] }) },
    );
    await new Promise((r) => setTimeout(r, 2500));
    await schedule.stop();
    consoleWarn.mockRestore();
    const overlaps = lines.filter(
      (l) => l.msg === "poll tick skipped: the previous cycle is still running",
    );
    // Ticks every second against a cycle of 2.6 s started at once: two overlaps within 2.5 s.
    expect(overlaps[0]).toMatchObject({
      level: 40,
      schedule: "* * * * * *",
      inFlight: [{ feedId: "slow" }],
    });
    // The first overlap may come moments after the start (the next second boundary); the second
    // a second later, with the cycle running for as long.
    expect(overlaps.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...overlaps.map((o) => Number(o.runningMs)))).toBeGreaterThanOrEqual(950);
    expect(JSON.stringify(lines)).not.toMatch(/still running, new execution blocked/);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  it("derives the cycle deadline from the schedule's interval unless one is set", () => {
    expect(scheduleIntervalMs("*/5 * * * *")).toBe(300_000);
    expect(cycleDeadlineMs("*/5 * * * *")).toBe(240_000);
    expect(cycleDeadlineMs("*/5 * * * *", 90)).toBe(90_000);
    // Irregular: the shortest gap counts (09:00 → 17:00 is 8 h, 17:00 → 09:00 is 16 h).
    expect(scheduleIntervalMs("0 9,17 * * *")).toBe(8 * 3_600_000);
  });
});
