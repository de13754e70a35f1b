/**
 * CYCLE_DEADLINE_SEC: a cycle waits for its feeds only so long. A feed that stalls carries on in
 * the background, does not hold up the others, is not fetched a second time while it runs, and
 * the cycle says so in one structured line each.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadEnvConfig } from "../../src/config/env.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import type { FeedSource } from "../../src/feeds/types.js";
import type { AlertSink } from "../../src/ingest/poll.js";
import { FeedServer, serve } from "../helpers/feed-server.js";

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

const rss = (tag: string, n: number) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${tag}</title><item><title>${tag} story ${n}</title><guid>urn:${tag}:${n}</guid><description>Text.</description></item></channel></rss>`;

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe("a poll cycle with a deadline", () => {
  it("leaves a stalled feed running, polls the others, and never fetches it twice at once", async () => {
    server = await FeedServer.start();
    const body = { contentType: "application/rss+xml" };
    let fastN = 1;
    server.route("/fast-a.xml", (req, res, s) => serve(rss("a", fastN), body)(req, res, s));
    server.route("/fast-b.xml", (req, res, s) => serve(rss("b", fastN), body)(req, res, s));
    // Answers after 3.5 s, well past the 1 s deadline (and inside the 20 s fetch timeout).
    server.route("/slow.xml", (req, res, s) => {
      s.later(3500, () => void serve(rss("slow", 1), body)(req, res, s));
    });

    const lines: Line[] = [];
    const log = pino({ level: "debug" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const offered = new Map<string, number>();
    const sink: AlertSink = {
      async accept(stories: TaggedStory[]) {
        for (const s of stories) offered.set(s.id, (offered.get(s.id) ?? 0) + 1);
      },
    };
    let now = Date.now();
    const app = await createApp({
      config: loadEnvConfig({
        STORAGE_URL: "sqlite://:memory:",
        CYCLE_DEADLINE_SEC: "1",
        FEED_MIN_INTERVAL_SEC: "60",
        ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
        ALLOW_FEED_PORTS: String(server.port),
        CLUSTERING: "off",
      }),
      log,
      makeSink: () => sink,
      backlogAlerts: 10,
      now: () => now,
    });
    const feed = (id: string): FeedSource => ({
      id,
      name: `Feed ${id}`,
      url: server?.url(`/${id}.xml`) ?? "",
      origin: "guild",
    });
    const feeds = [feed("fast-a"), feed("slow"), feed("fast-b")];

    try {
      const started = Date.now();
      const first = await app.cycle(feeds);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(2000);
      expect(first.outcomes.map((o) => o.feedId).sort()).toEqual(["fast-a", "fast-b"]);
      expect(first.late?.map((f) => f.feedId)).toEqual(["slow"]);
      const deadlineLine = lines.find((l) => l.msg.startsWith("poll cycle deadline reached"));
      expect(deadlineLine).toMatchObject({
        level: 40,
        deadlineMs: 1000,
        count: 1,
        feeds: [{ feedId: "slow", feedName: "Feed slow" }],
      });

      // The next tick, while the slow feed is still in flight: the fast feeds are polled and
      // alerted at once, the slow one is not asked again.
      now += 2 * 60_000;
      fastN = 2;
      const second = await app.cycle(feeds);
      expect(second.outcomes.map((o) => `${o.feedId}:${o.status}`).sort()).toEqual([
        "fast-a:new",
        "fast-b:new",
      ]);
      expect(second.busy?.map((f) => f.feedId)).toEqual(["slow"]);
      expect(second.finishedAt - second.startedAt).toBeLessThan(1000);
      const busyLine = lines.find((l) => l.msg.startsWith("feeds from an earlier cycle"));
      expect(busyLine).toMatchObject({ level: 40, count: 1, feeds: [{ feedId: "slow" }] });
      expect(server.requestsTo("/slow.xml")).toHaveLength(1);
      expect(app.poller.inFlight().map((f) => f.feedId)).toEqual(["slow"]);

      // The slow feed ends in the background; its stories are taken in, once.
      const until = Date.now() + 5000;
      while (app.poller.inFlight().length > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(app.poller.inFlight()).toEqual([]);
      expect(
        lines.find((l) => l.msg === "slow feed finished after its cycle's deadline"),
      ).toMatchObject({ feedId: "slow", status: "new" });
      expect((await app.states.get("slow"))?.storiesStored).toBe(1);
      expect([...offered.values()].every((n) => n === 1)).toBe(true);
      expect(offered.size).toBe(5); // a1, b1, a2, b2, slow1
      expect(server.requestsTo("/slow.xml")).toHaveLength(1);
    } finally {
      await app.close();
    }
  }, 20_000);
});
