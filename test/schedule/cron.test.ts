import pino from "pino";
import { describe, expect, it } from "vitest";
import { startSchedule } from "../../src/schedule/cron.js";

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
});
