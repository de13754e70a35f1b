/**
 * Time math for scheduled digests: when, in a schedule's own time zone, its digests are due.
 * A "slot" is the instant (epoch ms) a digest is scheduled for; it names one run of a schedule,
 * durably, so a restart knows whether that run was done. Offsets come from Intl (the ICU time
 * zone data Node ships), so daylight saving changes are those of the real zone.
 */

/** How often a schedule runs: every day, Monday to Friday, or once a week on `on`. */
export type Cadence = "day" | "weekday" | "week";
export const CADENCES: readonly Cadence[] = ["day", "weekday", "week"];

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The part of a schedule that says when it runs. */
export interface SlotSpec {
  hour: number;
  minute: number;
  timezone: string;
  every: Cadence;
  /** The day for `every: "week"`; ignored otherwise. */
  on?: Weekday;
}

const DAY_MS = 86_400_000;
/** Far enough to cross any week, plus a day for offsets and gaps. */
const SEARCH_DAYS = 9;

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** "08:30" → { hour: 8, minute: 30 }; undefined for anything that is not a 24-hour time. */
export function parseTime(text: string): { hour: number; minute: number } | undefined {
  const match = TIME.exec(text.trim());
  if (!match) return undefined;
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

export function formatTime(hour: number, minute: number): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, f);
  }
  return f;
}

/**
 * The zone's canonical name ("europe/berlin" → "Europe/Berlin", "UTC"), or undefined when Intl
 * does not know it. Offsets and node-cron both go through Intl, so what it accepts works.
 */
export function canonicalZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let zoneList: readonly string[] | undefined;

/** Every zone Intl lists, and "UTC" (which some versions list only as Etc/UTC or not at all). */
export function timeZones(): readonly string[] {
  zoneList ??= [...new Set(["UTC", ...Intl.supportedValuesOf("timeZone")])];
  return zoneList;
}

/** Up to `max` zones for what the user typed: those starting with it first, then containing it. */
export function matchZones(typed: string, max = 25): string[] {
  const q = typed.trim().toLowerCase().replace(/\s+/g, "_");
  const all = timeZones();
  if (!q) return all.slice(0, max);
  const starts = all.filter(
    (z) => z.toLowerCase().startsWith(q) || z.toLowerCase().includes(`/${q}`),
  );
  const contains = all.filter((z) => !starts.includes(z) && z.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, max);
}

/** The wall-clock date and time in `timezone` at `instant`. */
export function wallClock(
  timezone: string,
  instant: number,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts = formatterFor(timezone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** How far the zone's wall clock is ahead of UTC at `instant` (ms; +3600000 for CET). */
export function zoneOffset(timezone: string, instant: number): number {
  const w = wallClock(timezone, instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time happens in `timezone`. Around a change the wall clock repeats an
 * hour (autumn: the earlier of the two instants is taken, so a digest runs once, at the first
 * 02:30) or skips one (spring: a time in the gap is moved on by the gap, 02:30 → 03:30), the
 * way Temporal's "compatible" disambiguation does.
 */
export function instantOf(
  timezone: string,
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
): number {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // The offsets in force a day either side cover both sides of any change near this time.
  const before = zoneOffset(timezone, asUtc - DAY_MS);
  const after = zoneOffset(timezone, asUtc + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((t) => {
      const w = wallClock(timezone, t);
      return w.hour === hour && w.minute === minute && w.day === date.day;
    })
    .sort((a, b) => a - b);
  return candidates[0] ?? asUtc - before;
}

/** Whether a schedule runs on a calendar day (0 = Sunday … 6 = Saturday). */
function runsOn(spec: SlotSpec, weekday: number): boolean {
  if (spec.every === "day") return true;
  if (spec.every === "weekday") return weekday >= 1 && weekday <= 5;
  return WEEKDAYS[weekday] === (spec.on ?? "mon");
}

/** The slot on the local calendar day `offsetDays` from the one `instant` falls on, if it runs. */
function slotOnDay(spec: SlotSpec, instant: number, offsetDays: number): number | undefined {
  const today = wallClock(spec.timezone, instant);
  // Calendar arithmetic on a UTC date: no offsets involved, so no DST surprises.
  const day = new Date(Date.UTC(today.year, today.month - 1, today.day) + offsetDays * DAY_MS);
  if (!runsOn(spec, day.getUTCDay())) return undefined;
  const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
  return instantOf(spec.timezone, date, spec.hour, spec.minute);
}

/** The latest slot at or before `now`. */
export function previousSlot(spec: SlotSpec, now: number): number {
  for (let d = 0; d >= -SEARCH_DAYS; d--) {
    const slot = slotOnDay(spec, now, d);
    if (slot !== undefined && slot <= now) return slot;
  }
  throw new Error(`no slot within ${SEARCH_DAYS} days before ${new Date(now).toISOString()}`);
}

/** The first slot after `now`. */
export function nextSlot(spec: SlotSpec, now: number): number {
  for (let d = 0; d <= SEARCH_DAYS; d++) {
    const slot = slotOnDay(spec, now, d);
    if (slot !== undefined && slot > now) return slot;
  }
  throw new Error(`no slot within ${SEARCH_DAYS} days after ${new Date(now).toISOString()}`);
}

/** The node-cron expression (minute hour * * days) that fires on the schedule's slots. */
export function cronExpression(spec: SlotSpec): string {
  const days =
    spec.every === "day"
      ? "*"
      : spec.every === "weekday"
        ? "1-5"
        : String(WEEKDAYS.indexOf(spec.on ?? "mon"));
  return `${spec.minute} ${spec.hour} * * ${days}`;
}

/** How far back a schedule's first digest reaches: a day, or a week for weekly ones. */
export function defaultWindowMs(every: Cadence): number {
  return every === "week" ? 7 * DAY_MS : DAY_MS;
}
