/**
 * The fleet: three `npm start` processes (two with ROLE=worker) share one real Redis, the Discord
 * emulator and a local feed server with many feeds. Asserted: each feed is fetched at most once
 * per poll tick and in every tick (counted by the feed server); a Redis stopped for 10 s and
 * restarted is recovered by every process without help (one outage line with its cause and one
 * recovery line each, slash commands answered "storage unavailable" within 3 s meanwhile, the
 * stories published during it alerted once afterwards); every new story is alerted exactly once
 * in every subscribed channel; `kill -9` of a worker mid-cycle loses none and doubles none.
 * The Redis is the test's own (test/helpers/redis-server.ts, persistence on), never the shared one.
 * Sizes: FLEET_FEEDS, FLEET_STORIES, FLEET_CHANNELS (defaults 1000, 500, 4); FLEET_TICK_SEC;
 * FLEET_OUTAGE_SEC (10).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage, type Storage } from "../../src/store/open.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { DiscordEmulator } from "../discord-emulator/index.js";
import { BotProcess, TEST_TOKEN, until } from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { PrivateRedis } from "../helpers/redis-server.js";

const FEEDS = Number(process.env.FLEET_FEEDS ?? 1000);
const STORIES = Number(process.env.FLEET_STORIES ?? 500);
const CHANNELS = Number(process.env.FLEET_CHANNELS ?? 4);
/**
 * The poll schedule: every 3 s, or 10 s for more than 300 feeds (a divisor of 60, so ticks fall
 * on multiples of it since the epoch). A feed may be polled again 1 s after its last poll, so a
 * cycle must fetch every feed within TICK - 1 s of its tick for each to be due at the next.
 */
const TICK_SEC = Number(process.env.FLEET_TICK_SEC ?? (FEEDS > 300 ? 10 : 3));
const TICK_MS = TICK_SEC * 1000;
const OUTAGE_MS = Number(process.env.FLEET_OUTAGE_SEC ?? 10) * 1000;
/** Stories published while Redis is down, one per feed from the first. */
const OUTAGE_STORIES = Math.min(20, FEEDS);
// The fleet's own Redis, which the outage step stops: undefined (skipped, loudly) without one.
const redis = await PrivateRedis.start();
const STORAGE_UNAVAILABLE = "Storage is unavailable right now; try again in a minute.";
/** A member with Manage Server, who may run /subscribe. */
const ADMIN_ID = "500000000000000001";
const MANAGE_GUILD = 1n << 5n;

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
function climateStory(n: number, who = "Climate envoy"): Item {
  const place = PLACES[n % PLACES.length];
  return {
    id: `${who === "Climate envoy" ? "s" : "o"}${n}`,
    title: `${who} ${n} in ${place} presses for emissions cuts before COP31`,
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

/** The alert titles in a channel, those starting with `prefix` (all by default). */
const titles = (emu: DiscordEmulator, channelId: string, prefix = ""): string[] =>
  emu
    .messages(channelId)
    .flatMap((m) => (m.embeds ?? []).map((e) => String((e as { title?: string }).title ?? "")))
    .filter((t) => t.startsWith(prefix));

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A process's log from `offset` on: its JSON records, and any line that is not one (node-cron's). */
function logSince(bot: BotProcess, offset: number): { records: LogLine[]; other: string[] } {
  const records: LogLine[] = [];
  const other: string[] = [];
  for (const line of bot.output.slice(offset).split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as LogLine);
    } catch {
      other.push(line);
    }
  }
  return { records, other };
}

const OUTAGE_LINE = "storage unavailable; polls and deliveries wait until it answers";
const RECOVERY_LINE = "storage available again";

describe.skipIf(!redis)("a fleet of three processes on one Redis", () => {
  const dir = mkdtempSync(join(tmpdir(), "fd-fleet-"));
  const namespace = `fdtest-fleet-${process.pid}-${randomUUID().slice(0, 8)}`;
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let storage: Storage;
  const REDIS = redis?.url ?? "";
  let guildId = "";
  const bots: BotProcess[] = [];
  const channels: string[] = [];
  const items = new Map<number, Item[]>();

  const publish = (feed: number, more: Item[]) => {
    const list = [...(items.get(feed) ?? []), ...more];
    items.set(feed, list);
    feeds.route(`/f/${feed}.xml`, serve(rss(feed, list), { contentType: "application/rss+xml" }));
  };

  /**
   * Waits out the next `ticks` whole ticks (from the one after the current) and counts the feed
   * server's requests in them per feed and tick; `spans` is how long each tick took the fleet,
   * first fetch to last.
   */
  const watchTicks = async (ticks: number) => {
    const from = Math.ceil(Date.now() / TICK_MS) * TICK_MS + TICK_MS;
    const to = from + ticks * TICK_MS;
    await new Promise((r) => setTimeout(r, to - Date.now() + 500));
    const perTick = new Map<string, number>();
    const byTick = new Map<number, [number, number]>();
    for (const req of feeds.requests) {
      if (req.at < from || req.at >= to) continue;
      const tick = Math.floor(req.at / TICK_MS);
      const key = `${req.path}@${tick}`;
      perTick.set(key, (perTick.get(key) ?? 0) + 1);
      const [first, last] = byTick.get(tick) ?? [req.at, req.at];
      byTick.set(tick, [Math.min(first, req.at), Math.max(last, req.at)]);
    }
    return { perTick, spans: [...byTick.values()].map(([a, b]) => b - a) };
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
    guildId = guild.id;
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
    // The Redis was this test's alone: its files go with it.
    await redis?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it(
    "fetches each feed once per tick, and in every tick, across the three processes",
    async () => {
      const { perTick, spans } = await watchTicks(3);
      process.stderr.write(
        `fleet: ${FEEDS} feeds, tick ${TICK_SEC} s, cycle spans (ms): ${spans.join(", ")}\n`,
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

  it(
    "recovers from a 10 s Redis stop by itself: one outage line and one recovery line per process, commands answered in time, nothing lost or doubled",
    async () => {
      const server = redis as PrivateRedis;
      const offsets = bots.map((b) => b.output.length);
      const stoppedAt = Date.now();
      await server.stop();
      const stopMs = Date.now() - stoppedAt;
      // Published while Redis is down: polled (and alerted) only once it is back.
      for (let n = 0; n < OUTAGE_STORIES; n++) publish(n, [climateStory(n, "Outage envoy")]);
      // Slash commands meanwhile, on the gateway process: one that writes (takes the fleet's
      // lock on Redis), one that reads storage. Each must get the notice within Discord's 3 s.
      await new Promise((r) => setTimeout(r, 1000));
      const answers: { name: string; ms: number; content: string | undefined }[] = [];
      for (const command of [
        { name: "subscribe", options: [{ name: "topic", type: 3, value: "china" }] },
        { name: "status", options: [] },
      ]) {
        const record = await emu.sendSlashCommand({
          guildId,
          channelId: channels[0] as string,
          userId: ADMIN_ID,
          permissions: MANAGE_GUILD,
          locale: "en-US",
          ...command,
        });
        const outcome = await record.waitForResponse(8000);
        const shown = outcome.message;
        // The emulator's clock: when the interaction went out, when its answer became visible.
        const visibleAt = Date.parse(shown?.edited_timestamp ?? shown?.timestamp ?? "");
        answers.push({
          name: command.name,
          ms: visibleAt - record.createdAt,
          content: shown?.content,
        });
      }
      process.stderr.write(
        `fleet outage: redis stopped in ${stopMs} ms; answers during it: ${answers.map((a) => `/${a.name} ${a.ms} ms`).join(", ")}\n`,
      );
      for (const a of answers) {
        expect(a.content, `/${a.name}`).toBe(STORAGE_UNAVAILABLE);
        expect(a.ms, `/${a.name}`).toBeLessThan(3000);
      }
      // Down for the whole outage, then back on the same port with its data (AOF).
      await new Promise((r) => setTimeout(r, stoppedAt + OUTAGE_MS - Date.now()));
      expect(bots.every((b) => b.child?.exitCode === null)).toBe(true);
      await server.restart();
      const restartedAt = Date.now();
      // Every process notices by itself (no restart, no signal).
      for (const [i, bot] of bots.entries()) {
        await until(
          `process ${i} to log its recovery`,
          () => logSince(bot, offsets[i] ?? 0).records.some((l) => l.msg === RECOVERY_LINE),
          30_000,
          bot,
        );
      }
      const recoveredMs = Date.now() - restartedAt;
      // The stories published meanwhile: once in every channel.
      const outageTotal = () =>
        channels.reduce((sum, c) => sum + titles(emu, c, "Outage envoy").length, 0);
      await until(
        "the outage's stories to be alerted",
        () => outageTotal() >= OUTAGE_STORIES * CHANNELS,
        45_000,
        bots[0],
      );
      const alertedMs = Date.now() - restartedAt;
      // Polling is back to once per feed per tick.
      const { perTick, spans } = await watchTicks(2);
      expect([...perTick].filter(([, n]) => n > 1)).toEqual([]);
      expect(perTick.size).toBe(FEEDS * 2);
      for (const channelId of channels) {
        const seen = titles(emu, channelId, "Outage envoy");
        expect(seen).toHaveLength(OUTAGE_STORIES);
        expect(new Set(seen).size).toBe(OUTAGE_STORIES);
      }
      // The log: the outage once with its cause, its end once, and nothing said once per tick
      // or per reconnection attempt.
      for (const [i, bot] of bots.entries()) {
        const { records, other } = logSince(bot, offsets[i] ?? 0);
        const down = records.filter((l) => l.msg === OUTAGE_LINE);
        expect(down, `process ${i}: outage lines`).toHaveLength(1);
        expect(JSON.stringify(down[0]?.err), `process ${i}: the cause`).toMatch(
          /ECONNREFUSED|ECONNRESET|closed|connect|offline/i,
        );
        expect(records.filter((l) => l.msg === RECOVERY_LINE)).toHaveLength(1);
        // Each command of the two above is one line (its own event), not an outage's repeat.
        const commandLines = records.filter(
          (l) => l.msg === "command failed" && l.reason === "storage-unavailable",
        );
        expect(commandLines).toHaveLength(i === 0 ? answers.length : 0);
        // The jobs under way at the stop are requeued at recovery: a line per burst, not per job.
        const bursts = records.filter((l) => l.level >= 40 && typeof l.count === "number");
        const burstLines = new Map<string, number>();
        for (const l of bursts) burstLines.set(l.msg, (burstLines.get(l.msg) ?? 0) + 1);
        for (const [msg, n] of burstLines) expect(n, `process ${i}: ${msg}`).toBeLessThanOrEqual(3);
        const loud = new Map<string, number>();
        const rest = records.filter(
          (r) => r.level >= 40 && !commandLines.includes(r) && !bursts.includes(r),
        );
        for (const l of rest) {
          const cause = (l.err as { message?: string } | undefined)?.message;
          // One line per job is a repeat too, whatever the job's id.
          const key = (cause ? `${l.msg}: ${cause.slice(0, 60)}` : l.msg).replace(
            /job \S+/g,
            "job <id>",
          );
          loud.set(key, (loud.get(key) ?? 0) + 1);
        }
        for (const line of other)
          loud.set(line.slice(0, 80), (loud.get(line.slice(0, 80)) ?? 0) + 1);
        process.stderr.write(
          `fleet outage: process ${i} said (warn and above, or unstructured): ${JSON.stringify([...loud])}; in bursts: ${JSON.stringify(bursts.map((l) => [l.msg.slice(0, 30), l.count]))}; recovery: ${JSON.stringify(records.filter((l) => /available again/.test(l.msg)).map(({ msg, outageMs, skippedPolls, skippedTicks }) => ({ msg, outageMs, skippedPolls, skippedTicks })))}\n`,
        );
        expect(
          [...loud].filter(([, n]) => n > 1),
          `process ${i}: lines repeated during the outage`,
        ).toEqual([]);
      }
      process.stderr.write(
        `fleet outage: ${OUTAGE_MS} ms down; every process recovered ${recoveredMs} ms after the restart; ${OUTAGE_STORIES * CHANNELS} outage alerts in ${alertedMs} ms; cycle spans after (ms): ${spans.join(", ")}\n`,
      );
    },
    OUTAGE_MS + 120_000,
  );

  it("alerts every new story once in every channel, through a kill -9 of a worker mid-cycle", async () => {
    // Stories spread over the feeds, published in one go: one cycle takes them all in.
    for (let n = 0; n < STORIES; n++) publish(n % FEEDS, [climateStory(n)]);
    const expected = STORIES * CHANNELS;
    const total = () =>
      channels.reduce((sum, c) => sum + titles(emu, c, "Climate envoy").length, 0);
    // Strike while alerts are under way.
    await until("the first alerts", () => total() > 0, 20_000, bots[1]);
    const victim = bots[1] as BotProcess;
    const killOffsets = [bots[0], bots[2]].map((b) => b?.output.length ?? 0);
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
      const seen = titles(emu, channelId, "Climate envoy");
      expect(new Set(seen).size).toBe(STORIES);
      expect(seen).toHaveLength(STORIES);
      // Whichever process posted it, each alert is in the server's language.
      for (const m of emu.messages(channelId)) {
        expect(JSON.stringify(m.components)).toContain("Mehr davon");
      }
    }
    expect(killedAt).toBeLessThan(expected);
    // One line per burst of stalled jobs, with their count.
    const stalled = [bots[0], bots[2]].flatMap((b, i) =>
      logSince(b as BotProcess, killOffsets[i] ?? 0).records.filter((l) =>
        l.msg.startsWith("jobs stalled"),
      ),
    );
    const requeued = stalled.reduce((n, l) => n + Number(l.count), 0);
    expect(requeued).toBeGreaterThan(0);
    process.stderr.write(
      `fleet: jobs of the killed worker found stalled and requeued: ${requeued} (in ${stalled.length} log lines)\n`,
    );
  }, 90_000);

  it("stops a worker cleanly on SIGTERM", async () => {
    const worker = bots[2] as BotProcess;
    expect(await worker.kill("SIGTERM")).toBe(0);
    expect(worker.output).toContain("queue workers stopped");
  }, 30_000);
});
