/**
 * Health notices from the whole bot, run as `npm start` runs it, against the Discord emulator:
 * an admin chooses a log channel with /settings; a subscribed channel loses Send Messages, the
 * next alert there fails and pauses its subscription, and the log channel gets one notice naming
 * the permission and the channel; a subscribed channel is deleted and the log channel gets one
 * notice; after a restart (a new process over the same storage) neither is posted again; the
 * permission given back, the kept alert goes out by itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator, type EmulatedMessage } from "../discord-emulator/index.js";
import {
  BotProcess,
  COMMAND_COUNT,
  fastPollingEnv,
  TEST_TOKEN,
  until,
} from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { climateRound, type RssItem, rssFeed } from "../helpers/rss.js";

const ADMIN = "500000000000000001";
const dir = mkdtempSync(join(tmpdir(), "fd-health-"));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Item = RssItem;
const rss = (items: Item[]) => rssFeed(items, { title: "Health wire", guid: "health" });
const climate = climateRound;

const text = (m: EmulatedMessage | undefined) => JSON.stringify(m?.embeds ?? []);

describe("health notices from the running bot", () => {
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let bot: BotProcess;
  let guildId = "";
  let alerts = "";
  let ops = "";
  let doomed = "";
  let items: Item[] = [];

  const publish = (more: Item[]) => {
    items = [...items, ...more];
    feeds.route("/wire.xml", serve(rss(items), { contentType: "application/rss+xml" }));
  };

  async function command(
    name: string,
    options: Array<{ name: string; type: number; value: string | number }>,
    subcommand?: string,
  ) {
    const record = await emu.sendSlashCommand({
      guildId,
      channelId: ops,
      userId: ADMIN,
      name,
      options,
      subcommand,
    });
    return record.waitForResponse(15_000);
  }

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ token: TEST_TOKEN });
    const guild = emu.addGuild({
      name: "Newsroom",
      channels: [{ name: "alerts" }, { name: "ops" }, { name: "doomed" }],
    });
    guildId = guild.id;
    alerts = guild.channelId("alerts");
    ops = guild.channelId("ops");
    doomed = guild.channelId("doomed");
    emu.addMember(
      guildId,
      { id: ADMIN, username: "editor" },
      PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages,
    );
    feeds = await FeedServer.start();
    publish([climate("old", 0)]);
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(
      feedsFile,
      JSON.stringify([{ name: "Health Wire", url: feeds.url("/wire.xml"), language: "en" }]),
    );
    bot = new BotProcess({
      ...fastPollingEnv(emu.apiUrl, feedsFile, join(dir, "bot.sqlite")),
      HEALTH_CHECK_SEC: "1",
    });
    bot.start();
    await until("commands", () => emu.commands().length === COMMAND_COUNT, 30_000, bot);
    await until("the backlog", () => feeds.requestsTo("/wire.xml").length > 0, 10_000, bot);
  }, 60_000);

  afterAll(async () => {
    await bot?.kill("SIGTERM");
    await feeds?.close();
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("posts one notice per incident in the log channel, and none again after a restart", async () => {
    const chosen = await command(
      "settings",
      [{ name: "channel", type: 7, value: ops }],
      "log-channel",
    );
    expect(chosen.message?.content).toContain(`<#${ops}>`);
    for (const channel of [alerts, doomed]) {
      await command("subscribe", [
        { name: "topic", type: 3, value: "climate" },
        { name: "channel", type: 7, value: channel },
      ]);
    }
    emu.setBotPermissions(
      alerts,
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.EmbedLinks |
        PermissionFlagsBits.ReadMessageHistory,
    );
    publish([climate("new-1", 1)]);
    await until("the paused notice", () => emu.messages(ops).length >= 1, 30_000, bot);
    const paused = emu.messages(ops)[0];
    expect(text(paused)).toContain("Alerts paused");
    expect(text(paused)).toContain("Send Messages");
    expect(text(paused)).toContain(`<#${alerts}>`);
    expect(text(paused)).toContain("resume by themselves");
    expect(text(paused)).toContain("`/resume`");
    expect(paused?.allowed_mentions).toEqual({ parse: [] });
    // The other channel got the alert: only the channel without the permission is paused.
    expect(emu.messages(doomed)).toHaveLength(1);

    emu.deleteChannel(doomed);
    await until("the deletion notice", () => emu.messages(ops).length >= 2, 15_000, bot);
    expect(text(emu.messages(ops)[1])).toContain("Channel deleted");
    expect(text(emu.messages(ops)[1])).toContain(doomed);
    await sleep(3000); // several checks: nothing more
    expect(emu.messages(ops)).toHaveLength(2);
    expect(bot.output.match(/health notice posted/g)).toHaveLength(2);

    await bot.kill("SIGTERM");
    bot.start();
    await until("the restart", () => bot.ready, 30_000, bot);
    await sleep(4000); // several health checks of the new process
    expect(emu.messages(ops)).toHaveLength(2);
    expect(bot.output).not.toContain("health notice posted");

    // The permission given back: with no command run, the alert kept since before the restart
    // goes out, once, and the incident closes without another notice.
    expect(emu.messages(alerts)).toHaveLength(0);
    emu.setBotPermissions(
      alerts,
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks |
        PermissionFlagsBits.ReadMessageHistory,
    );
    await until("the kept alert", () => emu.messages(alerts).length >= 1, 15_000, bot);
    await sleep(2000);
    expect(emu.messages(alerts)).toHaveLength(1);
    expect(text(emu.messages(alerts)[0])).toContain("round 1");
    expect(bot.output).toContain("alerts resumed: the bot may post in the channel again");
    expect(emu.messages(ops)).toHaveLength(2);
  }, 120_000);
});
