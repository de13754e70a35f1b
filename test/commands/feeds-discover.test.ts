/**
 * Through the emulator: `/feeds add` of a web page finds the feeds the page names and adds the
 * first that reads (with the same address guard on each), and a command while storage is down
 * is answered in plain words with the backend's own words in the log only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, INTERNALS, startBotHarness } from "../helpers/bot-harness.js";
import { FeedServer, serve } from "../helpers/feed-server.js";

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Local Gazette</title><id>urn:gazette</id>
<entry><title>Envoys meet on ceasefire</title><id>urn:g1</id><link href="http://127.0.0.1/g1"/><updated>2026-11-30T10:00:00Z</updated></entry>
</feed>`;

/** A newsroom's front page: its head names three feeds, the first of them broken. */
const FRONT_PAGE = `<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>The <link> Gazette</title>
<link rel="stylesheet" href="/style.css">
<!-- <link rel="alternate" type="application/rss+xml" href="/commented.xml"> -->
<script>document.write('<link rel="alternate" type="application/rss+xml" href="/scripted.xml">');</script>
<base href="/feeds/">
<link rel="alternate" type="application/rss+xml" title="Everything" href="broken.xml">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" title="Gazette &amp; Co" href="gazette.atom?x=1&amp;y=2">
<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments.xml">
</head><body><link rel="alternate" type="application/rss+xml" href="/in-body.xml"></body></html>`;

/** A page that names only addresses the bot must not fetch. */
const HOSTILE_PAGE = `<!doctype html><html><head>
<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">
<link rel="alternate" type="application/rss+xml" href="http://169.254.169.254/latest/meta-data/">
</head><body></body></html>`;

describe("/feeds add of a web page", () => {
  let h: BotHarness;
  let server: FeedServer;

  beforeAll(async () => {
    server = await FeedServer.start();
    h = await startBotHarness({ allowPrivateHosts: "127.0.0.1", allowFeedPorts: [server.port] });
    server
      .route("/news", serve(FRONT_PAGE, { contentType: "text/html; charset=utf-8" }))
      .route("/feeds/broken.xml", serve("<rss><channel><item>", { contentType: "text/xml" }))
      .route("/feeds/gazette.atom", serve(ATOM, { contentType: "application/atom+xml" }))
      .route("/hostile", serve(HOSTILE_PAGE, { contentType: "text/html" }));
  });
  afterAll(async () => {
    // The last test closed the store already; closing it twice may throw.
    await h?.close().catch(() => {});
    await server?.close();
  });

  it("adds the first feed the page names that reads, and says the page named it", async () => {
    const page = server.url("/news");
    const { outcome } = await h.run({
      name: "feeds",
      subcommand: "add",
      options: [{ name: "url", type: 3, value: page }],
    });
    const feedUrl = server.url("/feeds/gazette.atom?x=1&y=2");
    const reply = outcome.message?.content ?? "";
    expect(reply).toContain("That address is a web page; it names the feed **Local Gazette**");
    expect(reply).toContain(`\`${feedUrl}\``);
    // The others it names are listed; the broken one was tried first and is in the log.
    expect(reply).toContain(`Everything \`${server.url("/feeds/broken.xml")}\``);
    expect(reply).toContain(`Comments \`${server.url("/comments.xml")}\``);
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toMatchObject([
      { url: feedUrl, name: "Local Gazette", origin: "guild" },
    ]);
    expect(server.requestsTo("/feeds/broken.xml")).toHaveLength(1);
    // Commented out, written by a script, or in the body: not the page's feeds.
    for (const path of ["/commented.xml", "/scripted.xml", "/in-body.xml", "/comments.xml"]) {
      expect(server.requestsTo(path)).toEqual([]);
    }
    const line = h.logs.find((l) => l.msg === "guild feed added" && l.url === feedUrl);
    expect(line).toMatchObject({ discoveredOn: page });
    expect(JSON.stringify(line?.skipped)).toContain("broken.xml");
  });

  it("checks a discovered address like a typed one: private and non-web addresses are refused", async () => {
    const before = server.requests.length;
    const { outcome } = await h.run({
      name: "feeds",
      subcommand: "add",
      options: [{ name: "url", type: 3, value: server.url("/hostile") }],
    });
    const reply = outcome.message?.content ?? "";
    expect(reply).toBe(
      "That address is a web page; the feeds it names could not be read. The first one: That address is on a private network, which feeds may not use.",
    );
    expect(reply).not.toMatch(INTERNALS);
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(["/hostile"]);
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toHaveLength(1);
  });

  it("a command while storage is failing is answered in plain words; the log has the backend's", async () => {
    // The database goes away under the running bot.
    await h.storage.close();
    const { record, outcome } = await h.run({ name: "status" });
    const reply = outcome.message?.content ?? "";
    expect(reply).toBe("Storage is unavailable right now; try again in a minute.");
    expect(reply).not.toMatch(INTERNALS);
    const line = h.logs.find((l) => l.msg === "command failed" && l.interactionId === record.id);
    expect(line).toMatchObject({
      guildId: h.guildId,
      command: "status",
      reason: "storage-unavailable",
    });
    expect(JSON.stringify(line?.err)).toMatch(/SQLITE|closed/i);
  });
});
