/**
 * Alerts resume by themselves once the permission is back, through the whole bot on the
 * emulator: the real discord.js client's gateway cache and events, the real sender and outbox.
 * A channel loses Send Messages, its subscription is paused and its alerts kept; the permission
 * is given back (a channel overwrite, or a role) and, with no command run, the subscription is
 * active again and the kept alerts are posted once each, in order.
 */
import { PermissionFlagsBits as P } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import { Outbox } from "../../src/deliver/outbox.js";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { DeliverySender } from "../../src/deliver/sender.js";
import { PermissionRecovery } from "../../src/discord/permission-recovery.js";
import {
  cachedPermissionView,
  watchPermissionChanges,
} from "../../src/discord/permission-watch.js";
import { summarize } from "../../src/summarize/index.js";
import { type BotHarness, startBotHarness } from "../helpers/bot-harness.js";
import { sleep, until } from "./emulator-world.js";
import { FEED, silentLog, story, sub } from "./fixtures.js";

const WITHOUT_SEND = P.ViewChannel | P.EmbedLinks | P.ReadMessageHistory;
const WITH_SEND = WITHOUT_SEND | P.SendMessages;

let h: BotHarness;
let stops: Array<() => Promise<void> | void> = [];
beforeEach(async () => {
  h = await startBotHarness();
  stops = [];
});
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  await h.close();
});

/** The bot's delivery and recovery over the harness, wired as src/discord/run.ts wires them. */
function bot(): { sink: DiscordSink; sender: DeliverySender; recovery: PermissionRecovery } {
  const { subscriptions, taxonomy } = h.ctx;
  const outbox = new Outbox(
    { kv: h.storage.kv, subscriptions, taxonomy, now: Date.now },
    { retentionMs: 86_400_000 },
  );
  const sender = new DeliverySender(
    {
      outbox,
      subscriptions,
      poster: new DiscordJsPoster(h.client.rest, { client: h.client }),
      taxonomy,
      log: silentLog,
      random: () => 0.5,
    },
    // Without a wake-up the sender would look at a paused channel again only after a minute.
    { backoffBaseMs: 200, backoffMaxMs: 1000, idleMs: 60_000 },
  );
  const recovery = new PermissionRecovery(
    {
      subscriptions,
      view: cachedPermissionView(h.client),
      wake: (channelId) => sender.notify(channelId),
      log: h.ctx.log,
    },
    // The sweep is out of the way: only gateway events can resume here.
    { debounceMs: 100, intervalMs: 3_600_000 },
  );
  const unwatch = watchPermissionChanges(h.client, recovery);
  recovery.start();
  stops.push(
    () => sender.stop(),
    () => unwatch(),
    () => recovery.stop(),
  );
  const sink = new DiscordSink({ outbox, subscriptions, sender, summarize, log: silentLog });
  return { sink, sender, recovery };
}

const titles = (channelId: string) =>
  h.emu.messages(channelId).flatMap((m) => m.embeds.map((e) => e.title));
/** What the client's gateway cache says the bot may do there (what recovery reads). */
function botCan(channelId: string, bit: bigint): boolean {
  const channel = h.client.channels.cache.get(channelId);
  const me = h.client.user;
  if (!channel || channel.isDMBased() || !me) return false;
  return channel.permissionsFor(me)?.has(bit) === true;
}
const subOf = (channelId: string) =>
  h.ctx.subscriptions.forChannel(channelId).find((s) => s.topic === "climate");
const resumedLogs = () => h.logs.filter((l) => l.msg.startsWith("alerts resumed"));

/** Queues stories 1..n for the news channel and lets delivery fail on the missing permission. */
async function pauseNews(sink: DiscordSink, sender: DeliverySender, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await sink.accept([story(i)], FEED);
  sender.start();
  await until(() => subOf(h.newsId)?.status === "paused");
  expect(subOf(h.newsId)?.statusWhy).toMatchObject({ code: "missing-permissions" });
  expect(h.emu.messages(h.newsId)).toHaveLength(0);
}

describe("alerts paused for a lost permission", () => {
  it("resume by themselves when the channel's permission is given back, each kept alert once, in order", async () => {
    await h.ctx.subscriptions.upsert(sub({ guildId: h.guildId, channelId: h.newsId }));
    // Another channel's subscription paused for a cause recovery does not handle: left alone.
    await h.ctx.subscriptions.upsert(
      sub({
        guildId: h.guildId,
        channelId: h.alertsId,
        status: "paused",
        statusReason: "the forum requires a tag",
        statusWhy: { code: "tag-required" },
      }),
    );
    h.emu.setBotPermissions(h.newsId, WITHOUT_SEND);
    await until(() => !botCan(h.newsId, P.SendMessages));
    const { sink, sender } = bot();
    await pauseNews(sink, sender, 3);
    await sleep(400); // events and the sender's retries: still nothing
    expect(subOf(h.newsId)?.status).toBe("paused");
    expect(h.emu.messages(h.newsId)).toHaveLength(0);

    h.emu.setBotPermissions(h.newsId, WITH_SEND);
    h.emu.setBotPermissions(h.alertsId, WITH_SEND);
    await until(() => titles(h.newsId).length >= 3, 5000);
    expect(subOf(h.newsId)?.status).toBe("active");
    expect(subOf(h.newsId)?.statusWhy).toBeUndefined();
    await sleep(500); // nothing more comes
    expect(titles(h.newsId)).toEqual(["Story number 1", "Story number 2", "Story number 3"]);
    expect(subOf(h.alertsId)?.status).toBe("paused");
    expect(subOf(h.alertsId)?.statusWhy?.code).toBe("tag-required");
    expect(resumedLogs()).toHaveLength(1);
    expect(resumedLogs()[0]).toMatchObject({
      guildId: h.guildId,
      channelId: h.newsId,
      resumed: 1,
      codes: ["missing-permissions"],
      source: "event",
    });
  });

  it("resume when a role gives the permission back (GUILD_ROLE_UPDATE), once for several updates", async () => {
    await h.ctx.subscriptions.upsert(sub({ guildId: h.guildId, channelId: h.newsId }));
    const guild = h.client.guilds.cache.get(h.guildId);
    const botRole = guild?.members.me?.roles.cache.find((r) => r.id !== h.guildId);
    if (!guild || !botRole) throw new Error("the bot's role is not cached");
    const everyone = guild.roles.everyone.permissions.bitfield;
    // Neither @everyone nor the bot's role grants Embed Links any more.
    h.emu.setRolePermissions(h.guildId, h.guildId, everyone & ~P.EmbedLinks);
    h.emu.setRolePermissions(h.guildId, botRole.id, botRole.permissions.bitfield & ~P.EmbedLinks);
    await until(() => !botCan(h.newsId, P.EmbedLinks));
    const { sink, sender } = bot();
    await pauseNews(sink, sender, 2);
    expect(subOf(h.newsId)?.statusWhy?.permissions).toContain("Embed Links");

    for (let i = 0; i < 5; i++) {
      h.emu.setRolePermissions(h.guildId, botRole.id, botRole.permissions.bitfield | P.EmbedLinks);
    }
    await until(() => titles(h.newsId).length >= 2, 5000);
    await sleep(300);
    expect(titles(h.newsId)).toEqual(["Story number 1", "Story number 2"]);
    expect(resumedLogs()).toHaveLength(1);
  });

  it("resume in a thread once a moderator unlocks it (THREAD_UPDATE)", async () => {
    const thread = h.emu.addThread(h.newsId, { name: "desk" });
    await until(() => h.client.channels.cache.has(thread.id));
    await h.ctx.subscriptions.upsert(
      sub({ guildId: h.guildId, channelId: thread.id, target: "thread" }),
    );
    h.emu.setThread(thread.id, { locked: true });
    await until(() => {
      const cached = h.client.channels.cache.get(thread.id);
      return cached?.isThread() === true && cached.locked === true;
    });
    const { sink, sender } = bot();
    await sink.accept([story(1)], FEED);
    sender.start();
    await until(() => subOf(thread.id)?.status === "paused");
    expect(subOf(thread.id)?.statusWhy?.code).toBe("thread-locked");

    h.emu.setThread(thread.id, { locked: false });
    await until(() => titles(thread.id).length >= 1, 5000);
    await sleep(300);
    expect(titles(thread.id)).toEqual(["Story number 1"]);
    expect(subOf(thread.id)?.status).toBe("active");
  });

  it("stay paused while the permission given is not the one missing", async () => {
    await h.ctx.subscriptions.upsert(sub({ guildId: h.guildId, channelId: h.newsId }));
    h.emu.setBotPermissions(h.newsId, WITHOUT_SEND);
    await until(() => !botCan(h.newsId, P.SendMessages));
    const { sink, sender, recovery } = bot();
    await pauseNews(sink, sender, 1);
    h.emu.setBotPermissions(h.newsId, WITHOUT_SEND | P.AttachFiles);
    await until(() => botCan(h.newsId, P.AttachFiles));
    await sleep(300);
    expect(await recovery.sweep()).toBe(0);
    expect(subOf(h.newsId)?.status).toBe("paused");
    expect(h.emu.messages(h.newsId)).toHaveLength(0);
  });
});
