/**
 * The port rule for feeds a server adds: 80, 443 and ALLOW_FEED_PORTS only, even on a host the
 * operator opened with ALLOW_PRIVATE_FEED_HOSTS, on every redirect hop, at `/feeds add` and on
 * every later poll. The operator's own feeds may use any port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Keyv from "keyv";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHostAllowList } from "../../src/feeds/allow-list.js";
import { Fetcher } from "../../src/feeds/fetch.js";
import type { FeedSource } from "../../src/feeds/types.js";
import { DEFAULT_POLLER_OPTIONS, Poller } from "../../src/ingest/poll.js";
import { FeedStateStore } from "../../src/store/feed-state.js";
import { StoryStore } from "../../src/store/stories.js";
import { type BotHarness, startBotHarness } from "../helpers/bot-harness.js";
import { RecordingSink, testEnricher } from "../ingest/harness.js";

const HOST = "127.0.0.2"; // loopback, and the host the operator allowed
const RSS = `<rss version="2.0"><channel><title>Internal</title>
<item><title>Minister visits Kyiv</title><guid>1</guid><description>Talks on aid.</description></item>
</channel></rss>`;

interface Local {
  server: Server;
  port: number;
  hits: string[];
}

/** A feed server on HOST; `/hop` redirects to `target()`. */
async function localServer(target: () => string = () => ""): Promise<Local> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/hop") {
      res.writeHead(302, { location: target() });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/rss+xml" });
    res.end(RSS);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

let allowed: Local; // on the one port the operator opened
let other: Local; // on a port nobody opened
beforeAll(async () => {
  other = await localServer();
  allowed = await localServer(() => `http://${HOST}:${other.port}/feed`);
});
afterAll(async () => {
  for (const s of [allowed, other]) await new Promise((r) => s?.server.close(r));
});

describe("/feeds add on an allow-listed private host", () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ allowPrivateHosts: HOST, allowFeedPorts: [allowed.port] });
  });
  afterAll(async () => {
    await h?.close();
  });

  const add = (url: string) =>
    h.run({ name: "feeds", subcommand: "add", options: [{ name: "url", type: 3, value: url }] });

  it("refuses a port the operator did not open, without connecting", async () => {
    const { outcome } = await add(`http://${HOST}:${other.port}/feed`);
    // Plain words for the admin; the port rule itself is named in the log only.
    expect(outcome.message?.content).toBe(
      "That address uses a port feeds may not use; feeds are read from the standard web ports.",
    );
    expect(other.hits).toEqual([]);
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toEqual([]);
    const url = `http://${HOST}:${other.port}/feed`;
    const line = h.logs.find((l) => l.msg === "guild feed refused" && l.url === url);
    expect(line).toMatchObject({ reason: "port-not-allowed" });
    expect(String(line?.err)).toContain(`Feeds on port ${other.port} are not allowed`);
  });

  it("refuses a redirect from an open port to a closed one, without following it", async () => {
    const { outcome } = await add(`http://${HOST}:${allowed.port}/hop`);
    expect(outcome.message?.content).toBe(
      "That address uses a port feeds may not use; feeds are read from the standard web ports.",
    );
    expect(allowed.hits).toEqual(["/hop"]);
    expect(other.hits).toEqual([]);
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toEqual([]);
  });

  it("adds a feed on the port the operator opened", async () => {
    const { outcome } = await add(`http://${HOST}:${allowed.port}/feed`);
    expect(outcome.message?.content).toContain("Added **Internal**");
    expect(h.ctx.guildFeeds.forGuild(h.guildId).map((f) => f.url)).toEqual([
      `http://${HOST}:${allowed.port}/feed`,
    ]);
  });
});

describe("polling on an allow-listed private host", () => {
  function poller(): { poller: Poller; fetcher: Fetcher; sink: RecordingSink } {
    const kv = new Keyv();
    const now = () => Date.now();
    const fetcher = new Fetcher({
      timeoutMs: 5000,
      connectTimeoutMs: 2000,
      maxBytes: 1_000_000,
      maxRedirects: 5,
      userAgent: "ForeignDesk-test",
      policy: { allow: parseHostAllowList(HOST), ports: new Set([allowed.port]) },
    });
    const sink = new RecordingSink();
    const p = new Poller(
      {
        fetcher,
        stories: new StoryStore(kv, 86_400_000, now),
        states: new FeedStateStore(kv),
        enricher: testEnricher,
        sink,
        log: pino({ level: "silent" }),
        now,
      },
      { ...DEFAULT_POLLER_OPTIONS, backlogAlerts: 10 },
    );
    return { poller: p, fetcher, sink };
  }
  const feed = (origin: FeedSource["origin"], url: string): FeedSource => ({
    id: `${origin}-${url}`,
    name: "Internal",
    url,
    origin,
  });

  it("refuses a server's feed on a closed port, directly or through a redirect, every poll", async () => {
    const { poller: p, fetcher } = poller();
    const before = { allowed: allowed.hits.length, other: other.hits.length };
    for (let cycle = 0; cycle < 2; cycle++) {
      const direct = await p.pollFeed(feed("guild", `http://${HOST}:${other.port}/feed`));
      const hop = await p.pollFeed(feed("guild", `http://${HOST}:${allowed.port}/hop`));
      for (const outcome of [direct, hop]) {
        expect(outcome.status).toBe("failed");
        expect(outcome.error).toMatch(/port \d+ are not allowed/);
      }
    }
    expect(other.hits.length).toBe(before.other);
    expect(allowed.hits.length).toBe(before.allowed + 2); // the two /hop requests, nothing more
    await fetcher.close();
  });

  it("reads the operator's own feed on any port", async () => {
    const { poller: p, fetcher, sink } = poller();
    const outcome = await p.pollFeed(feed("operator", `http://${HOST}:${other.port}/feed`));
    expect(outcome.error).toBeUndefined();
    expect(sink.titles).toEqual(["Minister visits Kyiv"]);
    await fetcher.close();
  });
});
