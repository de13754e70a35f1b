/**
 * Health notices through the Discord emulator and discord.js REST: one notice per incident in
 * the server's log channel, none again after a restart (a new REST client and tracker over the
 * same storage), "recovered" for a feed whose failing was reported, nothing for a server without
 * a log channel, and a log channel the bot may not post in is given up on after one try.
 */
import { REST } from "discord.js";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { GuildFeedStore } from "../../src/feeds/guild-feeds.js";
import { feedIdFor } from "../../src/feeds/id.js";
import { FEED_FAILING_AFTER_MS } from "../../src/health/incidents.js";
import { ServerSettingsStore } from "../../src/health/settings-store.js";
import { HealthTracker } from "../../src/health/tracker.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { FeedStateStore, freshState } from "../../src/store/feed-state.js";
import { deliveryWorld, type World } from "../deliver/emulator-world.js";
import { sub, taxonomy } from "../deliver/fixtures.js";
import type { EmulatedMessage } from "../discord-emulator/index.js";

const HOUR = 3_600_000;
const ADMIN = "500000000000000001";
const VIEW_AND_HISTORY = (1n << 10n) | (1n << 16n);
const messages = loadMessages();
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** The emulator world plus what the tracker reads; `bot()` is one run of the bot. */
async function healthWorld() {
  const world: World = await deliveryWorld(cleanups, ["news", "ops", "world"]);
  const { kv, guild } = world;
  const guildFeeds = new GuildFeedStore(kv);
  await guildFeeds.load();
  const states = new FeedStateStore(kv);
  const settings = new ServerSettingsStore(kv);
  const logs: LogLine[] = [];
  const log = pino(
    { level: "debug" },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  );
  /** A bot run: its own REST client and tracker, over the world's storage. */
  const bot = async (locale = "en", owns?: (guildId: string) => boolean) => {
    const rest = new REST({ api: world.emu.apiUrl }).setToken(world.emu.token);
    cleanups.push(async () => {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    });
    const tracker = new HealthTracker(
      {
        kv,
        settings,
        subscriptions: world.subs,
        guildFeeds,
        states,
        poster: new DiscordJsPoster(rest),
        language: () => messages.for(locale),
        taxonomy,
        log,
        now: world.clock.now,
        ...(owns ? { owns } : {}),
      },
      { intervalMs: 60_000 },
    );
    await tracker.load();
    return tracker;
  };
  const ops = guild.channelId("ops");
  const text = (m: EmulatedMessage) => JSON.stringify(m.embeds);
  return { ...world, guildFeeds, states, settings, logs, bot, ops, text };
}

describe("health notices", () => {
  it("checks a server only in the process that owns it (one shard of several): one notice", async () => {
    const w = await healthWorld();
    const news = w.guild.channelId("news");
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    await w.subs.setChannelStatus(w.guild.id, news, "paused", "ForeignDesk lacks Send Messages", {
      code: "missing-permissions",
      permissions: ["Send Messages"],
    });
    const holder = await w.bot("en", (g) => g === w.guild.id);
    const other = await w.bot("en", (g) => g !== w.guild.id);
    expect(await other.check()).toMatchObject({ guilds: 0, opened: 0, posted: 0 });
    expect(await holder.check()).toMatchObject({ guilds: 1, opened: 1, posted: 1 });
    expect(w.emu.messages(w.ops)).toHaveLength(1);
  });

  it("reports lost permissions once, naming the permission, the channel and the fix, and not again after a restart", async () => {
    const w = await healthWorld();
    const news = w.guild.channelId("news");
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    const first = await w.bot();
    expect((await first.check()).opened).toBe(0);

    await w.subs.setChannelStatus(w.guild.id, news, "paused", "ForeignDesk lacks Send Messages", {
      code: "missing-permissions",
      permissions: ["Send Messages"],
    });
    const report = await first.check();
    expect(report).toMatchObject({ opened: 1, posted: 1 });
    await first.check();
    const posted = w.emu.messages(w.ops);
    expect(posted).toHaveLength(1);
    const notice = posted[0] as EmulatedMessage;
    expect(notice.allowed_mentions).toEqual({ parse: [] });
    expect(notice.nonce).toMatch(/^hl[\w-]{23}$/);
    const body = w.text(notice);
    expect(body).toContain("Alerts paused");
    expect(body).toContain("**Send Messages**");
    expect(body).toContain(`<#${news}>`);
    // The fix that is true: alerts come back by themselves, /resume does it at once.
    expect(body).toContain("resume by themselves within minutes");
    expect(body).toContain("`/resume`");
    expect(body).not.toContain("`/subscribe`");

    // A restart: a new client and tracker over the same storage.
    await first.stop();
    const second = await w.bot();
    expect(await second.check()).toMatchObject({ opened: 0, posted: 0 });
    expect(w.emu.messages(w.ops)).toHaveLength(1);

    // Resumed: the incident closes without a notice; paused again later, it is a new one.
    await w.subs.setChannelStatus(w.guild.id, news, "active");
    expect(await second.check()).toMatchObject({ closed: 1, posted: 0 });
    await w.subs.setChannelStatus(w.guild.id, news, "paused", "lacks Embed Links", {
      code: "missing-permissions",
      permissions: ["Embed Links"],
    });
    await second.check();
    expect(w.emu.messages(w.ops)).toHaveLength(2);
    expect(w.text(w.emu.messages(w.ops)[1] as EmulatedMessage)).toContain("Embed Links");
  });

  it("posts once when the process died between the post and its record (same nonce)", async () => {
    const w = await healthWorld();
    const news = w.guild.channelId("news");
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    await w.subs.setChannelStatus(w.guild.id, news, "disabled", "the channel was deleted", {
      code: "channel-deleted",
    });
    const first = await w.bot();
    await first.check();
    expect(w.emu.messages(w.ops)).toHaveLength(1);
    expect(w.text(w.emu.messages(w.ops)[0] as EmulatedMessage)).toContain("Channel deleted");
    // The record as it was before the post: what a crash right after posting leaves.
    const stored = (await w.kv.get<Array<Record<string, unknown>>>(`health:${w.guild.id}`)) ?? [];
    expect(stored).toHaveLength(1);
    await w.kv.set(
      `health:${w.guild.id}`,
      stored.map(({ messageId: _m, ...r }) => ({ ...r, notice: "pending" })),
    );
    const restarted = await w.bot();
    expect(await restarted.check()).toMatchObject({ posted: 1 });
    // Discord answered the repeated nonce with the earlier message.
    expect(w.emu.messages(w.ops)).toHaveLength(1);
    expect(restarted.recorded(w.guild.id)[0]).toMatchObject({
      notice: "posted",
      messageId: w.emu.messages(w.ops)[0]?.id,
    });
  });

  it("reports a server feed failing for 6 h once, then once that it recovered", async () => {
    const w = await healthWorld();
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    const url = "https://feeds.example.org/world.xml";
    await w.guildFeeds.add(w.guild.id, { url, name: "World Wire", addedBy: "u1" });
    const id = feedIdFor(url);
    const start = w.clock.now();
    await w.states.put({
      ...freshState(id, url),
      initialized: true,
      lastPollAt: start,
      lastSuccessAt: start - 10 * 60_000,
      lastErrorAt: start,
      lastErrorReason: "not-found",
      consecutiveFailures: 2,
    });
    const tracker = await w.bot();
    await tracker.check();
    expect(w.emu.messages(w.ops)).toHaveLength(0);

    w.clock.offset = FEED_FAILING_AFTER_MS - 11 * 60_000;
    await tracker.check();
    expect(w.emu.messages(w.ops)).toHaveLength(0);
    w.clock.offset = FEED_FAILING_AFTER_MS;
    await tracker.check();
    w.clock.offset += HOUR;
    await tracker.check();
    const failing = w.emu.messages(w.ops);
    expect(failing).toHaveLength(1);
    const body = w.text(failing[0] as EmulatedMessage);
    expect(body).toContain("Feed failing");
    expect(body).toContain("World Wire");
    expect(body).toContain("has failed for 6 hours");
    expect(body).toContain("`/feeds remove`");

    // After a restart the feed still fails: nothing new.
    const restarted = await w.bot();
    await restarted.check();
    expect(w.emu.messages(w.ops)).toHaveLength(1);

    const state = await w.states.get(id);
    if (!state) throw new Error("no feed state");
    await w.states.put({ ...state, consecutiveFailures: 0, lastSuccessAt: w.clock.now() });
    expect(await restarted.check()).toMatchObject({ recovered: 1, closed: 1 });
    await restarted.check();
    const all = w.emu.messages(w.ops);
    expect(all).toHaveLength(2);
    expect(w.text(all[1] as EmulatedMessage)).toContain("Feed recovered");
    expect(w.text(all[1] as EmulatedMessage)).toContain("World Wire");
    expect(restarted.recorded(w.guild.id)).toEqual([]);
  });

  it("speaks the server's language", async () => {
    const w = await healthWorld();
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("news"), "paused", "x", {
      code: "missing-permissions",
      permissions: ["Embed Links"],
    });
    await (await w.bot("de")).check();
    const body = w.text(w.emu.messages(w.ops)[0] as EmulatedMessage);
    expect(body).toContain("Meldungen pausiert");
    expect(body).toContain("Links einbetten");
    expect(body).toContain("`/fortsetzen`");
    expect(body).toContain("von selbst fortgesetzt");
  });

  it("records incidents without a log channel and does not post them when one is chosen later", async () => {
    const w = await healthWorld();
    const tracker = await w.bot();
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("news"), "paused", "x", {
      code: "missing-permissions",
      permissions: ["Send Messages"],
    });
    expect(await tracker.check()).toMatchObject({ opened: 1, posted: 0 });
    expect(tracker.recorded(w.guild.id)).toMatchObject([{ notice: "skipped" }]);

    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    await tracker.check();
    expect(w.emu.messages(w.ops)).toHaveLength(0);
    // A problem that arises after the choice is reported.
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("world"), "disabled", "gone", {
      code: "channel-deleted",
    });
    await tracker.check();
    expect(w.emu.messages(w.ops)).toHaveLength(1);
  });

  it("gives up on a log channel it may not post in after one try, with one warning", async () => {
    const w = await healthWorld();
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    w.emu.setBotPermissions(w.ops, VIEW_AND_HISTORY);
    const tracker = await w.bot();
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("news"), "paused", "x", {
      code: "missing-permissions",
      permissions: ["Send Messages"],
    });
    const postsToOps = () =>
      w.emu.requests.filter((r) => r.method === "POST" && r.path === `/channels/${w.ops}/messages`)
        .length;
    await tracker.check();
    expect(postsToOps()).toBe(1);
    expect((await w.settings.get(w.guild.id)).logChannelProblem).toMatchObject({
      kind: "forbidden",
    });
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("world"), "disabled", "gone", {
      code: "channel-deleted",
    });
    await tracker.check();
    await tracker.check();
    expect(postsToOps()).toBe(1);
    expect(w.logs.filter((l) => /log channel cannot take/.test(l.msg))).toHaveLength(1);
    expect(tracker.recorded(w.guild.id).map((r) => r.notice)).toEqual(["skipped", "skipped"]);

    // Fixed and chosen again: the next problem is reported.
    w.emu.setBotPermissions(w.ops, VIEW_AND_HISTORY | (1n << 11n) | (1n << 14n));
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("world"), "active");
    await w.subs.setChannelStatus(w.guild.id, w.guild.channelId("world"), "paused", "x", {
      code: "thread-locked",
    });
    await tracker.check();
    expect(w.emu.messages(w.ops)).toHaveLength(1);
    expect(w.text(w.emu.messages(w.ops)[0] as EmulatedMessage)).toContain("the thread is locked");
    expect(w.text(w.emu.messages(w.ops)[0] as EmulatedMessage)).toContain("resume by themselves");
  });

  it("names /resume as the fix for a pause the bot cannot see fixed by itself", async () => {
    const w = await healthWorld();
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    const news = w.guild.channelId("news");
    await w.subs.setChannelStatus(w.guild.id, news, "paused", "x", { code: "tag-required" });
    await (await w.bot("fr")).check();
    const body = w.text(w.emu.messages(w.ops)[0] as EmulatedMessage);
    expect(body).toContain("`/reprendre`");
    expect(body).toContain(`<#${news}>`);
    expect(body).not.toContain("d'elles-mêmes");
  });

  it("reports no muted topic, and names the lost permission beside one", async () => {
    const w = await healthWorld();
    await w.settings.setLogChannel(w.guild.id, w.ops, ADMIN, w.clock.now());
    const news = w.guild.channelId("news");
    const tracker = await w.bot();
    await w.subs.setTopicStatus(w.guild.id, news, "climate", {
      status: "paused",
      reason: "muted",
      why: { code: "muted", by: ADMIN, at: 0 },
    });
    expect(await tracker.check()).toMatchObject({ opened: 0 });
    await w.subs.upsert(sub({ guildId: w.guild.id, channelId: news, topic: "energy" }));
    await w.subs.setChannelStatus(w.guild.id, news, "paused", "x", {
      code: "missing-permissions",
      permissions: ["Send Messages"],
    });
    expect(await tracker.check()).toMatchObject({ opened: 1 });
    const body = w.text(w.emu.messages(w.ops)[0] as EmulatedMessage);
    expect(body).toContain("**Send Messages**");
    expect(body).not.toContain("muted");
  });
});
