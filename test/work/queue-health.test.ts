/**
 * The fleet's Redis outage as the log tells it: one line when it starts (with the cause), one
 * when every connection is back (with its length and the ticks skipped), whatever number of
 * reconnection attempts and failed blocking calls in between; and a burst of stalled jobs as one
 * line with its count.
 */
import { EventEmitter } from "node:events";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BurstLog } from "../../src/work/burst-log.js";
import { isConnectionError, lapsedLockJob, QueueHealth } from "../../src/work/queue-health.js";

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function capture() {
  const lines: Line[] = [];
  const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  return { lines, log };
}

class FakeConnection extends EventEmitter {
  status = "ready";
}

const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6390"), { code: "ECONNREFUSED" });

describe("QueueHealth", () => {
  it("logs an outage once with its cause, and its end once every connection is ready", () => {
    const { lines, log } = capture();
    let now = 1_000;
    const health = new QueueHealth(log, "redis://127.0.0.1:6390", () => now);
    const queue = new FakeConnection();
    const locks = new FakeConnection();
    health.watch(queue);
    health.watch(locks);

    queue.status = "reconnecting";
    locks.status = "reconnecting";
    queue.emit("close");
    for (let i = 0; i < 20; i++) {
      queue.emit("error", refused());
      locks.emit("error", refused());
      // BullMQ's workers and queues report the same failures.
      expect(health.failed(new Error("Connection is closed."))).toBe(true);
      health.skippedTick();
    }
    expect(health.available).toBe(false);
    // One connection back is not the end of it.
    queue.status = "ready";
    queue.emit("ready");
    expect(health.available).toBe(false);
    now = 11_500;
    locks.status = "ready";
    locks.emit("ready");
    expect(health.available).toBe(true);

    expect(lines.map((l) => l.msg)).toEqual([
      "queue Redis unavailable; ticks, jobs and locks wait until it answers",
      "queue Redis available again",
    ]);
    expect(lines[0]).toMatchObject({ level: 50, err: "Connection is closed" });
    expect(lines[1]).toMatchObject({ level: 30, outageMs: 10_500, skippedTicks: 20 });

    // The next outage is logged again, with its own counts.
    locks.status = "reconnecting";
    locks.emit("error", refused());
    expect(lines.at(-1)).toMatchObject({ err: "connect ECONNREFUSED 127.0.0.1:6390" });
    locks.status = "ready";
    locks.emit("ready");
    expect(lines.at(-1)).toMatchObject({ msg: "queue Redis available again", skippedTicks: 0 });
    expect(lines).toHaveLength(4);
  });

  it("leaves other errors to the caller, and a deliberate close is no outage", () => {
    const { lines, log } = capture();
    const health = new QueueHealth(log, "redis://q");
    let closing = false;
    const conn = new FakeConnection();
    health.watch(conn, () => closing);
    expect(health.failed(new Error("ERR unknown command 'FOO'"))).toBe(false);
    expect(health.failed(new TypeError("x is undefined"))).toBe(false);
    closing = true;
    conn.status = "end";
    conn.emit("close");
    expect(health.available).toBe(true);
    expect(lines).toEqual([]);
  });

  it("knows a lost connection in its several wordings", () => {
    for (const e of [
      refused(),
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
      new Error("Connection is closed."),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error("Command timed out"),
      new Error("wrapped", { cause: refused() }),
    ])
      expect(isConnectionError(e), e.message).toBe(true);
    expect(isConnectionError(new Error("Missing lock for job 1. moveToFinished"))).toBe(false);
  });
});

describe("lapsedLockJob", () => {
  it("names the job of either of BullMQ's lost-lock errors, and nothing else", () => {
    expect(lapsedLockJob(new Error("Missing lock for job fetch-a-17. moveToFinished"))).toBe(
      "fetch-a-17",
    );
    expect(lapsedLockJob(new Error("could not renew lock for job drain-123"))).toBe("drain-123");
    expect(lapsedLockJob(new Error("Connection is closed."))).toBeUndefined();
    expect(
      lapsedLockJob(new Error("job drain-1 could not renew lock for job x y")),
    ).toBeUndefined();
  });
});

describe("BurstLog", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("logs a burst of events as one line with the count and a sample of ids", () => {
    vi.useFakeTimers();
    const { lines, log } = capture();
    const burst = new BurstLog(log, "jobs stalled", { queue: "fetch" }, 2_000);
    for (let i = 0; i < 40; i++) burst.add(`job-${i}`);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(2_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, msg: "jobs stalled", queue: "fetch", count: 40 });
    expect(lines[0]?.jobIds).toHaveLength(10);
    // A later burst is a line of its own; flush() says what is pending at once.
    burst.add("job-40");
    burst.flush();
    expect(lines[1]).toMatchObject({ count: 1, jobIds: ["job-40"] });
    burst.flush();
    expect(lines).toHaveLength(2);
  });
});
