/**
 * `npm run start:sharded` with SHARD_COUNT=2 against the Discord emulator (which shards as Discord
 * does), the shared Redis (a namespace of its own) and a local feed server. Two servers fall on
 * different shards. Asserted: each shard identifies with its own [id, 2]; a slash command in
 * each server reaches the shard holding it and is answered; a new story is alerted once in each
 * server (in the German server's language, whichever shard's process posted it); a digest slot
 * caught up at start, and one falling due while both shards run, are each posted once, not once
 * per shard; a killed shard is started again; SIGTERM stops everything with exit code 0.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScheduleStore } from "../../src/digest/schedule-store.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { openStorage, type Storage } from "../../src/store/open.js";
import { StoryStore } from "../../src/store/stories.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import {
  DiscordEmulator,
  type EmulatedGuild,
  snowflakeOnShard,
} from "../discord-emulator/index.js";
import { BotProcess, TEST_TOKEN, until } from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { deleteKeys } from "../helpers/redis-keys.js";
import { serviceAvailable } from "../helpers/services.js";

const REDIS = "redis://127.0.0.1:6379";
const redisUp = await serviceAvailable("Redis", 6379);
const MIN = 60_000;
const USER = { id: "400000000000000009", username: "editor" };

interface Item {
  id: string;
  title: string;
  text: string;
}

function rss(items: Item[]): string {
  const body = items
    .map(
      (it, i) =>
        `<item><title>${it.title}</title><link>https://news.example.org/${it.id}</link><guid>urn:shard:${it.id}</guid><pubDate>${new Date(Date.UTC(2026, 10, 28, 8, i)).toUTCString()}</pubDate><description>${it.text}</description></item>`,
    )
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://news.example.org/</link>${body}</channel></rss>`;
}

/** The JSON log lines of the manager and its shards (they share its stdout). */
function lines(bot: BotProcess): Array<Record<string, unknown>> {
  return bot.output.split("\n").flatMap((l) => {
    if (!l.startsWith("{")) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

const count = (bot: BotProcess, msg: string) => lines(bot).filter((l) => l.msg === msg).length;

const alertTitles = (emu: DiscordEmulator, channelId: string): string[] =>
  emu
    .messages(channelId)
    .flatMap((m) => (m.embeds ?? []).map((e) => String((e as { title?: string }).title ?? "")));

describe.skipIf(!redisUp)("npm run start:sharded with two shards", () => {
  const dir = mkdtempSync(join(tmpdir(), "fd-shards-"));
  const namespace = `fdtest-shards-${process.pid}-${randomUUID().slice(0, 8)}`;
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let storage: Storage;
  let bot: BotProcess;
  let english: EmulatedGuild;
  let german: EmulatedGuild;
  /** The minute the second digest falls due, with both shards running by then. */
  let liveSlot = 0;
  let readyAt = 0;
  const items: Item[] = [{ id: "old", title: "Old wire", text: "Trade ministers met at the WTO." }];
  const publish = () =>
    feeds.route("/wire.xml", serve(rss(items), { contentType: "application/rss+xml" }));

  beforeAll(async () => {
    emu = await DiscordEmulator.start({
      token: TEST_TOKEN,
      shards: 2,
      rateLimit: { perChannel: 50, windowMs: 1000 },
    });
    english = emu.addGuild({
      id: snowflakeOnShard(0, 2),
      name: "Desk on shard 0",
      channels: [{ name: "alerts" }, { name: "digest" }, { name: "digest-live" }],
    });
    german = emu.addGuild({
      id: snowflakeOnShard(1, 2),
      name: "Redaktion auf Shard 1",
      preferredLocale: "de",
      channels: [{ name: "alerts" }],
    });
    for (const g of [english, german]) emu.addMember(g.id, USER);
    feeds = await FeedServer.start();
    publish();
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(
      feedsFile,
      JSON.stringify([{ name: "Wire", url: feeds.url("/wire.xml"), language: "en" }]),
    );

    storage = await openStorage(REDIS, { namespace });
    const subscriptions = new SubscriptionStore(storage.kv);
    await subscriptions.load();
    for (const g of [english, german]) {
      await subscriptions.upsert({
        guildId: g.id,
        channelId: g.channelId("alerts"),
        topic: "climate",
        minScore: 0,
        keywords: [],
        createdBy: USER.id,
        createdAt: Date.now() - MIN,
        status: "active",
        alertsSent: 0,
      });
    }
    // Two daily digests: one whose slot passed two minutes ago, which each shard's start
    // considers (the catch-up), and one due at a minute when both shards run, when the cron of
    // every shard that armed it fires at once. Only the shard holding the server may post.
    const now = Date.now();
    liveSlot = Math.ceil((now + 60_000) / MIN) * MIN;
    const schedules = new ScheduleStore(storage.kv, pino({ level: "silent" }));
    for (const [channel, at] of [
      ["digest", Math.floor((now - 2 * MIN) / MIN) * MIN],
      ["digest-live", liveSlot],
    ] as const) {
      const slot = new Date(at);
      await schedules.add({
        guildId: english.id,
        channelId: english.channelId(channel),
        hour: slot.getUTCHours(),
        minute: slot.getUTCMinutes(),
        timezone: "UTC",
        every: "day",
        createdBy: USER.id,
        createdAt: now - 5 * MIN,
      });
    }
    const seen = new Date(now - 10 * MIN).toISOString();
    const story: TaggedStory = {
      id: "digest-story",
      feedId: "earlier",
      feedName: "Earlier Wire",
      title: "Envoys agree on a climate finance roadmap",
      text: "Envoys agree on a climate finance roadmap.",
      url: "https://earlier.example/1",
      publishedAt: seen,
      publishedEstimated: false,
      firstSeenAt: seen,
      categories: [],
      topics: [{ id: "climate", score: 0.9, evidence: [] }],
      countries: [],
      language: "en",
      summary: "A roadmap for climate finance.",
    };
    await new StoryStore(storage.kv, 30 * 86_400_000).put([story]);

    bot = new BotProcess(
      {
        ...process.env,
        SHARD_COUNT: "2",
        DISCORD_TOKEN: TEST_TOKEN,
        DISCORD_API_URL: emu.apiUrl,
        FEEDS_FILE: feedsFile,
        STORAGE_URL: REDIS,
        STORAGE_NAMESPACE: namespace,
        QUEUE_LOCK_SEC: "3",
        ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
        POLL_SCHEDULE: "*/2 * * * * *",
        FEED_MIN_INTERVAL_SEC: "1",
        ALERTS_PER_CHANNEL_HOUR: "1000",
        CLUSTERING: "off",
        WORKERS: "0",
        LOG_LEVEL: "info",
        LOG_FORMAT: "json",
      },
      "src/sharded.ts",
    );
    bot.start();
    await until(
      "both shards to be ready",
      () =>
        bot.output.includes("slash commands in place") &&
        bot.output.includes("shard ready; slash commands are registered by shard 0"),
      150_000,
      bot,
    );
    readyAt = Date.now();
    await until("the first poll", () => feeds.requestsTo("/wire.xml").length > 0, 20_000, bot);
  }, 180_000);

  afterAll(async () => {
    await bot?.kill("SIGKILL");
    await feeds?.close();
    await emu?.stop();
    await storage?.close();
    const redis = new Redis(REDIS);
    await deleteKeys(redis, [`${namespace}:*`, `${namespace}-q:*`]);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("identifies one session per shard, each with its [id, 2], holding its own server", () => {
    const identified = emu.gatewayFrames
      .filter((f) => f.op === 2)
      .map((f) => (f.d as { shard?: unknown }).shard);
    expect(identified).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(emu.gatewaySessions.filter((s) => s.live).map((s) => s.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // The commands were registered once, by shard 0.
    expect(count(bot, "slash commands in place")).toBe(1);
  });

  it("answers a slash command in each server from the shard holding it", async () => {
    for (const [guild, shard] of [
      [english, 0],
      [german, 1],
    ] as const) {
      const record = await emu.sendSlashCommand({
        name: "topics",
        guildId: guild.id,
        channelId: guild.channelId("alerts"),
        userId: USER.id,
      });
      expect(record.deliveredTo).toEqual([[shard, 2]]);
      const outcome = await record.waitForResponse(10_000);
      expect(outcome).toBeTruthy();
      expect(record.callbacks.length).toBe(1);
    }
  }, 30_000);

  it("alerts a new story once in each server's channel, in that server's language", async () => {
    items.push({
      id: "new",
      title: "Climate envoys in Nairobi press for emissions cuts before COP31",
      text: "Negotiators met in Nairobi on climate finance and emissions targets. Delegates said the 1.5-degree goal of the Paris Agreement was at stake for the climate summit.",
    });
    publish();
    const channels = [english.channelId("alerts"), german.channelId("alerts")];
    await until(
      "the alert in both servers",
      () => channels.every((c) => alertTitles(emu, c).length > 0),
      30_000,
      bot,
    );
    // Several ticks more: anything doubled (by the other shard) would have arrived.
    await new Promise((r) => setTimeout(r, 6000));
    for (const c of channels) {
      expect(alertTitles(emu, c)).toEqual([
        "Climate envoys in Nairobi press for emissions cuts before COP31",
      ]);
    }
    expect(JSON.stringify(emu.messages(german.channelId("alerts"))[0]?.components)).toContain(
      "Mehr davon",
    );
    expect(JSON.stringify(emu.messages(english.channelId("alerts"))[0]?.components)).toContain(
      "More like this",
    );
  }, 60_000);

  it("posts each digest slot once, not once per shard: caught up at start, and live", async () => {
    if (readyAt > liveSlot) {
      process.stderr.write("sharding: the shards were ready only after the live digest slot\n");
    }
    await new Promise((r) => setTimeout(r, Math.max(0, liveSlot - Date.now())));
    const channels = [english.channelId("digest"), english.channelId("digest-live")];
    await until(
      "both digests",
      () => channels.every((c) => emu.messages(c).length > 0),
      20_000,
      bot,
    );
    // A second post by the other shard would have been tried by now.
    await new Promise((r) => setTimeout(r, 4000));
    expect(count(bot, "digest posted")).toBe(2);
    for (const c of channels) {
      const posts = emu.requests.filter(
        (r) => r.method === "POST" && r.path === `/channels/${c}/messages`,
      );
      expect(posts).toHaveLength(1);
      expect(emu.messages(c)).toHaveLength(1);
    }
  }, 120_000);

  it("starts a killed shard again, which identifies as the same shard", async () => {
    const started = lines(bot).filter((l) => l.msg === "shard started" && l.shard === 1);
    const pid = Number(started.at(-1)?.pid);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    await until(
      "shard 1 to be started again",
      () => lines(bot).filter((l) => l.msg === "shard started" && l.shard === 1).length === 2,
      20_000,
      bot,
    );
    expect(count(bot, "shard exited; starting it again")).toBe(1);
    await until(
      "shard 1 to identify again",
      () =>
        emu.gatewayFrames.filter(
          (f) => f.op === 2 && JSON.stringify((f.d as { shard?: unknown }).shard) === "[1,2]",
        ).length === 2,
      120_000,
      bot,
    );
    await until(
      "shard 1 to hold its server again",
      () => emu.gatewaySessions.some((s) => s.live && s.shard[0] === 1),
      20_000,
      bot,
    );
    const record = await emu.sendSlashCommand({
      name: "topics",
      guildId: german.id,
      channelId: german.channelId("alerts"),
      userId: USER.id,
    });
    expect(record.deliveredTo).toContainEqual([1, 2]);
    await record.waitForResponse(15_000);
  }, 180_000);

  it("stops every shard cleanly on SIGTERM", async () => {
    expect(await bot.kill("SIGTERM")).toBe(0);
    expect(bot.output).toContain("every shard stopped");
    expect(count(bot, "queue workers stopped")).toBe(2);
  }, 40_000);
});
