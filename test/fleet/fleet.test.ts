/**
 * The fleet: three `npm start` processes (two with ROLE=worker) share one real Redis, the Discord
 * emulator and a local feed server with many feeds. Asserted: each feed is fetched at most once
 * per poll tick and in every tick (counted by the feed server); every new story is alerted exactly
 * once in every subscribed channel; `kill -9` of a worker mid-cycle loses none and doubles none.
 * Sizes: FLEET_FEEDS, FLEET_STORIES, FLEET_CHANNELS (defaults 200, 100, 4); FLEET_TICK_SEC.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage, type Storage } from "../../src/store/open.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { DiscordEmulator } from "../discord-emulator/index.js";
import { BotProcess, TEST_TOKEN, until } from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { serviceAvailable } from "../helpers/services.js";

const REDIS = "redis://127.0.0.1:6379";
const FEEDS = Number(process.env.FLEET_FEEDS ?? 200);
const STORIES = Number(process.env.FLEET_STORIES ?? 100);
const CHANNELS = Number(process.env.FLEET_CHANNELS ?? 4);
/**
 * The poll schedule: every 3 s, or 10 s for more than 300 feeds (a divisor of 60, so ticks fall
 * on multiples of it since the epoch). A feed may be polled again 1 s after its last poll, so a
 * cycle must fetch every feed within TICK - 1 s of its tick for each to be due at the next.
 */
const TICK_SEC = Number(process.env.FLEET_TICK_SEC ?? (FEEDS > 300 ? 10 : 3));
const TICK_MS = TICK_SEC * 1000;
const redisUp = await serviceAvailable("Redis", 6379);

interface Item {
  id: string;
  title: string;
  text: string;
}

const PLACES = [
  "Nairobi",
  "Lima",
  "Oslo",
  "Dhaka",
  "Quito",
  "Hanoi",
  "Accra",
  "Suva",
  "Bonn",
  "Baku",
];

/** A climate story no other story shares a title, link or wording with. */
function climateStory(n: number): Item {
  const place = PLACES[n % PLACES.length];
  return {
    id: `s${n}`,
    title: `Climate envoy ${n} in ${place} presses for emissions cuts before COP31`,
    text: `Negotiators met in ${place} on climate finance and emissions targets (report ${n}). Delegates said the 1.5-degree goal of the Paris Agreement was at stake for the climate summit.`,
  };
}

function rss(feed: number, items: Item[]): string {
  const body = items
    .map(
      (it, i) =>
        `<item><title>${it.title}</title><link>https://news.example.org/${it.id}</link><guid>urn:fleet:${it.id}</guid><pubDate>${new Date(Date.UTC(2026, 10, 28, 8, i)).toUTCString()}</pubDate><description>${it.text}</description></item>`,
    )
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire ${feed}</title><link>https://news.example.org/</link>${body}</channel></rss>`;
}

const titles = (emu: DiscordEmulator, channelId: string): string[] =>
  emu
    .messages(channelId)
    .flatMap((m) => (m.embeds ?? []).map((e) => String((e as { title?: string }).title ?? "")));

describe.skipIf(!redisUp)("a fleet of three processes on one Redis", () => {
  const dir = mkdtempSync(join(tmpdir(), "fd-fleet-"));
  const namespace = `fdtest-fleet-${process.pid}-${randomUUID().slice(0, 8)}`;
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let storage: Storage;
  const bots: BotProcess[] = [];
  const channels: string[] = [];
  const items = new Map<number, Item[]>();

  const publish = (feed: number, more: Item[]) => {
    const list = [...(items.get(feed) ?? []), ...more];
    items.set(feed, list);
    feeds.route(`/f/${feed}.xml`, serve(rss(feed, list), { contentType: "application/rss+xml" }));
  };

  beforeAll(async () => {
    emu = await DiscordEmulator.start({
      token: TEST_TOKEN,
      rateLimit: { perChannel: 50, windowMs: 1000 },
    });
    // A German server: workers, which have no gateway, must still speak German to it.
    const guild = emu.addGuild({
      name: "Fleet newsroom",
      preferredLocale: "de",
      channels: Array.from({ length: CHANNELS }, (_, i) => ({ name: `alerts-${i}` })),
    });
    for (let i = 0; i < CHANNELS; i++) channels.push(guild.channelId(`alerts-${i}`));
    feeds = await FeedServer.start();
    for (let f = 0; f < FEEDS; f++) {
      // A backlog story per feed: taken in silently on the first poll.
      publish(f, [
        { id: `old-${f}`, title: `Old wire ${f}`, text: "Trade ministers met at the WTO." },
      ]);
    }
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(
      feedsFile,
      JSON.stringify(
        Array.from({ length: FEEDS }, (_, f) => ({
          name: `Wire ${f}`,
          url: feeds.url(`/f/${f}.xml`),
          language: "en",
        })),
      ),
    );
    storage = await openStorage(REDIS, { namespace });
    const subscriptions = new SubscriptionStore(storage.kv);
    await subscriptions.load();
    for (const channelId of channels) {
      await subscriptions.upsert({
        guildId: guild.id,
        channelId,
        topic: "climate",
        minScore: 0,
        keywords: [],
        createdBy: "500000000000000001",
        createdAt: Date.now() - 60_000,
        status: "active",
        alertsSent: 0,
      });
    }
    const env = (role: "all" | "worker"): NodeJS.ProcessEnv => ({
      ...process.env,
      ROLE: role,
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: emu.apiUrl,
      FEEDS_FILE: feedsFile,
      STORAGE_URL: REDIS,
      STORAGE_NAMESPACE: namespace,
      QUEUE_LOCK_SEC: "3",
      ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
      POLL_SCHEDULE: `*/${TICK_SEC} * * * * *`,
      FEED_MIN_INTERVAL_SEC: "1",
      FETCH_PER_HOST: "16",
      ALERTS_PER_CHANNEL_HOUR: "1000",
      CLUSTERING: "off",
      LOG_LEVEL: "info",
      LOG_FORMAT: "json",
    });
    bots.push(
      new BotProcess(env("all")),
      new BotProcess(env("worker")),
      new BotProcess(env("worker")),
    );
    for (const bot of bots) bot.start();
    await until("the gateway process to be ready", () => bots[0]?.ready === true, 40_000, bots[0]);
    for (const bot of bots.slice(1)) {
      await until("a worker to start", () => bot.output.includes("worker started"), 40_000, bot);
    }
    // The first poll of every feed takes in its backlog.
    await until(
      "every feed's first poll",
      () =>
        Array.from({ length: FEEDS }, (_, f) => f).every(
          (f) => feeds.requestsTo(`/f/${f}.xml`).length > 0,
        ),
      20_000,
      bots[0],
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.kill("SIGKILL")));
    await feeds?.close();
    await emu?.stop();
    await storage?.close();
    // Everything this run wrote: the store's namespace and the queues' prefix.
    const redis = new Redis(REDIS);
    for (const pattern of [`${namespace}:*`, `${namespace}-q:*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== "0");
    }
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(
    "fetches each feed once per tick, and in every tick, across the three processes",
    async () => {
      const from = Math.ceil(Date.now() / TICK_MS) * TICK_MS + TICK_MS;
      const to = from + 3 * TICK_MS;
      await new Promise((r) => setTimeout(r, to - Date.now() + 500));
      const perTick = new Map<string, number>();
      for (const req of feeds.requests) {
        if (req.at < from || req.at >= to) continue;
        const key = `${req.path}@${Math.floor(req.at / TICK_MS)}`;
        perTick.set(key, (perTick.get(key) ?? 0) + 1);
      }
      // How long each tick took the fleet, first fetch to last (the figure the notes quote).
      const spans = new Map<number, [number, number]>();
      for (const req of feeds.requests) {
        if (req.at < from || req.at >= to) continue;
        const tick = Math.floor(req.at / TICK_MS);
        const [first, last] = spans.get(tick) ?? [req.at, req.at];
        spans.set(tick, [Math.min(first, req.at), Math.max(last, req.at)]);
      }
      process.stderr.write(
        `fleet: ${FEEDS} feeds, tick ${TICK_SEC} s, cycle spans (ms): ${[...spans.values()].map(([a, b]) => b - a).join(", ")}\n`,
      );
      const doubled = [...perTick].filter(([, n]) => n > 1);
      expect(doubled).toEqual([]);
      // Three ticks in the window: every feed in each.
      expect(perTick.size).toBe(FEEDS * 3);
      // And the work was shared: each job records the process that ran it.
      const queue = new Queue("fetch", { connection: { url: REDIS }, prefix: `${namespace}-q` });
      const done = await queue.getCompleted(0, 5000);
      await queue.close();
      const pids = new Set(done.map((j) => j.processedBy?.split(":").at(-1)));
      expect([...pids].sort()).toEqual(bots.map((b) => String(b.child?.pid)).sort());
    },
    6 * TICK_MS + 15_000,
  );

  it("alerts every new story once in every channel, through a kill -9 of a worker mid-cycle", async () => {
    // Stories spread over the feeds, published in one go: one cycle takes them all in.
    for (let n = 0; n < STORIES; n++) publish(n % FEEDS, [climateStory(n)]);
    const expected = STORIES * CHANNELS;
    const total = () => channels.reduce((sum, c) => sum + titles(emu, c).length, 0);
    // Strike while alerts are under way.
    await until("the first alerts", () => total() > 0, 20_000, bots[1]);
    const victim = bots[1] as BotProcess;
    process.kill(-(victim.child?.pid as number), "SIGKILL");
    const killedAt = total();
    const struck = Date.now();
    await until(`all ${expected} alerts`, () => total() >= expected, 45_000, bots[2]);
    process.stderr.write(
      `fleet: ${expected} alerts (${STORIES} stories × ${CHANNELS} channels), ${killedAt} before the kill, all in ${Date.now() - struck} ms after it\n`,
    );
    // Anything doubled would have arrived by now (a stalled job is retried after its 3 s lock).
    await new Promise((r) => setTimeout(r, 5000));
    for (const channelId of channels) {
      const seen = titles(emu, channelId);
      expect(new Set(seen).size).toBe(STORIES);
      expect(seen).toHaveLength(STORIES);
      // Whichever process posted it, each alert is in the server's language.
      for (const m of emu.messages(channelId)) {
        expect(JSON.stringify(m.components)).toContain("Mehr davon");
      }
    }
    expect(killedAt).toBeLessThan(expected);
    const stalled = bots.map((b) => b.output.split("job stalled").length - 1);
    process.stderr.write(
      `fleet: jobs of the killed worker found stalled and requeued: ${(stalled[0] ?? 0) + (stalled[2] ?? 0)}\n`,
    );
  }, 90_000);

  it("stops a worker cleanly on SIGTERM", async () => {
    const worker = bots[2] as BotProcess;
    expect(await worker.kill("SIGTERM")).toBe(0);
    expect(worker.output).toContain("queue workers stopped");
  }, 30_000);
});
