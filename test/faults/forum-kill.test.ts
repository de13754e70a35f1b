/**
 * The bot as a process, posting alerts into a forum channel (a post per story, which Discord
 * cannot deduplicate: creating a post takes no nonce), SIGKILLed the instant "Discord" has
 * created a post and before the bot can record it, then restarted. Every story must end up as
 * exactly one post.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import sqlite3 from "sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedIdFor, storyIdFor } from "../../src/feeds/id.js";
import { DiscordEmulator } from "../discord-emulator/index.js";
import { BotProcess, fastPollingEnv, TEST_TOKEN, until } from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";
import { type RssItem, rssFeed } from "../helpers/rss.js";

const ADMIN = "500000000000000001";
const STORIES = 12;
const KILLS = 3;
const dir = mkdtempSync(join(tmpdir(), "fd-forumkill-"));
const dbPath = join(dir, "bot.sqlite");

type Item = RssItem;

const climate = (id: string): Item => ({
  id,
  title: `[${id}] Climate talks: negotiators weigh emissions cuts`,
  text: `Negotiators at the COP31 climate summit discussed emissions targets and climate finance in session ${id}. Delegates said the 1.5-degree goal of the Paris Agreement was at stake.`,
});

const rss = (items: Item[]) =>
  rssFeed(items, {
    title: "Wire",
    guid: "forumkill",
    date: (i) => new Date(Date.UTC(2026, 10, 28, 8, 0, i)),
  });

/** The forum's batch in flight as the database holds it (after a kill: what was not recorded). */
async function flightIn(channelId: string): Promise<string[]> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY, (e) =>
      e ? reject(e) : resolve(d),
    );
  });
  const row = await new Promise<{ value: string } | undefined>((resolve, reject) =>
    db.get(
      "SELECT value FROM keyv WHERE key = ?",
      [`fd:ob:ch:${channelId}`],
      (e, r: { value: string } | undefined) => (e ? reject(e) : resolve(r)),
    ),
  );
  await new Promise<void>((resolve) => db.close(() => resolve()));
  if (!row) return [];
  const state = JSON.parse(row.value) as { value: { flight?: { storyIds: string[] } } };
  return state.value.flight?.storyIds ?? [];
}

describe("forum posts across SIGKILLs", () => {
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let bot: BotProcess;
  let forum = "";
  /** Everything the bot printed, over every run. */
  let output = "";

  beforeAll(async () => {
    emu = await DiscordEmulator.start({
      token: TEST_TOKEN,
      rateLimit: { perChannel: 2, windowMs: 1000 },
    });
    const guild = emu.addGuild({
      name: "Newsroom",
      channels: [
        { name: "desk" },
        { name: "briefings", type: 15, tags: [{ name: "Climate" }, { name: "Energy" }] },
      ],
    });
    forum = guild.channelId("briefings");
    emu.addMember(
      guild.id,
      { id: ADMIN, username: "editor" },
      PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages,
    );
    feeds = await FeedServer.start();
    feeds.route("/f.xml", serve(rss([climate("old")]), { contentType: "application/rss+xml" }));
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(
      feedsFile,
      JSON.stringify([{ name: "Wire", url: feeds.url("/f.xml"), language: "en" }]),
    );
    bot = new BotProcess(fastPollingEnv(emu.apiUrl, feedsFile, dbPath));
    bot.start();
    await until("the bot to be ready", () => bot.ready, 30_000, bot);
    const record = await emu.sendSlashCommand({
      guildId: guild.id,
      channelId: guild.channelId("desk"),
      userId: ADMIN,
      name: "subscribe",
      options: [
        { name: "topic", type: 3, value: "climate" },
        { name: "channel", type: 7, value: forum },
      ],
    });
    const answer = await record.waitForResponse(15_000);
    expect(String(answer.message?.content)).toContain("One post per story");
    await until(
      "the backlog to be read",
      () => feeds.requestsTo("/f.xml").length >= 2,
      20_000,
      bot,
    );
  }, 90_000);

  afterAll(async () => {
    await bot?.kill("SIGKILL");
    await feeds?.close();
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("every story becomes exactly one post though the bot dies between creating and recording", async () => {
    const burst = Array.from({ length: STORIES }, (_, i) => climate(`t${i}`));
    const feedId = feedIdFor(feeds.url("/f.xml"));
    const storyId = (b: Item) => storyIdFor(feedId, `guid:urn:forumkill:${b.id}`);
    feeds.route(
      "/f.xml",
      serve(rss([climate("old"), ...burst]), { contentType: "application/rss+xml" }),
    );
    const posts = () => emu.threads(forum).map((p) => p.name);
    let unrecorded = 0;
    const lines: string[] = [];
    for (let k = 1; k <= KILLS; k++) {
      const before = posts().length;
      // Killed in the emulator's own turn after it created the post: the bot cannot have
      // recorded it.
      await emu.waitForThreads(forum, before + 1, 30_000);
      await bot.kill("SIGKILL");
      output += bot.output;
      const flight = await flightIn(forum);
      // The batch in flight at the kill is the post just created if its story has a post.
      const titles = flight.map((id) => burst.find((b) => storyId(b) === id)?.title);
      if (titles.some((t) => t !== undefined && posts().includes(t))) unrecorded++;
      lines.push(`kill ${k}: ${posts().length} posts; in flight at the kill: ${flight.length}`);
      bot.start();
      await until("the restarted bot to connect", () => bot.ready, 30_000, bot);
    }
    await until("every story posted", () => posts().length >= STORIES, 60_000, bot);
    await new Promise((r) => setTimeout(r, 3000)); // anything repeated would arrive by now
    output += bot.output;
    const found = (output.match(/resumed batch was already posted/g) ?? []).length;
    console.log(
      `[forumkill] ${lines.join("; ")}; ${unrecorded} kill(s) caught a post unrecorded; ${found} resumed post(s) found instead of created again`,
    );
    const counts = new Map<string, number>();
    for (const name of posts()) counts.set(name, (counts.get(name) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(burst.filter((b) => !counts.has(b.title)).map((b) => b.id)).toEqual([]);
    expect(posts()).toHaveLength(STORIES);
    // Each post a kill left unrecorded was found on restart rather than created again.
    expect(found).toBeGreaterThanOrEqual(unrecorded);
  }, 180_000);
});
