/**
 * /resume through the real client and the emulator: refuses a member without Manage Server,
 * refuses while the bot still lacks a permission (naming it), and otherwise re-activates the
 * channel's subscriptions paused for a problem (never a muted one) and wakes delivery.
 */
import { PermissionFlagsBits as P } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MANAGE_GUILD_REFUSAL } from "../../src/discord/permissions.js";
import type { StatusWhy } from "../../src/subscriptions/store.js";
import { until } from "../deliver/emulator-world.js";
import { sub } from "../deliver/fixtures.js";
import {
  type BotHarness,
  EPHEMERAL_FLAG,
  startBotHarness,
  textOf,
} from "../helpers/bot-harness.js";

const WITHOUT_SEND = P.ViewChannel | P.EmbedLinks | P.ReadMessageHistory;
const MISSING: StatusWhy = { code: "missing-permissions", permissions: ["Send Messages"] };
// The alert's Mute button: an admin's choice, never resumed.
const MUTED: StatusWhy = { code: "muted", by: "500000000000000001", at: 0 };

let h: BotHarness;
let woken: string[];
beforeEach(async () => {
  h = await startBotHarness();
  woken = [];
  h.ctx.wakeDelivery = (channelId) => woken.push(channelId);
});
afterEach(async () => {
  await h.close();
});

async function paused(channelId: string, topic: string, why: StatusWhy): Promise<void> {
  await h.ctx.subscriptions.upsert(
    sub({
      guildId: h.guildId,
      channelId,
      topic,
      status: "paused",
      statusReason: "x",
      statusWhy: why,
    }),
  );
}
const statusOf = (channelId: string, topic: string) =>
  h.ctx.subscriptions.forChannel(channelId).find((s) => s.topic === topic)?.status;
const resume = (channelId: string, as: "admin" | "member" = "admin", locale = "en-US") =>
  h.run({
    name: "resume",
    as,
    locale,
    options: [{ name: "channel", type: 7, value: channelId }],
  });

/** Waits until the client's cache shows whether the bot has `bit` in the channel. */
function cacheShows(channelId: string, bit: bigint, has: boolean): Promise<void> {
  return until(() => {
    const channel = h.client.channels.cache.get(channelId);
    const me = h.client.user;
    if (!channel || channel.isDMBased() || !me) return false;
    return (channel.permissionsFor(me)?.has(bit) === true) === has;
  });
}

/** Whether the client's cache holds the thread as locked. */
function lockedInCache(threadId: string): boolean | undefined {
  const channel = h.client.channels.cache.get(threadId);
  return channel?.isThread() ? channel.locked === true : undefined;
}

describe("/resume", () => {
  it("is for Manage Server only", async () => {
    await paused(h.newsId, "climate", MISSING);
    const { outcome } = await resume(h.newsId, "member");
    expect(outcome.message?.content).toBe(MANAGE_GUILD_REFUSAL);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(statusOf(h.newsId, "climate")).toBe("paused");
    const registered = h.emu.commands(h.guildId).find((c) => c.name === "resume");
    expect(registered?.default_member_permissions).toBe(String(P.ManageGuild));
  });

  it("refuses while the permission is still missing, naming it; resumes once it is there", async () => {
    await paused(h.newsId, "climate", MISSING);
    await paused(h.newsId, "trade", { code: "tag-required" });
    await paused(h.newsId, "energy", MUTED);
    h.emu.setBotPermissions(h.newsId, WITHOUT_SEND);
    await cacheShows(h.newsId, P.SendMessages, false);

    const refused = await resume(h.newsId);
    expect((refused.outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(textOf(refused.outcome)).toContain("Send Messages");
    expect(textOf(refused.outcome)).toContain(`<#${h.newsId}>`);
    expect(statusOf(h.newsId, "climate")).toBe("paused");
    expect(woken).toEqual([]);
    const german = await resume(h.newsId, "admin", "de");
    expect(textOf(german.outcome)).toContain("Nachrichten senden");

    h.emu.setBotPermissions(h.newsId, WITHOUT_SEND | P.SendMessages);
    await cacheShows(h.newsId, P.SendMessages, true);
    const done = await resume(h.newsId);
    expect((done.outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(done.outcome.message?.content).toBe(
      `Alerts resumed in <#${h.newsId}>: 2 subscriptions are active again. The alerts kept while they were paused follow in a moment.`,
    );
    expect(statusOf(h.newsId, "climate")).toBe("active");
    // A cause the cache cannot check is the admin's word: resumed too.
    expect(statusOf(h.newsId, "trade")).toBe("active");
    expect(statusOf(h.newsId, "energy")).toBe("paused");
    expect(woken).toEqual([h.newsId]);
    expect(h.logs.find((l) => l.msg === "alerts resumed by an admin")).toMatchObject({
      guildId: h.guildId,
      channelId: h.newsId,
      resumed: 2,
    });
  });

  it("says so when nothing there is paused for a problem", async () => {
    await paused(h.alertsId, "energy", MUTED);
    const { outcome } = await resume(h.alertsId, "admin", "fr");
    expect(outcome.message?.content).toContain("Aucun abonnement");
    expect(statusOf(h.alertsId, "energy")).toBe("paused");
    expect(woken).toEqual([]);
  });

  it("refuses a locked thread until it is unlocked", async () => {
    const thread = h.emu.addThread(h.newsId, { name: "desk", locked: true });
    await until(() => lockedInCache(thread.id) === true);
    await paused(thread.id, "climate", { code: "thread-locked" });
    const refused = await resume(thread.id);
    expect(refused.outcome.message?.content).toContain("locked thread");
    expect(statusOf(thread.id, "climate")).toBe("paused");
    h.emu.setThread(thread.id, { locked: false });
    await until(() => lockedInCache(thread.id) === false);
    const done = await resume(thread.id);
    expect(done.outcome.message?.content).toContain("1 subscription is active again");
    expect(statusOf(thread.id, "climate")).toBe("active");
  });

  it("refuses a forum that still requires a tag the topic lacks", async () => {
    const forum = h.emu.addChannel(h.guildId, {
      name: "desk-forum",
      type: 15,
      flags: 1 << 4,
      tags: [{ name: "Trade" }],
    });
    await until(() => h.client.channels.cache.has(forum.id));
    await paused(forum.id, "climate", { code: "tag-required" });
    const { outcome } = await resume(forum.id);
    expect(outcome.message?.content).toContain("requires a tag on every post");
    expect(outcome.message?.content).toContain("Climate");
    expect(statusOf(forum.id, "climate")).toBe("paused");
    expect(woken).toEqual([]);
  });
});
