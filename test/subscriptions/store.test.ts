import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import {
  MAX_SUBSCRIPTIONS_PER_GUILD,
  type Subscription,
  SubscriptionLimitError,
  SubscriptionStore,
} from "../../src/subscriptions/store.js";

function sub(overrides: Partial<Subscription>): Subscription {
  return {
    guildId: "g1",
    channelId: "c1",
    topic: "climate",
    minScore: 0,
    keywords: [],
    createdBy: "u1",
    createdAt: 0,
    status: "active",
    alertsSent: 0,
    ...overrides,
  };
}

describe("subscriptions", () => {
  it("replace the same (channel, topic), keep counts, and survive a reload", async () => {
    const kv = new Keyv();
    const store = new SubscriptionStore(kv);
    await store.load();
    expect(await store.upsert(sub({}))).toBe(false);
    expect(await store.upsert(sub({ topic: "china" }))).toBe(false);
    expect(await store.upsert(sub({ guildId: "g2", channelId: "c9" }))).toBe(false);
    await store.addSent("g1", "c1", new Map([["climate", 3]]));
    expect(await store.upsert(sub({ minScore: 0.7 }))).toBe(true);
    const climate = store.forGuild("g1").find((s) => s.topic === "climate");
    expect(climate).toMatchObject({ minScore: 0.7, alertsSent: 3 });

    const reloaded = new SubscriptionStore(kv);
    await reloaded.load();
    expect(reloaded.count()).toBe(3);
    expect([...reloaded.active()].map((s) => `${s.guildId}/${s.topic}`).sort()).toEqual([
      "g1/china",
      "g1/climate",
      "g2/climate",
    ]);
  });

  it("pause and disable a channel's subscriptions, which then no longer match", async () => {
    const store = new SubscriptionStore(new Keyv());
    await store.upsert(sub({}));
    await store.upsert(sub({ topic: "china" }));
    await store.upsert(sub({ channelId: "c2" }));
    expect(await store.setChannelStatus("g1", "c1", "paused", "missing Embed Links")).toBe(2);
    expect([...store.active()].map((s) => s.channelId)).toEqual(["c2"]);
    expect(
      store
        .forGuild("g1")
        .filter((s) => s.status === "paused")
        .map((s) => s.statusReason),
    ).toEqual(["missing Embed Links", "missing Embed Links"]);
    await store.setChannelStatus("g1", "c2", "disabled", "channel deleted");
    expect([...store.active()]).toEqual([]);
  });

  it("enforce the per-server limit with a clear message", async () => {
    const store = new SubscriptionStore(new Keyv());
    for (let i = 0; i < MAX_SUBSCRIPTIONS_PER_GUILD; i++)
      await store.upsert(sub({ channelId: `c${i}` }));
    await expect(store.upsert(sub({ channelId: "one-more" }))).rejects.toThrow(
      SubscriptionLimitError,
    );
    await expect(store.upsert(sub({ channelId: "one-more" }))).rejects.toThrow(
      /already has 100 subscriptions/,
    );
    // Replacing an existing one is still allowed at the limit.
    await expect(store.upsert(sub({ channelId: "c0", minScore: 0.5 }))).resolves.toBe(true);
  });

  it("remove subscriptions and forget a guild entirely", async () => {
    const kv = new Keyv();
    const store = new SubscriptionStore(kv);
    await store.upsert(sub({}));
    await store.upsert(sub({ topic: "china" }));
    await store.upsert(sub({ guildId: "g2" }));
    expect(await store.remove("g1", (s) => s.topic === "china")).toBe(1);
    await store.removeGuild("g1");
    expect(store.forGuild("g1")).toEqual([]);
    const reloaded = new SubscriptionStore(kv);
    await reloaded.load();
    expect(reloaded.count()).toBe(1);
    expect(await kv.get("subs:g1")).toBeUndefined();
  });

  it("do not lose concurrent changes to one guild", async () => {
    const kv = new Keyv();
    const store = new SubscriptionStore(kv);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.upsert(sub({ channelId: `c${i}` }))),
    );
    const reloaded = new SubscriptionStore(kv);
    await reloaded.load();
    expect(reloaded.forGuild("g1")).toHaveLength(20);
  });
});
