/**
 * `npm start` with METRICS_PORT against the Discord emulator: the wiring in src/discord/run.ts
 * (sender, sink, queue gauges, discord.js's REST) counts what the bot does, scraped over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator, type EmulatedMessage } from "../discord-emulator/index.js";
import { BotProcess, COMMAND_COUNT, TEST_TOKEN, until } from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { parseScrape, type Scrape, sample } from "./scrape.js";

const ADMIN = "500000000000000001";
const dir = mkdtempSync(join(tmpdir(), "fd-metrics-process-"));

function rss(ids: number[]): string {
  const items = ids
    .map(
      (n) => `<item><title>Climate talks round ${n}: negotiators weigh emissions cuts</title>
<link>https://news.example.org/round-${n}</link><guid>urn:mp:${n}</guid>
<pubDate>${new Date(Date.UTC(2026, 10, 28, 8, n)).toUTCString()}</pubDate>
<description>Negotiators at the COP31 climate summit discussed emissions targets and climate finance in round ${n}. Delegates said the 1.5-degree goal of the Paris Agreement was at stake.</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://news.example.org/</link>${items}</channel></rss>`;
}

const embeds = (messages: EmulatedMessage[]) =>
  messages.reduce((n, m) => n + (m.embeds?.length ?? 0), 0);

describe("the bot process serves /metrics", () => {
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let bot: BotProcess;
  let alerts = "";
  let base = "";

  const scrape = async (): Promise<Scrape> => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    return parseScrape(await res.text());
  };

  beforeAll(async () => {
    // One post per channel per 3 s and no X-RateLimit headers: a second alert soon after the
    // first meets a real 429.
    emu = await DiscordEmulator.start({
      token: TEST_TOKEN,
      rateLimit: { perChannel: 1, windowMs: 3000, sendHeaders: false },
    });
    const guild = emu.addGuild({ name: "Newsroom", channels: [{ name: "alerts" }] });
    alerts = guild.channelId("alerts");
    emu.addMember(
      guild.id,
      { id: ADMIN, username: "editor" },
      PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages,
    );
    feeds = await FeedServer.start();
    feeds.route("/wire.xml", serve(rss([1]), { contentType: "application/rss+xml" }));
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(feedsFile, JSON.stringify([{ name: "Wire", url: feeds.url("/wire.xml") }]));
    bot = new BotProcess({
      ...process.env,
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: emu.apiUrl,
      FEEDS_FILE: feedsFile,
      STORAGE_URL: `sqlite://${join(dir, "bot.sqlite")}`,
      ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
      POLL_SCHEDULE: "* * * * * *",
      FEED_MIN_INTERVAL_SEC: "1",
      ALERTS_PER_CHANNEL_HOUR: "200",
      CLUSTERING: "off",
      METRICS_PORT: "0",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    });
    bot.start();
    await until("the metrics endpoint", () => bot.output.includes("metrics endpoint"), 30_000, bot);
    const line = bot.output.split("\n").find((l) => l.includes("metrics endpoint listening"));
    const { host, port } = JSON.parse(line ?? "{}") as { host?: string; port?: number };
    expect(host).toBe("127.0.0.1");
    base = `http://127.0.0.1:${port}`;
    await until("commands", () => emu.commands().length === COMMAND_COUNT, 30_000, bot);
    await until("the first poll", () => feeds.requestsTo("/wire.xml").length > 0, 10_000, bot);
    const answer = await (
      await emu.sendSlashCommand({
        guildId: guild.id,
        channelId: alerts,
        userId: ADMIN,
        name: "subscribe",
        options: [
          { name: "topic", type: 3, value: "climate" },
          { name: "channel", type: 7, value: alerts },
        ],
      })
    ).waitForResponse(15_000);
    expect(((answer.message?.flags as number | undefined) ?? 0) & 64).toBe(64);
  }, 90_000);

  afterAll(async () => {
    await bot?.kill("SIGTERM");
    await feeds?.close();
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("counts two alerts, the 429 between them, and their lag", async () => {
    feeds.route("/wire.xml", serve(rss([1, 2]), { contentType: "application/rss+xml" }));
    await until("the first alert", () => embeds(emu.messages(alerts)) >= 1, 20_000, bot);
    feeds.route("/wire.xml", serve(rss([1, 2, 3]), { contentType: "application/rss+xml" }));
    await until("the second alert", () => embeds(emu.messages(alerts)) >= 2, 20_000, bot);
    await new Promise((r) => setTimeout(r, 500));
    const m = await scrape();
    expect(sample(m, "foreigndesk_alerts_queued_total")).toBe(2);
    expect(sample(m, "foreigndesk_alerts_sent_total", { kind: "alerts" })).toBe(2);
    expect(sample(m, "foreigndesk_delivery_lag_seconds_count")).toBe(2);
    // The second alert followed the first inside the emulator's window.
    expect(emu.rateLimitHits(alerts)).toBeGreaterThanOrEqual(1);
    expect(sample(m, "foreigndesk_discord_rate_limited_total", { scope: "user" })).toBe(
      emu.rateLimitHits(alerts),
    );
    expect(sample(m, "foreigndesk_stories_stored_total")).toBe(3);
    // Every fetch the feed server saw, but for one whose cycle may still be under way.
    const polled = sample(m, "foreigndesk_feed_polls_total", { outcome: "ok", reason: "" }) ?? 0;
    const fetched = feeds.requestsTo("/wire.xml").length;
    expect(polled).toBeGreaterThanOrEqual(Math.max(3, fetched - 1));
    expect(polled).toBeLessThanOrEqual(fetched);
    expect(sample(m, "foreigndesk_delivery_channels", { state: "active" })).toBe(0);
    expect(sample(m, "foreigndesk_outbox_in_flight_stories")).toBe(0);
    expect(sample(m, "foreigndesk_nodejs_eventloop_lag_p99_seconds")).toBeGreaterThan(0);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
  }, 60_000);
});
