/** Digest schedules in storage: round trip, the per-server limit, and what zod refuses. */
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_SCHEDULES_PER_GUILD,
  type NewSchedule,
  ScheduleLimitError,
  ScheduleStore,
} from "../../src/digest/schedule-store.js";
import { openStorage, type Storage } from "../../src/store/open.js";

const GUILD = "100000000000000001";
const log = pino({ level: "silent" });

function input(overrides: Partial<NewSchedule> = {}): NewSchedule {
  return {
    guildId: GUILD,
    channelId: "200000000000000001",
    topic: "china",
    hour: 8,
    minute: 30,
    timezone: "Europe/Berlin",
    every: "weekday",
    createdBy: "300000000000000001",
    createdAt: 1_750_000_000_000,
    ...overrides,
  };
}

describe("ScheduleStore", () => {
  let storage: Storage;
  beforeEach(async () => {
    storage = await openStorage("sqlite://:memory:");
  });
  afterEach(async () => {
    await storage.close();
  });

  it("keeps schedules across a restart (a new store over the same storage)", async () => {
    const store = new ScheduleStore(storage.kv, log);
    await store.load();
    const a = await store.add(input());
    const b = await store.add(input({ every: "week", on: "fri", topic: undefined }));
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[a-z0-9]{8}$/);
    expect(a.status).toBe("active");

    const again = new ScheduleStore(storage.kv, log);
    await again.load();
    expect(again.forGuild(GUILD)).toEqual([a, b]);
    expect([...again.all()]).toHaveLength(2);
    expect(again.get(GUILD, b.id)?.on).toBe("fri");
  });

  it("refuses the 11th schedule of a server, not another server's first", async () => {
    const store = new ScheduleStore(storage.kv, log);
    await store.load();
    for (let i = 0; i < MAX_SCHEDULES_PER_GUILD; i++) await store.add(input({ minute: i }));
    await expect(store.add(input({ minute: 59 }))).rejects.toBeInstanceOf(ScheduleLimitError);
    expect(store.forGuild(GUILD)).toHaveLength(10);
    await store.add(input({ guildId: "100000000000000002" }));
    expect(store.forGuild("100000000000000002")).toHaveLength(1);
  });

  it("removes one schedule and its run record; status changes persist", async () => {
    const store = new ScheduleStore(storage.kv, log);
    await store.load();
    const a = await store.add(input());
    const b = await store.add(input({ minute: 45 }));
    await store.setRunState(a.id, { lastSlot: 5, lastOutcome: "posted", lastDigestSlot: 5 });
    await store.setStatus(GUILD, b.id, "paused", { code: "missing-permissions" });
    expect((await store.remove(GUILD, a.id))?.id).toBe(a.id);
    expect(await store.remove(GUILD, a.id)).toBeUndefined();
    expect(await store.runState(a.id)).toEqual({});
    const again = new ScheduleStore(storage.kv, log);
    await again.load();
    expect(again.forGuild(GUILD).map((s) => [s.id, s.status, s.statusWhy?.code])).toEqual([
      [b.id, "paused", "missing-permissions"],
    ]);
  });

  it("drops entries that do not read as a schedule, keeps the others", async () => {
    const store = new ScheduleStore(storage.kv, log);
    await store.load();
    const good = await store.add(input());
    const raw = (await storage.kv.get<unknown[]>(`digests:${GUILD}`)) ?? [];
    await storage.kv.set(`digests:${GUILD}`, [
      ...raw,
      { ...good, id: "bad1", timezone: "Mars/Base" },
      { ...good, id: "bad2", hour: 25 },
      "junk",
    ]);
    const again = new ScheduleStore(storage.kv, log);
    await again.load();
    expect(again.forGuild(GUILD)).toEqual([good]);
  });

  it("reads back run records, and treats a damaged one as none", async () => {
    const store = new ScheduleStore(storage.kv, log);
    const flight = {
      slot: 10,
      nonce: "dgabc",
      createdAt: 11,
      body: { content: "x", embeds: [{ title: "t" }] },
    };
    await store.setRunState("abc", { lastSlot: 1, lastDigestSlot: 1, inFlight: flight });
    expect(await store.runState("abc")).toEqual({
      lastSlot: 1,
      lastDigestSlot: 1,
      inFlight: flight,
    });
    await storage.kv.set("digestrun:abc", { lastSlot: "yesterday" });
    expect(await store.runState("abc")).toEqual({});
  });
});
