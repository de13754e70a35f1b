/** Slot math for scheduled digests: times, zones, cadences, and daylight saving changes. */
import { describe, expect, it } from "vitest";
import {
  canonicalZone,
  cronExpression,
  instantOf,
  matchZones,
  nextSlot,
  parseTime,
  previousSlot,
  type SlotSpec,
  wallClock,
  zoneOffset,
} from "../../src/digest/slots.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;

function daily(timezone: string, hour: number, minute: number): SlotSpec {
  return { hour, minute, timezone, every: "day" };
}

describe("parseTime", () => {
  it("reads 24-hour HH:MM times", () => {
    expect(parseTime("08:30")).toEqual({ hour: 8, minute: 30 });
    expect(parseTime("8:05")).toEqual({ hour: 8, minute: 5 });
    expect(parseTime(" 23:59 ")).toEqual({ hour: 23, minute: 59 });
    expect(parseTime("00:00")).toEqual({ hour: 0, minute: 0 });
  });

  it("refuses anything else", () => {
    for (const bad of ["24:00", "12:60", "8.30", "0830", "8:5", "8:30pm", "", "ab:cd", "-1:30"]) {
      expect(parseTime(bad), bad).toBeUndefined();
    }
  });
});

describe("time zones", () => {
  it("accepts IANA names in any case and UTC, refuses unknown ones", () => {
    expect(canonicalZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(canonicalZone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalZone("UTC")).toBe("UTC");
    expect(canonicalZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(canonicalZone("CEST+2")).toBeUndefined();
    expect(canonicalZone("")).toBeUndefined();
  });

  it("offers at most 25 zones for what was typed, prefix matches first", () => {
    expect(matchZones("")).toHaveLength(25);
    expect(matchZones("")[0]).toBe("UTC");
    expect(matchZones("berl")).toEqual(["Europe/Berlin"]);
    const york = matchZones("new york");
    expect(york[0]).toBe("America/New_York");
    const europe = matchZones("europe");
    expect(europe).toHaveLength(25);
    expect(europe.every((z) => z.startsWith("Europe/"))).toBe(true);
    expect(matchZones("zzzz")).toEqual([]);
  });

  it("knows the offsets either side of a change", () => {
    expect(zoneOffset("Europe/Berlin", at("2025-03-30T00:59:00Z"))).toBe(HOUR);
    expect(zoneOffset("Europe/Berlin", at("2025-03-30T01:00:00Z"))).toBe(2 * HOUR);
    expect(zoneOffset("America/New_York", at("2025-11-02T05:59:00Z"))).toBe(-4 * HOUR);
    expect(zoneOffset("America/New_York", at("2025-11-02T06:00:00Z"))).toBe(-5 * HOUR);
    expect(zoneOffset("UTC", at("2025-06-01T12:00:00Z"))).toBe(0);
  });
});

describe("slots across daylight saving changes", () => {
  it("Europe/Berlin 08:30 daily: 23 hours apart in spring, 25 in autumn", () => {
    const spec = daily("Europe/Berlin", 8, 30);
    const before = previousSlot(spec, at("2025-03-29T12:00:00Z"));
    expect(iso(before)).toBe("2025-03-29T07:30:00.000Z");
    const after = nextSlot(spec, before);
    expect(iso(after)).toBe("2025-03-30T06:30:00.000Z");
    expect(after - before).toBe(23 * HOUR);
    const autumn = previousSlot(spec, at("2025-10-25T12:00:00Z"));
    expect(iso(autumn)).toBe("2025-10-25T06:30:00.000Z");
    expect(iso(nextSlot(spec, autumn))).toBe("2025-10-26T07:30:00.000Z");
  });

  it("America/New_York 08:30 daily across both changes", () => {
    const spec = daily("America/New_York", 8, 30);
    expect(iso(previousSlot(spec, at("2025-03-08T20:00:00Z")))).toBe("2025-03-08T13:30:00.000Z");
    expect(iso(previousSlot(spec, at("2025-03-09T20:00:00Z")))).toBe("2025-03-09T12:30:00.000Z");
    expect(iso(previousSlot(spec, at("2025-11-01T20:00:00Z")))).toBe("2025-11-01T12:30:00.000Z");
    expect(iso(previousSlot(spec, at("2025-11-02T20:00:00Z")))).toBe("2025-11-02T13:30:00.000Z");
  });

  it("a time in the spring gap moves on by the gap; a repeated autumn time runs at its first", () => {
    expect(iso(instantOf("Europe/Berlin", { year: 2025, month: 3, day: 30 }, 2, 30))).toBe(
      "2025-03-30T01:30:00.000Z",
    ); // 03:30 CEST
    expect(iso(instantOf("Europe/Berlin", { year: 2025, month: 10, day: 26 }, 2, 30))).toBe(
      "2025-10-26T00:30:00.000Z",
    ); // the first 02:30, CEST
    expect(iso(instantOf("America/New_York", { year: 2025, month: 3, day: 9 }, 2, 30))).toBe(
      "2025-03-09T07:30:00.000Z",
    ); // 03:30 EDT
    expect(iso(instantOf("America/New_York", { year: 2025, month: 11, day: 2 }, 1, 30))).toBe(
      "2025-11-02T05:30:00.000Z",
    ); // the first 01:30, EDT
  });

  it("the autumn 02:30 in Berlin is one slot, not two", () => {
    const spec = daily("Europe/Berlin", 2, 30);
    const first = at("2025-10-26T00:30:00Z");
    // An hour later the wall clock shows 02:30 again; the slot is still the first one.
    expect(previousSlot(spec, first + HOUR + 60_000)).toBe(first);
    expect(iso(nextSlot(spec, first))).toBe("2025-10-27T01:30:00.000Z");
  });

  it("every slot falls on the wall-clock time asked for, all year round", () => {
    for (const zone of ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]) {
      const spec = daily(zone, 8, 30);
      let t = at("2025-01-01T00:00:00Z");
      for (let i = 0; i < 366; i++) {
        t = nextSlot(spec, t);
        const w = wallClock(zone, t);
        expect([w.hour, w.minute], `${zone} ${iso(t)}`).toEqual([8, 30]);
      }
    }
  });
});

describe("cadences", () => {
  it("weekday: from Friday afternoon the next slot is Monday", () => {
    const spec: SlotSpec = { hour: 8, minute: 30, timezone: "Europe/Berlin", every: "weekday" };
    // 2025-03-28 is a Friday; the clocks change on the Sunday between.
    expect(iso(nextSlot(spec, at("2025-03-28T12:00:00Z")))).toBe("2025-03-31T06:30:00.000Z");
    expect(iso(previousSlot(spec, at("2025-03-30T12:00:00Z")))).toBe("2025-03-28T07:30:00.000Z");
  });

  it("week: on the chosen day only, Monday by default", () => {
    const wed: SlotSpec = { hour: 18, minute: 0, timezone: "UTC", every: "week", on: "wed" };
    // 2025-06-02 is a Monday.
    expect(iso(nextSlot(wed, at("2025-06-02T00:00:00Z")))).toBe("2025-06-04T18:00:00.000Z");
    expect(iso(previousSlot(wed, at("2025-06-04T17:59:00Z")))).toBe("2025-05-28T18:00:00.000Z");
    const mon: SlotSpec = { hour: 9, minute: 0, timezone: "UTC", every: "week" };
    expect(iso(nextSlot(mon, at("2025-06-02T09:00:00Z")))).toBe("2025-06-09T09:00:00.000Z");
  });

  it("writes the cron expression for each cadence", () => {
    expect(cronExpression(daily("UTC", 8, 30))).toBe("30 8 * * *");
    expect(cronExpression({ ...daily("UTC", 17, 5), every: "weekday" })).toBe("5 17 * * 1-5");
    expect(cronExpression({ ...daily("UTC", 7, 0), every: "week", on: "sun" })).toBe("0 7 * * 0");
    expect(cronExpression({ ...daily("UTC", 7, 0), every: "week" })).toBe("0 7 * * 1");
  });
});
