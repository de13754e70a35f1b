/**
 * Permission recovery without Discord: the decision (may the bot post there now, by the cache)
 * and the check over a store, with a view tests set, and the debounce of event bursts.
 */
import { ChannelType, PermissionFlagsBits as P } from "discord.js";
import Keyv from "keyv";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type ChannelView,
  checkPosting,
  PermissionRecovery,
  type PermissionView,
} from "../../src/discord/permission-recovery.js";
import { type StatusWhy, SubscriptionStore } from "../../src/subscriptions/store.js";
import { sub } from "../deliver/fixtures.js";

const POST = P.ViewChannel | P.SendMessages | P.EmbedLinks;
const IN_THREADS = P.ViewChannel | P.SendMessagesInThreads | P.EmbedLinks;
const text = (permissions: bigint | undefined): ChannelView => ({
  type: ChannelType.GuildText,
  permissions,
});
const thread = (
  permissions: bigint,
  t: { locked?: boolean; joined?: boolean } = {},
  type = ChannelType.PublicThread,
): ChannelView => ({
  type,
  permissions,
  thread: { locked: t.locked ?? false, joined: t.joined ?? true },
});

describe("checkPosting", () => {
  it("passes a channel where the bot has everything alerts need", () => {
    expect(checkPosting(text(POST), "channel")).toEqual({ ok: true });
  });

  it("names what is still missing, by where the alerts go", () => {
    expect(checkPosting(text(P.ViewChannel | P.EmbedLinks), "channel")).toEqual({
      ok: false,
      missing: ["Send Messages"],
    });
    // Send Messages does not let the bot post in a thread.
    expect(checkPosting(thread(POST), "thread")).toEqual({
      ok: false,
      missing: ["Send Messages in Threads"],
    });
    expect(
      checkPosting({ type: ChannelType.GuildForum, permissions: P.ViewChannel }, "forum"),
    ).toEqual({ ok: false, missing: ["Create Posts", "Embed Links"] });
  });

  it("cannot tell for a channel or parent the cache does not hold", () => {
    expect(checkPosting(undefined, "channel")).toEqual({ ok: false, unknown: true });
    expect(checkPosting(text(undefined), "channel")).toEqual({ ok: false, unknown: true });
  });

  it("holds a locked thread unless the bot manages threads", () => {
    expect(checkPosting(thread(IN_THREADS, { locked: true }), "thread")).toEqual({
      ok: false,
      locked: true,
    });
    expect(checkPosting(thread(IN_THREADS | P.ManageThreads, { locked: true }), "thread")).toEqual({
      ok: true,
    });
    expect(checkPosting(thread(IN_THREADS), "thread")).toEqual({ ok: true });
  });

  it("cannot tell for a private thread the bot is not known to be in", () => {
    const priv = (joined: boolean) => thread(IN_THREADS, { joined }, ChannelType.PrivateThread);
    expect(checkPosting(priv(false), "thread")).toEqual({ ok: false, unknown: true });
    expect(checkPosting(priv(true), "thread")).toEqual({ ok: true });
  });
});

const MISSING: StatusWhy = { code: "missing-permissions", permissions: ["Send Messages"] };

/** A store with subscriptions, a view the test changes, and what was woken. */
async function world(
  views: Record<string, ChannelView | undefined>,
  owns?: (guildId: string) => boolean,
) {
  const subs = new SubscriptionStore(new Keyv());
  await subs.load();
  const woken: string[] = [];
  const view: PermissionView = { channel: (id) => views[id] };
  const clock = { t: 1_000_000 };
  const logs: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void logs.push(line) });
  const recovery = new PermissionRecovery(
    {
      subscriptions: subs,
      view,
      wake: (id) => woken.push(id),
      log,
      now: () => clock.t,
      ...(owns ? { owns } : {}),
    },
    { debounceMs: 1000, intervalMs: 60_000, retrySameMs: 3_600_000 },
  );
  const pause = (channelId: string, topic: string, why: StatusWhy | undefined, reason = "x") =>
    subs.upsert(
      sub({
        guildId: "g1",
        channelId,
        topic,
        status: "paused",
        statusReason: reason,
        ...(why ? { statusWhy: why } : {}),
      }),
    );
  const status = (channelId: string, topic: string) =>
    subs.forChannel(channelId).find((s) => s.topic === topic)?.status;
  return { subs, woken, recovery, pause, status, clock, logs };
}

describe("PermissionRecovery", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("re-activates only what was paused for a cause the cache shows gone", async () => {
    const w = await world({ c1: text(POST), c2: text(P.ViewChannel) });
    await w.pause("c1", "climate", MISSING);
    await w.pause("c1", "trade", { code: "muted", by: "u1", at: 0 });
    await w.pause("c1", "energy", { code: "tag-required" });
    await w.pause("c1", "health", undefined, "paused by an older version");
    await w.pause("c2", "climate", MISSING);
    expect(await w.recovery.sweep()).toBe(1);
    expect(w.status("c1", "climate")).toBe("active");
    expect(w.subs.forChannel("c1").find((s) => s.topic === "climate")?.statusWhy).toBeUndefined();
    // An admin's mute, a cause the cache cannot show, and one without a code stay paused.
    expect(w.status("c1", "trade")).toBe("paused");
    expect(w.status("c1", "energy")).toBe("paused");
    expect(w.status("c1", "health")).toBe("paused");
    // Still without Send Messages there.
    expect(w.status("c2", "climate")).toBe("paused");
    expect(w.woken).toEqual(["c1"]);
    const line = JSON.parse(w.logs.find((l) => l.includes("alerts resumed")) ?? "{}");
    expect(line).toMatchObject({ guildId: "g1", channelId: "c1", resumed: 1, source: "sweep" });
    await w.recovery.stop();
  });

  it("sweeps only the servers this process owns (one shard of several)", async () => {
    const w = await world({ c1: text(POST) }, (g) => g !== "g1");
    await w.pause("c1", "climate", MISSING);
    const forGuild = vi.spyOn(w.subs, "forGuild");
    expect(await w.recovery.sweep()).toBe(0);
    expect(forGuild).not.toHaveBeenCalled();
    expect(w.status("c1", "climate")).toBe("paused");
    await w.recovery.stop();
  });

  it("resumes an unlocked thread, not a locked one", async () => {
    const views: Record<string, ChannelView> = {
      t1: thread(IN_THREADS, { locked: true }),
    };
    const w = await world(views);
    await w.pause("t1", "climate", { code: "thread-locked" });
    expect(await w.recovery.sweep()).toBe(0);
    views.t1 = thread(IN_THREADS, { locked: false });
    expect(await w.recovery.sweep()).toBe(1);
    expect(w.status("t1", "climate")).toBe("active");
    await w.recovery.stop();
  });

  it("checks a burst of events in one server once, after the burst", async () => {
    vi.useFakeTimers();
    const w = await world({ c1: text(POST) });
    await w.pause("c1", "climate", MISSING);
    const forGuild = vi.spyOn(w.subs, "forGuild");
    for (let i = 0; i < 50; i++) w.recovery.changed("g1");
    w.recovery.changed("g2");
    await vi.advanceTimersByTimeAsync(999);
    expect(forGuild).not.toHaveBeenCalled();
    expect(w.status("c1", "climate")).toBe("paused");
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(w.status("c1", "climate")).toBe("active"));
    // One look per server, however many events.
    expect(forGuild.mock.calls.map(([g]) => g)).toEqual(["g1", "g2"]);
    expect(w.woken).toEqual(["c1"]);
    // A later event is a new burst.
    w.recovery.changed("g1");
    await vi.advanceTimersByTimeAsync(1000);
    expect(forGuild).toHaveBeenCalledTimes(3);
    await w.recovery.stop();
  });

  it("sweeps on its interval once started, and not after stop", async () => {
    vi.useFakeTimers();
    const views: Record<string, ChannelView> = { c1: text(P.ViewChannel) };
    const w = await world(views);
    await w.pause("c1", "climate", MISSING);
    w.recovery.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.status("c1", "climate")).toBe("paused");
    views.c1 = text(POST);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(w.status("c1", "climate")).toBe("active");
    await w.pause("c1", "climate", MISSING);
    await w.recovery.stop();
    w.recovery.changed("g1");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(w.status("c1", "climate")).toBe("paused");
  });

  it("does not sweep-resume again on the same view a resume failed on, but does on an event", async () => {
    const w = await world({ c1: text(POST) });
    await w.pause("c1", "climate", MISSING);
    expect(await w.recovery.sweep()).toBe(1);
    // Discord refused again although the cache shows the same: the cache is wrong there.
    await w.pause("c1", "climate", MISSING);
    expect(await w.recovery.sweep()).toBe(0);
    expect(w.status("c1", "climate")).toBe("paused");
    w.clock.t += 3_600_000;
    expect(await w.recovery.sweep()).toBe(1);
    await w.pause("c1", "climate", MISSING);
    vi.useFakeTimers();
    w.recovery.changed("g1");
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(w.status("c1", "climate")).toBe("active"));
    await w.recovery.stop();
  });
});
