/**
 * /settings through the Discord emulator and the real discord.js client: choosing the log
 * channel needs Manage Server and a channel the bot may post embeds in; the choice is stored and
 * shown, and /settings show lists the server's limits and usage with the right numbers.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANAGE_GUILD_REFUSAL } from "../../src/discord/permissions.js";
import { sub } from "../deliver/fixtures.js";
import type { CommandOptionInput } from "../discord-emulator/index.js";
import {
  type BotHarness,
  EPHEMERAL_FLAG,
  startBotHarness,
  textOf,
} from "../helpers/bot-harness.js";

const chan = (value: string): CommandOptionInput => ({ name: "channel", type: 7, value });

describe("/settings through the emulator", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("refuses a member without Manage Server and stores nothing", async () => {
    const { outcome } = await h.run({
      name: "settings",
      subcommand: "log-channel",
      as: "member",
      options: [chan(h.alertsId)],
    });
    expect(outcome.message?.content).toBe(MANAGE_GUILD_REFUSAL);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(await h.ctx.settings.get(h.guildId)).toEqual({});
  });

  it("refuses a log channel the bot cannot post embeds in, naming the permission", async () => {
    const locked = h.emu.addChannel(h.guildId, { name: "locked-log" }).id;
    const updated = new Promise<void>((resolve) => h.client.once("channelUpdate", () => resolve()));
    h.emu.setBotPermissions(
      locked,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
    );
    await updated;
    const { outcome } = await h.run({
      name: "settings",
      subcommand: "log-channel",
      options: [chan(locked)],
    });
    expect(outcome.message?.content).toContain("Embed Links");
    expect(outcome.message?.content).toContain(`<#${locked}>`);
    expect(await h.ctx.settings.get(h.guildId)).toEqual({});
  });

  it("stores an admin's choice and shows it, with the problems open now", async () => {
    await h.ctx.subscriptions.upsert(
      sub({
        guildId: h.guildId,
        channelId: h.newsId,
        status: "paused",
        statusWhy: { code: "missing-permissions", permissions: ["Send Messages"] },
      }),
    );
    const { outcome } = await h.run({
      name: "settings",
      subcommand: "log-channel",
      options: [chan(h.alertsId)],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(outcome.message?.content).toContain(`<#${h.alertsId}>`);
    expect(outcome.message?.content).toContain("1 problem is open now; /status lists it.");
    expect((await h.ctx.settings.get(h.guildId)).logChannelId).toBe(h.alertsId);

    const shown = await h.run({ name: "settings", subcommand: "show" });
    expect(textOf(shown.outcome)).toContain(`<#${h.alertsId}>`);
    expect((shown.outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
  });

  it("lists the limits and this server's usage with the right numbers", async () => {
    await h.ctx.subscriptions.upsert(
      sub({ guildId: h.guildId, channelId: h.alertsId, topic: "energy" }),
    );
    await h.ctx.guildFeeds.add(h.guildId, {
      url: "https://feeds.example.org/a.xml",
      name: "A",
      addedBy: "500000000000000001",
    });
    await h.ctx.digests.add({
      guildId: h.guildId,
      channelId: h.alertsId,
      hour: 8,
      minute: 30,
      timezone: "UTC",
      every: "day",
      createdBy: "500000000000000001",
    });
    const { outcome } = await h.run({ name: "settings", subcommand: "show" });
    const text = textOf(outcome);
    expect(text).toContain("Subscriptions: 2/100");
    expect(text).toContain("Server feeds: 1/20");
    expect(text).toContain("Digest schedules: 1/10");
    expect(text).toContain("At most 30 alerts per channel an hour");
    expect(text).toContain("Stories are kept 30 days");
    expect(text).toContain("A server feed is reported once it has failed for 6 hours");
    expect(text).toContain("/search 5 s");
    expect(text).toContain("/feeds add 10 s");
    expect(text).not.toContain("/feeds list");
    // The paused subscription of the test before.
    expect(text).toContain("1 (listed by /status)");
  });

  it("clears the log channel", async () => {
    const { outcome } = await h.run({ name: "settings", subcommand: "clear-log-channel" });
    expect(outcome.message?.content).toContain("No log channel");
    expect((await h.ctx.settings.get(h.guildId)).logChannelId).toBeUndefined();
    const shown = await h.run({ name: "settings", subcommand: "show", locale: "de" });
    expect(textOf(shown.outcome)).toContain("keiner; wähle einen mit /einstellungen log-kanal");
  });
});
