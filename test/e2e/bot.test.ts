import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator, type EmulatedMessage } from "../discord-emulator/index.js";
import { BotProcess, COMMAND_COUNT, TEST_TOKEN, until } from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { climateRound, type RssItem, rssFeed } from "../helpers/rss.js";

const ADMIN = "500000000000000001";
const READER = "500000000000000002";
const dir = mkdtempSync(join(tmpdir(), "fd-e2e-"));

type Item = RssItem;
const rss = (items: Item[]) => rssFeed(items, { title: "E2E wire", guid: "e2e" });
const climate = climateRound;

const backlog: Item[] = [
  {
    id: "old-1",
    title: "Old story about tariffs and the WTO",
    text: "Trade ministers met at the WTO to discuss tariffs.",
  },
];

const titles = (messages: EmulatedMessage[]) =>
  messages.flatMap((m) =>
    (m.embeds ?? []).map((e) => String((e as { title?: string }).title ?? "")),
  );

describe("the bot against the Discord emulator", () => {
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let bot: BotProcess;
  let guildId = "";
  let alerts = "";
  let quiet = "";
  let doomed = "";
  let items: Item[] = [...backlog];

  const publish = (more: Item[]) => {
    items = [...items, ...more];
    feeds.route("/wire.xml", serve(rss(items), { contentType: "application/rss+xml" }));
  };

  async function command(
    name: string,
    options: Array<{ name: string; type: number; value: string | number }> = [],
    userId = ADMIN,
    channelId = alerts,
    subcommand?: string,
  ) {
    const record = await emu.sendSlashCommand({
      guildId,
      channelId,
      userId,
      name,
      options,
      subcommand,
    });
    return record.waitForResponse(15_000);
  }

  beforeAll(async () => {
    emu = await DiscordEmulator.start({
      token: TEST_TOKEN,
      rateLimit: { perChannel: 1, windowMs: 1500 },
    });
    const guild = emu.addGuild({
      name: "Newsroom",
      channels: [{ name: "alerts" }, { name: "quiet" }, { name: "doomed" }],
    });
    guildId = guild.id;
    alerts = guild.channelId("alerts");
    quiet = guild.channelId("quiet");
    doomed = guild.channelId("doomed");
    emu.addMember(
      guildId,
      { id: ADMIN, username: "editor" },
      PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages,
    );
    emu.addMember(guildId, { id: READER, username: "reader" }, PermissionFlagsBits.SendMessages);
    feeds = await FeedServer.start();
    publish([]);
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(
      feedsFile,
      JSON.stringify([{ name: "E2E Wire", url: feeds.url("/wire.xml"), language: "en" }]),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: emu.apiUrl,
      FEEDS_FILE: feedsFile,
      STORAGE_URL: `sqlite://${join(dir, "bot.sqlite")}`,
      ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
      POLL_SCHEDULE: "* * * * * *",
      FEED_MIN_INTERVAL_SEC: "1",
      ALERTS_PER_CHANNEL_HOUR: "200",
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
    };
    bot = new BotProcess(env);
    bot.start();
    await until(
      "commands to be registered",
      () => emu.commands().length === COMMAND_COUNT,
      30_000,
      bot,
    );
    // The first poll takes in the backlog silently.
    await until(
      "the backlog to be read",
      () => feeds.requestsTo("/wire.xml").length > 0,
      10_000,
      bot,
    );
  }, 60_000);

  afterAll(async () => {
    await bot?.kill("SIGTERM");
    await feeds?.close();
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses /subscribe from a member without Manage Server", async () => {
    const answer = await command(
      "subscribe",
      [{ name: "topic", type: 3, value: "climate" }],
      READER,
    );
    expect(answer.message?.content).toMatch(/Manage Server/);
    expect(((answer.message?.flags as number | undefined) ?? 0) & 64).toBe(64);
  });

  it("posts exactly one alert, in the subscribed channel only, once for two matching subscriptions", async () => {
    for (const topic of ["climate", "energy"]) {
      const answer = await command("subscribe", [
        { name: "topic", type: 3, value: topic },
        { name: "channel", type: 7, value: alerts },
      ]);
      expect(((answer.message?.flags as number | undefined) ?? 0) & 64).toBe(64);
    }
    publish([
      {
        id: "gas-1",
        title: "Gas prices and emissions: EU climate and energy ministers clash",
        text: "EU energy ministers discussed gas prices, pipelines and energy security, while climate ministers pressed for deeper emissions cuts under the Paris Agreement.",
      },
    ]);
    await until("the alert", () => titles(emu.messages(alerts)).length >= 1, 20_000, bot);
    await new Promise((r) => setTimeout(r, 2500)); // anything extra would arrive by now
    const posted = emu.messages(alerts);
    expect(titles(posted)).toEqual([
      "Gas prices and emissions: EU climate and energy ministers clash",
    ]);
    const embed = posted[0]?.embeds?.[0] as Record<string, unknown>;
    expect(embed.url).toBe("https://news.example.org/gas-1");
    expect(String(embed.description)).toMatch(/gas prices|emissions/i);
    expect(JSON.stringify(embed)).toMatch(/Climate/);
    expect(JSON.stringify(embed)).toMatch(/Energy/);
    expect(posted[0]?.allowed_mentions).toEqual({ parse: [] });
    expect(emu.messages(quiet)).toHaveLength(0);
    expect(titles(emu.messages(alerts))).not.toContain("Old story about tariffs and the WTO");
  }, 40_000);

  it("answers /topic, /search, /digest and /classify with embeds", async () => {
    const topic = await command("topic", [{ name: "name", type: 3, value: "energy" }]);
    expect(JSON.stringify(topic.message?.embeds ?? [])).toContain("Gas prices and emissions");
    const search = await command("search", [{ name: "query", type: 3, value: "pipelines" }]);
    expect(JSON.stringify(search.message?.embeds ?? [])).toContain("Gas prices and emissions");
    const digest = await command(
      "digest",
      [{ name: "hours", type: 4, value: 168 }],
      ADMIN,
      alerts,
      "now",
    );
    expect((digest.message?.embeds ?? []).length).toBeGreaterThan(0);
    const classify = await command("classify", [
      {
        name: "text",
        type: 3,
        value: "Baerbock raised the mass detention of Uyghurs in Xinjiang with Wang Yi in Beijing.",
      },
    ]);
    const text = JSON.stringify(classify.message ?? {});
    expect(text).toMatch(/human-rights|Human rights/);
    expect(text).toMatch(/china|China/);
  }, 40_000);

  it("delivers a burst of 30 stories complete, in order, under a rate limit of one message per 1.5 s", async () => {
    const before = titles(emu.messages(alerts)).length;
    const burst = Array.from({ length: 30 }, (_, i) => climate(`burst-${i}`, i));
    publish(burst);
    await until("the burst", () => titles(emu.messages(alerts)).length >= before + 30, 60_000, bot);
    const got = titles(emu.messages(alerts)).slice(before);
    expect(got).toEqual(burst.map((b) => b.title));
  }, 70_000);

  it("neither loses nor repeats alerts when killed mid-burst and restarted", async () => {
    const before = titles(emu.messages(alerts)).length;
    const burst = Array.from({ length: 30 }, (_, i) => climate(`crash-${i}`, 100 + i));
    publish(burst);
    await until(
      "the burst to start",
      () => titles(emu.messages(alerts)).length > before,
      30_000,
      bot,
    );
    await bot.kill("SIGKILL");
    // Killed mid-burst: some of it is out, some is not.
    const atKill = titles(emu.messages(alerts)).length - before;
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(30);
    bot.start();
    await until(
      "the rest after the restart",
      () => titles(emu.messages(alerts)).length >= before + 30,
      60_000,
      bot,
    );
    await new Promise((r) => setTimeout(r, 2500));
    const got = titles(emu.messages(alerts)).slice(before);
    expect(got.sort()).toEqual(burst.map((b) => b.title).sort());
  }, 90_000);

  it("loses nothing in a 10 s Discord outage", async () => {
    const before = titles(emu.messages(alerts)).length;
    emu.setOutage(true);
    const during = [climate("outage-1", 201), climate("outage-2", 202), climate("outage-3", 203)];
    publish(during);
    await new Promise((r) => setTimeout(r, 10_000));
    emu.setOutage(false);
    await until(
      "delivery after the outage",
      () => titles(emu.messages(alerts)).length >= before + 3,
      45_000,
      bot,
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(titles(emu.messages(alerts)).slice(before)).toEqual(during.map((d) => d.title));
  }, 80_000);

  it("disables the subscriptions of a deleted channel", async () => {
    await command("subscribe", [
      { name: "topic", type: 3, value: "humanitarian" },
      { name: "channel", type: 7, value: doomed },
    ]);
    emu.deleteChannel(doomed);
    const deadline = Date.now() + 15_000;
    let listing = "";
    while (Date.now() < deadline) {
      const answer = await command("subscriptions");
      listing = JSON.stringify(answer.message ?? {});
      if (/deleted/.test(listing)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(listing).toMatch(/disabled/i);
    expect(listing).toMatch(/deleted/);
    publish([
      {
        id: "aid-1",
        title: "Aid convoys reach Darfur",
        text: "Humanitarian aid convoys reached Darfur as famine spread.",
      },
    ]);
    await new Promise((r) => setTimeout(r, 3000));
    expect(emu.messages(doomed)).toHaveLength(0);
  }, 40_000);
});
