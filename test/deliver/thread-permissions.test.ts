/**
 * What a refused post says the bot lacks, when the place is not in discord.js's cache (threads
 * often are not): the names are those of where the alerts go, through the whole bot on the
 * emulator, down to what /subscriptions shows in German and English.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import { Outbox } from "../../src/deliver/outbox.js";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { DeliverySender } from "../../src/deliver/sender.js";
import { summarize } from "../../src/summarize/index.js";
import { type BotHarness, startBotHarness, textOf } from "../helpers/bot-harness.js";
import { FEED, silentLog, story, sub } from "./fixtures.js";

let h: BotHarness;
beforeEach(async () => {
  h = await startBotHarness();
});
afterEach(async () => {
  await h.close();
});

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The bot's delivery over the harness's storage, posting with the bot's own client. */
function deliver(): { sink: DiscordSink; sender: DeliverySender } {
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
    { backoffBaseMs: 200, backoffMaxMs: 1000, idleMs: 500 },
  );
  const sink = new DiscordSink({ outbox, subscriptions, sender, summarize, log: silentLog });
  return { sink, sender };
}

describe("a refused post into a thread the cache does not hold", () => {
  it("pauses the subscription naming Send Messages in Threads, in German and English", async () => {
    const news = h.newsId;
    // Send Messages in the channel does not let the bot post in its threads.
    h.emu.setBotPermissions(
      news,
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks,
    );
    const threadId = h.emu.addThread(news, { name: "climate desk" }).id;
    await until(() => h.client.channels.cache.has(threadId));
    // As after a restart, or for a private thread the gateway never announced.
    h.client.channels.cache.delete(threadId);
    await h.ctx.subscriptions.upsert(
      sub({ guildId: h.guildId, channelId: threadId, target: "thread" }),
    );
    const { sink, sender } = deliver();
    sender.start();
    try {
      await sink.accept([story(1)], FEED);
      const mine = () => h.ctx.subscriptions.forChannel(threadId)[0];
      await until(() => mine()?.status === "paused");
      expect(h.emu.messages(threadId)).toHaveLength(0);
      expect(mine()?.statusWhy?.permissions).toContain("Send Messages in Threads");
      expect(mine()?.statusWhy?.permissions).not.toContain("Send Messages");
      expect(mine()?.statusReason).toContain("Send Messages in Threads");
    } finally {
      await sender.stop();
    }
    const listed = async (locale: string) =>
      textOf((await h.run({ name: "subscriptions", locale })).outcome);
    const en = await listed("en-US");
    expect(en).toContain("Send Messages in Threads");
    expect(en).not.toMatch(/Send Messages(?! in Threads)/);
    const de = await listed("de");
    expect(de).toContain("Nachrichten in Threads senden");
    expect(de).not.toContain("Nachrichten senden");
  });
});
