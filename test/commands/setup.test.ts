/**
 * Set-up commands through the emulator with the real discord.js client: /subscribe,
 * /unsubscribe, /subscriptions and topic autocomplete.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANAGE_GUILD_REFUSAL } from "../../src/discord/permissions.js";
import {
  type BotHarness,
  EPHEMERAL_FLAG,
  startBotHarness,
  textOf,
} from "../helpers/bot-harness.js";

describe("set-up commands", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("registers every command once; a second sync writes nothing", async () => {
    const names = h.emu
      .commands(h.guildId)
      .map((c) => c.name)
      .sort();
    expect(names).toEqual([
      "classify",
      "digest",
      "feeds",
      "preview",
      "resume",
      "search",
      "settings",
      "status",
      "subscribe",
      "subscriptions",
      "topic",
      "topics",
      "trends",
      "unsubscribe",
    ]);
    const subscribe = h.emu.commands(h.guildId).find((c) => c.name === "subscribe");
    expect(subscribe?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
  });

  it("/subscribe by an admin creates the subscription and confirms ephemerally", async () => {
    const { outcome } = await h.run({
      name: "subscribe",
      options: [
        { name: "topic", type: 3, value: "climate" },
        { name: "channel", type: 7, value: h.alertsId },
        { name: "min_score", type: 10, value: 0.4 },
        { name: "keywords", type: 3, value: "COP30, emissions" },
      ],
    });
    expect(outcome.callbackType).toBe(4);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const text = outcome.message?.content ?? "";
    expect(text).toContain(`<#${h.alertsId}>`);
    expect(text).toContain("🌍 **Climate**");
    expect(text).toContain("0.40");
    expect(text).toContain("COP30, emissions");
    expect(outcome.message?.allowed_mentions).toEqual({ parse: [] });
    const subs = h.ctx.subscriptions.forGuild(h.guildId);
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({
      channelId: h.alertsId,
      topic: "climate",
      minScore: 0.4,
      keywords: ["COP30", "emissions"],
      status: "active",
    });
    // Nothing was posted publicly in either channel.
    expect(h.emu.messages(h.newsId)).toHaveLength(0);
  });

  it("/subscribe without a channel uses the current one", async () => {
    const { outcome } = await h.run({
      name: "subscribe",
      options: [{ name: "topic", type: 3, value: "migration" }],
    });
    expect(outcome.message?.content).toContain(`<#${h.newsId}>`);
    expect(
      h.ctx.subscriptions
        .forGuild(h.guildId)
        .map((s) => s.topic)
        .sort(),
    ).toEqual(["climate", "migration"]);
  });

  it("/subscribe by a member without Manage Server is refused with the permission sentence", async () => {
    const before = h.ctx.subscriptions.count();
    const { outcome } = await h.run({
      name: "subscribe",
      as: "member",
      options: [{ name: "topic", type: 3, value: "china" }],
    });
    expect(outcome.message?.content).toBe(MANAGE_GUILD_REFUSAL);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(h.ctx.subscriptions.count()).toBe(before);
  });

  it("/subscribe with an unknown topic lists the valid ones", async () => {
    const { outcome } = await h.run({
      name: "subscribe",
      options: [{ name: "topic", type: 3, value: "astrology" }],
    });
    const text = outcome.message?.content ?? "";
    expect(text).toContain('There is no topic "astrology"');
    for (const id of ["climate", "russia-ukraine", "energy"]) expect(text).toContain(id);
  });

  it("/subscribe into a channel where the bot lacks Embed Links says exactly that", async () => {
    const updated = new Promise<void>((resolve) => h.client.once("channelUpdate", () => resolve()));
    h.emu.setBotPermissions(
      h.alertsId,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
    );
    await updated;
    const { outcome } = await h.run({
      name: "subscribe",
      options: [
        { name: "topic", type: 3, value: "energy" },
        { name: "channel", type: 7, value: h.alertsId },
      ],
    });
    expect(outcome.message?.content).toBe(
      `ForeignDesk cannot post alerts in <#${h.alertsId}>: it is missing the Embed Links permission there. Grant it to ForeignDesk's role in that channel's settings, then try again.`,
    );
    expect(h.ctx.subscriptions.forGuild(h.guildId).some((s) => s.topic === "energy")).toBe(false);
  });

  it("topic autocomplete matches id, label and words in other languages; ≤ 25 choices", async () => {
    const all = await h.autocomplete({
      name: "subscribe",
      options: [{ name: "topic", type: 3, value: "", focused: true }],
    });
    expect(all).toHaveLength(12);
    const byLabel = await h.autocomplete({
      name: "subscribe",
      options: [{ name: "topic", type: 3, value: "ukr", focused: true }],
    });
    expect(byLabel[0]).toEqual({ name: "🇺🇦 Russia & Ukraine", value: "russia-ukraine" });
    const german = await h.autocomplete({
      name: "topic",
      options: [{ name: "name", type: 3, value: "Klima", focused: true }],
    });
    expect(german.map((c) => c.value)).toContain("climate");
    const french = await h.autocomplete({
      name: "digest",
      subcommand: "now",
      options: [{ name: "topic", type: 3, value: "réfugiés", focused: true }],
    });
    expect(french.map((c) => c.value)).toContain("migration");
  });

  it("/unsubscribe autocompletes this server's topics and removes one", async () => {
    const choices = await h.autocomplete({
      name: "unsubscribe",
      options: [{ name: "topic", type: 3, value: "", focused: true }],
    });
    expect(choices.map((c) => c.value).sort()).toEqual(["climate", "migration"]);
    expect(choices.find((c) => c.value === "climate")?.name).toContain("#alerts");

    const { outcome } = await h.run({
      name: "unsubscribe",
      options: [{ name: "topic", type: 3, value: "migration" }],
    });
    expect(outcome.message?.content).toContain("Removed 1 subscription");
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const again = await h.run({
      name: "unsubscribe",
      options: [{ name: "topic", type: 3, value: "migration" }],
    });
    expect(again.outcome.message?.content).toContain("no subscription");
  });

  it("/subscriptions lists channel, filters, status with reason and alerts sent", async () => {
    await h.ctx.subscriptions.addSent(h.guildId, h.alertsId, new Map([["climate", 7]]));
    await h.ctx.subscriptions.setChannelStatus(
      h.guildId,
      h.alertsId,
      "paused",
      "ForeignDesk lost the Embed Links permission",
    );
    const { outcome } = await h.run({ name: "subscriptions", as: "member" });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const text = textOf(outcome);
    expect(text).toContain(`<#${h.alertsId}>`);
    expect(text).toContain("min score 0.40");
    expect(text).toContain("keywords: COP30, emissions");
    expect(text).toContain("paused: ForeignDesk lost the Embed Links permission");
    expect(text).toContain("7 alerts sent");
  });

  it("/unsubscribe takes a typed word as autocomplete offered it, and any alert channel", async () => {
    const subscribe = (topic: string, channelId: string, target: "channel" | "forum") =>
      h.ctx.subscriptions.upsert({
        guildId: h.guildId,
        channelId,
        topic,
        minScore: 0,
        keywords: [],
        target,
        createdBy: "1",
        createdAt: Date.now(),
        status: "active",
        alertsSent: 0,
      });
    // Both commands offer the same kinds of channel: what can be subscribed can be unsubscribed.
    const channelTypes = (name: string) =>
      (
        h.emu.commands(h.guildId).find((c) => c.name === name)?.options as
          | Array<{ name: string; channel_types?: number[] }>
          | undefined
      )?.find((o) => o.name === "channel")?.channel_types;
    expect(channelTypes("unsubscribe")).toEqual(channelTypes("subscribe"));

    // "coal" is as much climate as energy; on a server that follows energy only, autocomplete
    // offers energy, and so the typed word means energy.
    const forum = h.emu.addChannel(h.guildId, { name: "energy-briefs", type: 15 }).id;
    const before = h.ctx.subscriptions.forGuild(h.guildId).length;
    await h.ctx.subscriptions.remove(h.guildId, () => true);
    await subscribe("energy", forum, "forum");
    const { outcome } = await h.run({
      name: "unsubscribe",
      options: [
        { name: "topic", type: 3, value: "coal" },
        { name: "channel", type: 7, value: forum },
      ],
    });
    expect(before).toBeGreaterThan(0);
    expect(outcome.message?.content).toContain("Removed 1 subscription");
    expect(h.ctx.subscriptions.forGuild(h.guildId)).toEqual([]);
  });
});
