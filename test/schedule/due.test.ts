import { describe, expect, it } from "vitest";
import { KeyedLimiter } from "../../src/feeds/limiter.js";
import {
  backoffMs,
  DEFAULT_DUE_POLICY,
  nextDueAfterFailure,
  nextDueAfterSuccess,
} from "../../src/schedule/due.js";

const MIN = 60_000;
const now = Date.UTC(2026, 10, 28);

describe("when a feed is due again", () => {
  it("waits at least the minimum, or what the feed's ttl or max-age ask, up to a day", () => {
    expect(nextDueAfterSuccess(now, {})).toBe(now + MIN);
    expect(nextDueAfterSuccess(now, { ttlMinutes: 30 })).toBe(now + 30 * MIN);
    expect(nextDueAfterSuccess(now, { ttlMinutes: 5, maxAgeSec: 900 })).toBe(now + 15 * MIN);
    expect(nextDueAfterSuccess(now, { maxAgeSec: 10 })).toBe(now + MIN);
    expect(nextDueAfterSuccess(now, { ttlMinutes: 60 * 24 * 7 })).toBe(now + 24 * 60 * MIN);
  });

  it("backs off exponentially from two minutes to six hours", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n) / MIN)).toEqual([2, 4, 8, 16, 32]);
    expect(backoffMs(9) / MIN).toBe(360);
    expect(backoffMs(500) / MIN).toBe(360);
  });

  it("jitters by ±20 % and never retries before Retry-After", () => {
    expect(nextDueAfterFailure(now, 1, undefined, () => 0)).toBe(now + 0.8 * 2 * MIN);
    expect(nextDueAfterFailure(now, 1, undefined, () => 0.5)).toBe(now + 2 * MIN);
    expect(nextDueAfterFailure(now, 1, undefined, () => 1)).toBe(now + 1.2 * 2 * MIN);
    expect(nextDueAfterFailure(now, 1, 600, () => 0.5)).toBe(now + 10 * MIN);
    expect(nextDueAfterFailure(now, 6, 60, () => 0.5)).toBe(now + 64 * MIN);
    // A hostile Retry-After of a year is capped at the maximum interval.
    expect(nextDueAfterFailure(now, 1, 365 * 86_400, () => 0.5)).toBe(
      now + DEFAULT_DUE_POLICY.maxIntervalMs,
    );
  });
});

describe("the fetch limiter", () => {
  it("never runs more than the global limit, nor more than the per-host limit on one host", async () => {
    const limiter = new KeyedLimiter(4, 2);
    let active = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let hostPeak = 0;
    const task = (host: string) =>
      limiter.run(host, async () => {
        active++;
        perHost.set(host, (perHost.get(host) ?? 0) + 1);
        peak = Math.max(peak, active);
        hostPeak = Math.max(hostPeak, perHost.get(host) ?? 0);
        await new Promise((r) => setTimeout(r, 5));
        active--;
        perHost.set(host, (perHost.get(host) ?? 1) - 1);
        return host;
      });
    const hosts = Array.from({ length: 40 }, (_, i) => (i < 20 ? "busy.example" : `h${i}.example`));
    const results = await Promise.all(hosts.map(task));
    expect(results).toEqual(hosts);
    expect(peak).toBe(4);
    expect(hostPeak).toBe(2);
  });

  it("releases its slot when a task fails", async () => {
    const limiter = new KeyedLimiter(1, 1);
    await expect(limiter.run("a", async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    await expect(limiter.run("a", async () => "ok")).resolves.toBe("ok");
  });
});
