/**
 * The metrics endpoint end to end: a real poll of a local feed server through createApp, alerts
 * through the durable outbox and the real discord.js REST client into the Discord emulator, and
 * /metrics scraped over HTTP on loopback. Counters must move by exactly what happened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REST } from "discord.js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadEnvConfig } from "../../src/config/env.js";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import { Outbox } from "../../src/deliver/outbox.js";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { DeliverySender } from "../../src/deliver/sender.js";
import type { FeedSource } from "../../src/feeds/types.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { sub } from "../deliver/fixtures.js";
import { DiscordEmulator } from "../discord-emulator/index.js";
import { FeedServer, serve, status } from "../helpers/feed-server.js";
import { parseScrape, sample } from "./scrape.js";

const silent = pino({ level: "silent" });
const dir = mkdtempSync(join(tmpdir(), "fd-metrics-"));

interface Item {
  id: string;
  n: number;
}

function rss(feed: string, items: Item[]): string {
  const body = items
    .map(
      ({
        id,
        n,
      }) => `<item><title>${feed} climate talks round ${n}: negotiators weigh emissions cuts</title>
<link>https://news.example.org/${feed}/${id}</link><guid>urn:metrics:${feed}:${id}</guid>
<pubDate>${new Date(Date.UTC(2026, 10, 28, 8, n)).toUTCString()}</pubDate>
<description>Negotiators at the COP31 climate summit discussed emissions targets and climate finance in round ${n} (${feed}). Delegates said the 1.5-degree goal of the Paris Agreement was at stake.</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${feed}</title><link>https://news.example.org/</link>${body}</channel></rss>`;
}

describe("metrics over HTTP after a real poll and delivery", () => {
  let feeds: FeedServer;
  let emu: DiscordEmulator;
  let rest: REST;
  let app: App;
  let sender: DeliverySender;
  let channelId = "";
  const clock = { offset: 0, now: () => Date.now() + clock.offset };
  const items: Record<string, Item[]> = {
    a: [
      { id: "1", n: 1 },
      { id: "2", n: 2 },
    ],
    b: [
      { id: "1", n: 3 },
      { id: "2", n: 4 },
    ],
    c: [
      { id: "1", n: 5 },
      { id: "2", n: 6 },
    ],
  };
  const publish = () => {
    for (const [name, list] of Object.entries(items)) {
      feeds.route(`/${name}.xml`, serve(rss(name, list), { contentType: "application/rss+xml" }));
    }
  };
  let sources: FeedSource[] = [];

  const scrape = async () => {
    const server = app.metricsServer;
    if (!server) throw new Error("no metrics server");
    const res = await fetch(server.url("/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    return parseScrape(await res.text());
  };
  const embedsPosted = () =>
    emu.messages(channelId).reduce((n, m) => n + (m.embeds?.length ?? 0), 0);
  const settled = async (embeds: number) => {
    const end = Date.now() + 15_000;
    while (embedsPosted() < embeds || !sender.idle) {
      if (Date.now() > end) throw new Error(`timed out: ${embedsPosted()} of ${embeds} embeds`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    feeds = await FeedServer.start();
    publish();
    feeds.route("/gone.xml", status(404));
    sources = ["a", "b", "c", "gone"].map((name) => ({
      id: name,
      name,
      url: feeds.url(`/${name}.xml`),
      origin: "operator" as const,
    }));
    // One post per channel per 2 s, without X-RateLimit headers: a second post inside the window
    // gets a real 429, which discord.js waits out and retries.
    emu = await DiscordEmulator.start({
      rateLimit: { perChannel: 1, windowMs: 2000, sendHeaders: false },
    });
    const guild = emu.addGuild({ name: "Desk", channels: [{ name: "news" }] });
    channelId = guild.channelId("news");
    rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
    const config = loadEnvConfig({
      STORAGE_URL: `sqlite://${join(dir, "metrics.sqlite")}`,
      METRICS_PORT: "0",
      ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
      ALLOW_FEED_PORTS: String(feeds.port),
      // Every story its own alert, so the counts do not depend on clustering.
      CLUSTERING: "off",
      LOG_LEVEL: "silent",
    });
    let subscriptions: SubscriptionStore | undefined;
    app = await createApp({
      config,
      log: silent,
      now: clock.now,
      backlogAlerts: 100,
      makeSink: ({ storage, taxonomy, metrics }) => {
        subscriptions = new SubscriptionStore(storage.kv);
        const outbox = new Outbox(
          { kv: storage.kv, subscriptions, taxonomy, now: clock.now },
          { retentionMs: 30 * 86_400_000 },
        );
        sender = new DeliverySender(
          {
            outbox,
            subscriptions,
            poster: new DiscordJsPoster(rest),
            taxonomy,
            log: silent,
            now: clock.now,
            metrics,
          },
          { hourlyCap: 1000, idleMs: 200 },
        );
        metrics.watchQueue(() => ({ ...sender.depth(), inFlight: outbox.inFlight() }));
        metrics.watchRest(rest);
        return new DiscordSink({ outbox, subscriptions, sender, log: silent, metrics });
      },
    });
    if (!subscriptions) throw new Error("sink not built");
    await subscriptions.load();
    await subscriptions.upsert(sub({ guildId: guild.id, channelId, topic: "climate" }));
    sender.start();
  }, 60_000);

  afterAll(async () => {
    await sender?.stop();
    // The storage test below closes storage first; closing it again is harmless to ignore.
    await app?.close().catch(() => {});
    rest?.clearHashSweeper();
    rest?.clearHandlerSweeper();
    await emu?.stop();
    await feeds?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on loopback by default", () => {
    expect(app.config.METRICS_HOST).toBe("127.0.0.1");
    expect(app.metricsServer?.host).toBe("127.0.0.1");
  });

  it("counts a first cycle: 3 feeds ok, 1 failed, 6 stories stored, queued, sent", async () => {
    const before = await scrape();
    expect(sample(before, "foreigndesk_stories_stored_total")).toBe(0);
    const report = await app.cycle(sources);
    expect(report.outcomes.map((o) => o.status).sort()).toEqual(["failed", "new", "new", "new"]);
    await settled(6);
    const m = await scrape();
    expect(sample(m, "foreigndesk_feed_polls_total", { outcome: "ok", reason: "" })).toBe(3);
    expect(
      sample(m, "foreigndesk_feed_polls_total", { outcome: "failed", reason: "not-found" }),
    ).toBe(1);
    expect(sample(m, "foreigndesk_feed_fetch_duration_seconds_count")).toBe(4);
    expect(sample(m, "foreigndesk_stories_stored_total")).toBe(6);
    expect(sample(m, "foreigndesk_alerts_queued_total")).toBe(6);
    expect(sample(m, "foreigndesk_alerts_sent_total", { kind: "alerts" })).toBe(6);
    expect(sample(m, "foreigndesk_delivery_lag_seconds_count")).toBe(6);
    // Posted within seconds of being seen.
    expect(sample(m, "foreigndesk_delivery_lag_seconds_bucket", { le: "15" })).toBe(6);
    // Each 429 the emulator handed out (one per message inside a window), counted once.
    expect(sample(m, "foreigndesk_discord_rate_limited_total", { scope: "user" }) ?? 0).toBe(
      emu.rateLimitHits(channelId),
    );
    expect(sample(m, "foreigndesk_delivery_channels", { state: "active" })).toBe(0);
    expect(sample(m, "foreigndesk_outbox_in_flight_stories")).toBe(0);
    expect(sample(m, "foreigndesk_storage_errors_total", { operation: "get" })).toBe(undefined);
    // Process metrics come with the prefix; event-loop delay among them.
    expect(sample(m, "foreigndesk_process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(sample(m, "foreigndesk_nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
  }, 30_000);

  it("counts a cycle with nothing due as skipped", async () => {
    await app.cycle(sources);
    const m = await scrape();
    expect(
      sample(m, "foreigndesk_feed_polls_total", { outcome: "skipped", reason: "not-due" }),
    ).toBe(4);
    expect(sample(m, "foreigndesk_feed_polls_total", { outcome: "ok", reason: "" })).toBe(3);
  });

  it("counts a 429 from Discord once, and the alert it delayed as sent", async () => {
    // Past the last window, then take the next window's one post, so the next alert gets a 429.
    await new Promise((r) => setTimeout(r, 2100));
    const hitsBefore = emu.rateLimitHits(channelId);
    await rest.post(`/channels/${channelId}/messages`, { body: { content: "window taken" } });
    // An hour later everything is due again; feed a has one new story.
    clock.offset += 3_600_000;
    items.a = [...(items.a ?? []), { id: "3", n: 7 }];
    publish();
    await app.cycle(sources);
    await settled(7);
    const m = await scrape();
    expect(emu.rateLimitHits(channelId)).toBe(hitsBefore + 1);
    expect(sample(m, "foreigndesk_discord_rate_limited_total", { scope: "user" })).toBe(
      hitsBefore + 1,
    );
    expect(sample(m, "foreigndesk_feed_polls_total", { outcome: "ok", reason: "" })).toBe(6);
    expect(
      sample(m, "foreigndesk_feed_polls_total", { outcome: "failed", reason: "not-found" }),
    ).toBe(2);
    expect(sample(m, "foreigndesk_stories_stored_total")).toBe(7);
    expect(sample(m, "foreigndesk_alerts_queued_total")).toBe(7);
    expect(sample(m, "foreigndesk_alerts_sent_total", { kind: "alerts" })).toBe(7);
    expect(sample(m, "foreigndesk_delivery_lag_seconds_count")).toBe(7);
  }, 30_000);

  it("/healthz answers 200 while storage answers, 503 with a reason once it fails", async () => {
    const server = app.metricsServer;
    if (!server) throw new Error("no metrics server");
    const ok = await fetch(server.url("/healthz"));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok" });
    await app.storage.close();
    const down = await fetch(server.url("/healthz"));
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; reason: string };
    expect(body.status).toBe("unavailable");
    expect(body.reason).toMatch(/^storage: /);
    const m = await scrape();
    expect(sample(m, "foreigndesk_storage_errors_total", { operation: "get" })).toBe(1);
    expect((await fetch(server.url("/nope"))).status).toBe(404);
    expect((await fetch(server.url("/metrics"), { method: "POST" })).status).toBe(405);
  });
});
