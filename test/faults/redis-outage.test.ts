/**
 * Redis going away under the running pipeline (through a proxy the test breaks, so the shared
 * Redis itself stays up): polls are skipped with ONE log line for the whole outage, not one per
 * tick or per feed; its end is logged once with its length and the polls it skipped; and stories
 * published meanwhile are alerted exactly once afterwards.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadEnvConfig } from "../../src/config/env.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import type { FeedSource } from "../../src/feeds/types.js";
import type { AlertSink } from "../../src/ingest/poll.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { REDIS_PORT, RedisProxy } from "../helpers/redis-proxy.js";
import { serviceAvailable } from "../helpers/services.js";

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const item = (n: number) =>
  `<item><title>Story ${n}</title><guid>urn:${n}</guid><description>Text ${n}.</description></item>`;
const rss = (ns: number[]) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${ns.map(item).join("")}</channel></rss>`;

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("polling while Redis is away", async () => {
  const available = await serviceAvailable("Redis", REDIS_PORT);
  let server: FeedServer | undefined;
  let proxy: RedisProxy | undefined;
  let app: App | undefined;
  afterEach(async () => {
    await app?.close().catch(() => {});
    await proxy?.close();
    await server?.close();
  });

  for (const how of ["cut", "stall"] as const) {
    it.runIf(available)(
      `skips polls with one log line (${how}), logs the recovery, and alerts what was missed once`,
      async () => {
        server = await FeedServer.start();
        const feedBody = { current: rss([2, 1]) };
        server.route("/a.xml", (req, res, s) =>
          serve(feedBody.current, { contentType: "application/rss+xml" })(req, res, s),
        );
        proxy = await RedisProxy.open();
        const lines: Line[] = [];
        const log = pino(
          { level: "debug" },
          { write: (l: string) => void lines.push(JSON.parse(l)) },
        );
        const offered = new Map<string, number>();
        const sink: AlertSink = {
          async accept(stories: TaggedStory[]) {
            for (const s of stories) offered.set(s.title, (offered.get(s.title) ?? 0) + 1);
          },
        };
        let now = Date.now();
        app = await createApp({
          config: loadEnvConfig({
            STORAGE_URL: proxy.url,
            STORAGE_TIMEOUT_MS: "1000",
            ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
            ALLOW_FEED_PORTS: String(server.port),
            CLUSTERING: "off",
          }),
          log,
          makeSink: () => sink,
          namespace: `fdpolls${process.pid}${Math.floor(Math.random() * 1e6)}`,
          now: () => now,
        });
        const feeds: FeedSource[] = [
          { id: "a", name: "Feed a", url: server.url("/a.xml"), origin: "guild" },
        ];
        const tick = async () => {
          now += 10 * 60_000;
          const started = Date.now();
          const report = await app?.cycle(feeds);
          return { report, ms: Date.now() - started };
        };
        // First poll: the backlog is stored silently (BACKLOG_ALERTS=0).
        expect((await tick()).report?.outcomes[0]?.status).toBe("new");

        if (how === "cut") await proxy.cut();
        else proxy.stall();
        feedBody.current = rss([4, 3, 2, 1]);
        const during: number[] = [];
        for (let i = 0; i < 4; i++) {
          const { report, ms } = await tick();
          expect(report?.skipped).toBe("storage-unavailable");
          during.push(ms);
        }
        // A tick never hangs: at most one storage timeout (1 s), then skipped at once.
        for (const ms of during) expect(ms).toBeLessThan(1500);
        expect(offered.size).toBe(0);
        expect(server.requestsTo("/a.xml")).toHaveLength(1);
        const loud = lines.filter((l) => l.level >= 40);
        expect(loud.map((l) => l.msg)).toEqual([
          "storage unavailable; polls and deliveries wait until it answers",
        ]);
        expect(loud[0]).toMatchObject({ operation: "getMany" });
        expect(lines.filter((l) => l.msg === "poll cycle done")).toHaveLength(1);

        await proxy.restore();
        await waitFor(() => app?.storage.health.available === true, 15_000);
        const up = lines.filter((l) => l.msg === "storage available again");
        expect(up).toHaveLength(1);
        expect(up[0]).toMatchObject({ level: 30, skippedPolls: 4 });
        expect(up[0]?.outageMs).toEqual(expect.any(Number));

        const after = await tick();
        expect(after.report?.outcomes[0]).toMatchObject({ status: "new", stored: 2 });
        await tick();
        expect(Object.fromEntries(offered)).toEqual({ "Story 3": 1, "Story 4": 1 });
        expect(lines.filter((l) => l.level >= 40)).toHaveLength(1);
        process.stderr.write(
          `redis ${how}: ticks during the outage took ${during.join(", ")} ms\n`,
        );
      },
      40_000,
    );
  }
});
