/** The production CronRunner: real node-cron, with a time zone, stopped for good by stop(). */
import { describe, expect, it } from "vitest";
import { nodeCronRunner } from "../../src/digest/cron-runner.js";

describe("nodeCronRunner", () => {
  it("fires a 6-field (seconds) expression in a time zone within a few seconds, and stops", async () => {
    const fired: number[] = [];
    let task: ReturnType<typeof nodeCronRunner.schedule> | undefined;
    const first = new Promise<void>((resolve) => {
      task = nodeCronRunner.schedule("* * * * * *", "Europe/Berlin", () => {
        fired.push(Date.now());
        resolve();
      });
    });
    const timeout = new Promise<"timeout">((resolve) =>
      setTimeout(() => resolve("timeout"), 5_000),
    );
    expect(await Promise.race([first.then(() => "fired" as const), timeout])).toBe("fired");
    await task?.stop();
    const count = fired.length;
    // Stopped: no tick in the next second and a half.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fired.length).toBe(count);
  }, 10_000);

  it("refuses an unknown time zone instead of running on the machine's clock", () => {
    expect(() => nodeCronRunner.schedule("0 8 * * *", "Mars/Olympus_Mons", () => {})).toThrow();
  });
});
