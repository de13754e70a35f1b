/**
 * Scheduled digests per server, and each schedule's run record, in the shared Keyv. Schedules
 * are a per-guild list (GuildLists: mirrored in memory, changed under a per-guild lock); what is
 * read back is checked with zod, so a damaged or foreign entry is dropped with a log line
 * instead of crashing the scheduler.
 */
import { randomBytes } from "node:crypto";
import type Keyv from "keyv";
import type { Logger } from "pino";
import { z } from "zod";
import { GuildLists } from "../store/guild-lists.js";
import type { KeyedLock } from "../store/mutex.js";
import type { StatusWhy } from "../subscriptions/store.js";
import { type Cadence, canonicalZone, WEEKDAYS } from "./slots.js";

export const MAX_SCHEDULES_PER_GUILD = 10;

const statusWhy = z.object({
  code: z.enum([
    "channel-deleted",
    "thread-deleted",
    "missing-permissions",
    "thread-closed",
    "thread-locked",
    "tag-required",
    "forum-unsupported",
    // Subscriptions only (an alert's Mute button); listed so both share one type.
    "muted",
  ]),
  permissions: z.array(z.string()).optional(),
  anyOf: z.boolean().optional(),
}) satisfies z.ZodType<StatusWhy>;

export const digestScheduleSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{1,16}$/),
  guildId: z.string().regex(/^\d{1,20}$/),
  channelId: z.string().regex(/^\d{1,20}$/),
  topic: z.string().min(1).max(100).optional(),
  hour: z.number().int().min(0).max(23),
  minute: z.number().int().min(0).max(59),
  timezone: z.string().refine((tz) => canonicalZone(tz) !== undefined, "unknown time zone"),
  every: z.enum(["day", "weekday", "week"]) satisfies z.ZodType<Cadence>,
  on: z.enum(WEEKDAYS).optional(),
  createdBy: z.string(),
  createdAt: z.number().int().nonnegative(),
  /** Active runs; paused runs but says why (it resumes by itself once a post works); disabled stops. */
  status: z.enum(["active", "paused", "disabled"]),
  statusWhy: statusWhy.optional(),
});

export type DigestSchedule = z.infer<typeof digestScheduleSchema>;
export type ScheduleStatus = DigestSchedule["status"];

/**
 * A digest being posted, written before the post: after a crash, the same body goes out again
 * under the same nonce (or is found in the channel), so the slot yields one message.
 */
const inFlightSchema = z.object({
  slot: z.number().int(),
  nonce: z.string().min(1).max(25),
  createdAt: z.number().int(),
  body: z.object({
    content: z.string(),
    embeds: z.array(z.record(z.string(), z.unknown())),
  }),
});

export type InFlight = z.infer<typeof inFlightSchema>;

const runStateSchema = z.object({
  /** The latest slot settled (posted, empty, skipped or failed for good): never run again. */
  lastSlot: z.number().int().optional(),
  lastOutcome: z.enum(["posted", "empty", "skipped", "failed"]).optional(),
  /** The latest slot whose digest went out (or was empty): the next one covers stories since. */
  lastDigestSlot: z.number().int().optional(),
  inFlight: inFlightSchema.optional(),
});

export type RunState = z.infer<typeof runStateSchema>;

export class ScheduleLimitError extends Error {
  override name = "ScheduleLimitError";
}

function newId(): string {
  // 8 base-36 characters: short enough to type, random enough never to collide within a server.
  return BigInt(`0x${randomBytes(6).toString("hex")}`)
    .toString(36)
    .padStart(8, "0")
    .slice(-8);
}

export type NewSchedule = Omit<DigestSchedule, "id" | "status" | "statusWhy">;

export class ScheduleStore {
  readonly #lists: GuildLists<unknown>;
  /** The valid schedules of each guild, kept in step with the lists' mirror. */
  readonly #valid = new Map<string, DigestSchedule[]>();

  constructor(
    private readonly kv: Keyv,
    private readonly log: Pick<Logger, "warn">,
    /** A fleet's shared lock: its gateways (shards) all rewrite the one list of servers. */
    lock?: KeyedLock,
  ) {
    this.#lists = new GuildLists<unknown>(
      kv,
      "digests",
      (guildId, _previous, list) => {
        const valid = this.#parseList(guildId, list);
        if (valid.length === 0) this.#valid.delete(guildId);
        else this.#valid.set(guildId, valid);
      },
      lock,
    );
  }

  /** Reads every guild's schedules into memory; call once at start. */
  async load(): Promise<void> {
    await this.#lists.load();
  }

  get loaded(): boolean {
    return this.#lists.loaded;
  }

  forGuild(guildId: string): DigestSchedule[] {
    return [...(this.#valid.get(guildId) ?? [])];
  }

  get(guildId: string, id: string): DigestSchedule | undefined {
    return this.#valid.get(guildId)?.find((s) => s.id === id);
  }

  *all(): Iterable<DigestSchedule> {
    for (const list of this.#valid.values()) yield* list;
  }

  /** Adds a schedule (active); throws ScheduleLimitError when the server has the most it may. */
  async add(input: NewSchedule): Promise<DigestSchedule> {
    return this.#lists.update(input.guildId, (list) => {
      const valid = this.#parseList(input.guildId, list);
      if (valid.length >= MAX_SCHEDULES_PER_GUILD) {
        throw new ScheduleLimitError(`at most ${MAX_SCHEDULES_PER_GUILD} schedules per server`);
      }
      const taken = new Set(valid.map((s) => s.id));
      let id = newId();
      while (taken.has(id)) id = newId();
      const schedule = digestScheduleSchema.parse({ ...input, id, status: "active" });
      list.splice(0, list.length, ...valid, schedule);
      return schedule;
    });
  }

  /** Removes one schedule; returns it, or undefined when the server has none with that id. */
  async remove(guildId: string, id: string): Promise<DigestSchedule | undefined> {
    const removed = await this.#lists.update(guildId, (list) => {
      const valid = this.#parseList(guildId, list);
      const found = valid.find((s) => s.id === id);
      list.splice(0, list.length, ...valid.filter((s) => s.id !== id));
      return found;
    });
    if (removed) await this.kv.delete(runKey(id));
    return removed;
  }

  /** Sets a schedule's status; returns the schedule as changed (undefined if it is gone). */
  async setStatus(
    guildId: string,
    id: string,
    status: ScheduleStatus,
    why?: StatusWhy,
  ): Promise<DigestSchedule | undefined> {
    return this.#lists.update(guildId, (list) => {
      const valid = this.#parseList(guildId, list);
      const found = valid.find((s) => s.id === id);
      if (found) {
        found.status = status;
        if (why) found.statusWhy = why;
        else delete found.statusWhy;
      }
      list.splice(0, list.length, ...valid);
      return found;
    });
  }

  /** Forgets a guild's schedules (the bot left the server). */
  async removeGuild(guildId: string): Promise<DigestSchedule[]> {
    const gone = this.forGuild(guildId);
    await this.#lists.removeGuild(guildId);
    await Promise.all(gone.map((s) => this.kv.delete(runKey(s.id))));
    return gone;
  }

  async runState(id: string): Promise<RunState> {
    const raw = await this.kv.get<unknown>(runKey(id));
    if (raw === undefined || raw === null) return {};
    const parsed = runStateSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.log.warn({ scheduleId: id, issues: parsed.error.issues.length }, "bad digest run record");
    return {};
  }

  async setRunState(id: string, state: RunState): Promise<void> {
    await this.kv.set(runKey(id), runStateSchema.parse(state));
  }

  #parseList(guildId: string, list: readonly unknown[]): DigestSchedule[] {
    const valid: DigestSchedule[] = [];
    for (const item of list) {
      const parsed = digestScheduleSchema.safeParse(item);
      if (parsed.success && parsed.data.guildId === guildId) valid.push(parsed.data);
      else this.log.warn({ guildId }, "dropped an unreadable digest schedule");
    }
    return valid;
  }
}

function runKey(scheduleId: string): string {
  return `digestrun:${scheduleId}`;
}
