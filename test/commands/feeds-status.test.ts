/**
 * /feeds (validated by a real fetch and parse), /status, and the error boundary: an unexpected
 * error in a handler ends in the apology and a log line, whatever state the interaction is in.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlashCommand } from "../../src/discord/command.js";
import { APOLOGY, answerInTime, DEFER_AFTER_MS } from "../../src/discord/interactions.js";
import { MANAGE_GUILD_REFUSAL } from "../../src/discord/permissions.js";
import { feedIdFor } from "../../src/feeds/id.js";
import { freshState } from "../../src/store/feed-state.js";
import {
  ADMIN,
  type BotHarness,
  EPHEMERAL_FLAG,
  INTERNALS,
  makeFetcher,
  startBotHarness,
  textOf,
} from "../helpers/bot-harness.js";

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Local Gazette</title><link>http://127.0.0.1/</link>
<item><title>Parliament debates asylum reform</title><link>http://127.0.0.1/a</link><guid>a</guid></item>
<item><title>Envoys meet on ceasefire</title><link>http://127.0.0.1/b</link><guid>b</guid></item>
</channel></rss>`;

function boom(name: string, defer: boolean): SlashCommand {
  return {
    data: new SlashCommandBuilder()
      .setName(name)
      .setDescription("fails on purpose")
      .setContexts(InteractionContextType.Guild),
    async execute(interaction) {
      if (defer) await interaction.deferReply();
      throw new Error(`${name} exploded`);
    },
  };
}

/** A command whose work outlasts the defer threshold, as a slow store or search would. */
const slow: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("slow")
    .setDescription("takes its time")
    .setContexts(InteractionContextType.Guild),
  async execute(interaction) {
    await answerInTime(interaction, false, async () => {
      await new Promise((r) => setTimeout(r, DEFER_AFTER_MS + 300));
      return { content: "done at last" };
    });
  },
};

describe("/feeds, /status and the error boundary", () => {
  let h: BotHarness;
  let server: Server;
  let feedUrl: string;

  beforeAll(async () => {
    h = await startBotHarness({
      extraCommands: [boom("boom", false), boom("boomlater", true), slow],
    });
    server = createServer((req, res) => {
      if (req.url === "/feed.xml") {
        res.writeHead(200, { "content-type": "application/rss+xml" });
        res.end(RSS);
      } else if (req.url === "/broken.xml") {
        res.writeHead(200, { "content-type": "application/rss+xml" });
        res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Half</title><item>');
      } else if (req.url === "/page") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<!doctype html><html><body>hello</body></html>");
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it("/feeds add refuses a private address in plain words; the log has the detail", async () => {
    const { outcome } = await h.run({
      name: "feeds",
      subcommand: "add",
      options: [{ name: "url", type: 3, value: feedUrl }],
    });
    expect(outcome.callbackType).toBe(5);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const reply = outcome.message?.content ?? "";
    expect(reply).toBe("That address is on a private network, which feeds may not use.");
    expect(reply).not.toMatch(INTERNALS);
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toHaveLength(0);
    const line = h.logs.find((l) => l.msg === "guild feed refused" && l.url === feedUrl);
    expect(line).toMatchObject({
      guildId: h.guildId,
      userId: ADMIN.id,
      reason: "private-address",
      feedId: feedIdFor(feedUrl),
    });
    expect(String(line?.err)).toMatch(/loopback address .*ALLOW_PRIVATE_FEED_HOSTS/);
  });
  it("/feeds by a member without Manage Server is refused", async () => {
    const { outcome } = await h.run({
      name: "feeds",
      subcommand: "list",
      as: "member",
    });
    expect(outcome.message?.content).toBe(MANAGE_GUILD_REFUSAL);
  });

  describe("with 127.0.0.1 allowed by the operator", () => {
    beforeAll(async () => {
      await h.ctx.fetcher.close();
      h.ctx.fetcher = makeFetcher("127.0.0.1", [Number(new URL(feedUrl).port)]);
    });

    it("validates a local feed by fetching and parsing it, then saves it", async () => {
      const { outcome } = await h.run({
        name: "feeds",
        subcommand: "add",
        options: [{ name: "url", type: 3, value: feedUrl }],
      });
      expect(outcome.message?.content).toContain("Added **Local Gazette** (2 items right now)");
      const saved = h.ctx.guildFeeds.forGuild(h.guildId);
      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatchObject({ url: feedUrl, origin: "guild", name: "Local Gazette" });
      expect(h.ctx.guildFeeds.allFeeds().map((f) => f.url)).toEqual([feedUrl]);
    });

    it("refuses a page that names no feed, in plain words", async () => {
      const { outcome } = await h.run({
        name: "feeds",
        subcommand: "add",
        options: [{ name: "url", type: 3, value: feedUrl.replace("feed.xml", "page") }],
      });
      expect(outcome.message?.content).toBe(
        "That address is a web page, not a feed, and the page does not name a feed of its own. Look on the page for an RSS or Atom link.",
      );
    });

    it("refuses broken XML without the parser's line and column; the log has them", async () => {
      const url = feedUrl.replace("feed.xml", "broken.xml");
      const { outcome } = await h.run({
        name: "feeds",
        subcommand: "add",
        options: [{ name: "url", type: 3, value: url }],
      });
      const reply = outcome.message?.content ?? "";
      expect(reply).toBe(
        "The server answered with something that is not a valid RSS or Atom feed.",
      );
      expect(reply).not.toMatch(INTERNALS);
      const line = h.logs.find((l) => l.msg === "guild feed refused" && l.url === url);
      expect(line).toMatchObject({ guildId: h.guildId, reason: "not-a-feed" });
      expect(String(line?.err)).toMatch(/Unclosed root tag Line: \d+ Column: \d+/);
    });

    it("/feeds list and remove (autocomplete by name)", async () => {
      const list = await h.run({ name: "feeds", subcommand: "list" });
      expect(textOf(list.outcome)).toContain("Local Gazette");
      const choices = await h.autocomplete({
        name: "feeds",
        subcommand: "remove",
        options: [{ name: "feed", type: 3, value: "gaz", focused: true }],
      });
      expect(choices).toHaveLength(1);
      expect(choices[0]?.name).toBe("Local Gazette (127.0.0.1)");
      const removed = await h.run({
        name: "feeds",
        subcommand: "remove",
        options: [{ name: "feed", type: 3, value: String(choices[0]?.value) }],
      });
      expect(removed.outcome.message?.content).toContain("Removed **Local Gazette**");
      expect(h.ctx.guildFeeds.forGuild(h.guildId)).toHaveLength(0);
    });
  });

  it("/status reports feeds, failures, last poll, stories and this server's alerts", async () => {
    const now = Date.now();
    await h.ctx.states.put({
      ...freshState("wire", "https://wire.example/feed"),
      lastPollAt: now - 60_000,
      lastErrorAt: now - 60_000,
      lastError: "not a readable feed: Unclosed root tag Line: 0 Column: 76 Char:",
      lastErrorReason: "not-a-feed",
      consecutiveFailures: 3,
    });
    await h.seed([
      {
        title: "Talks on Gaza ceasefire resume",
        text: "Israel and Hamas negotiators met in Cairo.",
      },
    ]);
    await h.ctx.subscriptions.upsert({
      guildId: h.guildId,
      channelId: h.alertsId,
      topic: "energy",
      minScore: 0,
      keywords: [],
      createdBy: "x",
      createdAt: now,
      status: "disabled",
      statusReason: "the channel was deleted",
      alertsSent: 0,
    });
    await h.ctx.subscriptions.addSent(h.guildId, h.alertsId, new Map([["energy", 4]]));
    const { outcome } = await h.run({ name: "status" });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const embed = outcome.message?.embeds[0] as { fields: Array<{ name: string; value: string }> };
    const field = (name: string) => embed.fields.find((f) => f.name === name)?.value ?? "";
    expect(field("Feeds")).toContain("1 in all");
    expect(field("Feeds")).toContain("1 failing");
    expect(field("Last poll")).toBe(`<t:${Math.floor((now - 60_000) / 1000)}:R>`);
    expect(field("Stories stored")).toContain("≈ 1");
    expect(field("Alerts sent here")).toContain("4 by 1 subscription");
    expect(field("Failing feeds")).toContain(
      "**Wire**: 3 failures in a row, last error: The server answered with something that is not a valid RSS or Atom feed.",
    );
    expect(field("Failing feeds")).not.toMatch(INTERNALS);
    expect(field("Paused or disabled subscriptions")).toContain(
      "disabled (the channel was deleted)",
    );
  });

  it("/status names only the failing feeds this server can see: the operator's and its own", async () => {
    const url = "https://other-server.example/private-feed.xml";
    await h.ctx.guildFeeds.add("other-guild", {
      url,
      name: "Another server's own feed",
      addedBy: "someone-else",
    });
    await h.ctx.states.put({
      ...freshState(feedIdFor(url), url),
      lastPollAt: Date.now() - 60_000,
      lastErrorReason: "not-found",
      consecutiveFailures: 9,
    });
    const { outcome } = await h.run({ name: "status" });
    const embed = outcome.message?.embeds[0] as { fields: Array<{ name: string; value: string }> };
    const field = (name: string) => embed.fields.find((f) => f.name === name)?.value ?? "";
    expect(field("Failing feeds")).toContain("**Wire**");
    expect(field("Failing feeds")).not.toContain("Another server");
    expect(field("Failing feeds")).not.toContain("other-server.example");
    // Counts stay whole; the failing count is of the feeds this server can see.
    expect(field("Feeds")).toContain("1 added by servers, 0 by this one");
    expect(field("Feeds")).toContain("1 failing");
    await h.ctx.guildFeeds.remove("other-guild", feedIdFor(url));
  });

  it("an unexpected error ends in the apology and a log line with the ids", async () => {
    const { record, outcome } = await h.run({ name: "boom", as: "member" });
    expect(outcome.message?.content).toBe(APOLOGY);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const line = h.logs.find((l) => l.msg === "command failed" && l.interactionId === record.id);
    expect(line).toMatchObject({
      level: 50,
      command: "boom",
      guildId: h.guildId,
      channelId: h.newsId,
      userId: "500000000000000002",
    });
    expect(JSON.stringify(line?.err)).toContain("boom exploded");
  });

  it("after a deferral the apology replaces the loading message", async () => {
    const { record, outcome } = await h.run({ name: "boomlater" });
    expect(outcome.callbackType).toBe(5);
    expect(outcome.message?.content).toBe(APOLOGY);
    expect(h.logs.some((l) => l.msg === "command failed" && l.interactionId === record.id)).toBe(
      true,
    );
  });

  it("work that outlasts the threshold is deferred, then the deferred reply is edited", async () => {
    const { record, outcome } = await h.run({ name: "slow", timeoutMs: DEFER_AFTER_MS + 2000 });
    expect(record.callbacks.map((c) => c.type)).toEqual([5]);
    expect(outcome.message?.content).toBe("done at last");
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(0);
  });

  it("a failing autocomplete answers with no choices and logs", async () => {
    const original = h.ctx.guildFeeds.forGuild.bind(h.ctx.guildFeeds);
    h.ctx.guildFeeds.forGuild = () => {
      throw new Error("store down");
    };
    try {
      const choices = await h.autocomplete({
        name: "feeds",
        subcommand: "remove",
        options: [{ name: "feed", type: 3, value: "x", focused: true }],
      });
      expect(choices).toEqual([]);
      expect(h.logs.some((l) => l.msg === "autocomplete failed" && l.command === "feeds")).toBe(
        true,
      );
    } finally {
      h.ctx.guildFeeds.forGuild = original;
    }
  });
});
