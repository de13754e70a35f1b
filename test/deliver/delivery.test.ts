/**
 * Outbox + sender against the Discord emulator through the REAL discord.js REST client:
 * bursts under a rate limit, deleted channels, lost permissions, outages, crashes mid-send,
 * the hourly cap, and repeated offers.
 */
import { PermissionFlagsBits, type RESTPostAPIChannelMessageJSONBody } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelPoster } from "../../src/deliver/poster.js";
import type { DeliverySenderOptions } from "../../src/deliver/sender.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import type { JsonObject } from "../discord-emulator/index.js";
import { deliveryWorld, sleep, until, type World } from "./emulator-world.js";
import { deliveryPipeline, FEED, story, sub } from "./fixtures.js";

const _DAY_MS = 86_400_000;

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type WorldArgs = Parameters<typeof deliveryWorld>;
const world = (channels?: WorldArgs[1], rateLimit?: WorldArgs[2], options?: WorldArgs[3]) =>
  deliveryWorld(cleanups, channels, rateLimit, options);

function pipeline(
  w: World,
  options: Partial<DeliverySenderOptions> = {},
  poster: ChannelPoster = w.poster,
) {
  const parts = deliveryPipeline(w, { sender: options, poster });
  cleanups.push(() => parts.sender.stop());
  return parts;
}

const stories = (n: number, from = 1): TaggedStory[] =>
  Array.from({ length: n }, (_, i) => story(from + i));

/** Every embed posted in the channel, in order. */
function embeds(w: World, channelId: string): JsonObject[] {
  return w.emu.messages(channelId).flatMap((m) => m.embeds);
}

describe("delivery through the emulator", () => {
  it.each([
    { label: "5 per 1 s, with headers", perChannel: 5, windowMs: 1000, sendHeaders: true },
    // Without X-RateLimit headers discord.js cannot wait ahead and must recover from real 429s.
    { label: "1 per 400 ms, 429s only", perChannel: 1, windowMs: 400, sendHeaders: false },
  ])(
    "delivers a 30-story burst under a rate limit ($label): all, in order, ≤ 10 per message, once",
    async (limit) => {
      const w = await world(["news"], limit);
      const news = w.guild.channelId("news");
      const { sink, sender } = pipeline(w, { hourlyCap: 100 });
      sender.start();
      // Shuffled within the offer: the sink orders by publication time.
      const burst = stories(30).reverse();
      await sink.accept(burst, FEED);
      await until(() => embeds(w, news).length >= 30);
      await sleep(300);
      const titles = embeds(w, news).map((e) => e.title);
      expect(titles).toEqual(stories(30).map((s) => s.title));
      const messages = w.emu.messages(news);
      for (const m of messages) {
        expect(m.embeds.length).toBeLessThanOrEqual(10);
        expect(m.allowed_mentions).toEqual({ parse: [] });
      }
      expect(messages.length).toBeLessThan(30);
      expect(messages.length).toBeGreaterThanOrEqual(3);
      // Nonces were unique per batch.
      expect(new Set(messages.map((m) => m.nonce)).size).toBe(messages.length);
      if (!limit.sendHeaders) expect(w.emu.rateLimitHits(news)).toBeGreaterThan(0);
      const [climate] = w.subs.forGuild(w.guild.id);
      expect(climate?.alertsSent).toBe(30);
    },
  );

  it("a subscription with exclusions gets the other stories only; one without gets all", async () => {
    const w = await world(["desk", "all"]);
    const desk = w.guild.channelId("desk");
    const all = w.guild.channelId("all");
    await w.subs.upsert(
      sub({ guildId: w.guild.id, channelId: desk, exclude: ["football", "Eurovision"] }),
    );
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(
      [
        story(1, { title: "Climate pledges at the EUROVISION final", text: "Ministers met." }),
        story(2, { title: "Climate summit opens", text: "Ministers met in Baku." }),
        story(3, { title: "Stadiums and the climate", text: "Le Football et le climat." }),
        story(4, { title: "Footballers back climate bill", text: "Ministers met." }),
      ],
      FEED,
    );
    await until(() => embeds(w, all).length >= 4 && embeds(w, desk).length >= 2);
    await sleep(300);
    expect(embeds(w, desk).map((e) => e.title)).toEqual([
      "Climate summit opens",
      // "Footballers" is another word than "football".
      "Footballers back climate bill",
    ]);
    expect(embeds(w, all)).toHaveLength(4);
  });

  it("a message Discord rejects (50035) is split to find the bad story, which alone is dropped", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    // The story titled "poison" reaches Discord with a title over the 256 limit, as if our own
    // limits had missed something: the emulator answers 50035 for any message carrying it.
    const poisoning: ChannelPoster = {
      post(channelId, body, signal) {
        const embeds = body.embeds?.map((e) =>
          e.title === "poison" ? { ...e, title: "x".repeat(300) } : e,
        );
        return w.poster.post(channelId, { ...body, embeds }, signal);
      },
    };
    const { sender, sink, outbox } = pipeline(w, {}, poisoning);
    await sink.accept(
      [
        story(1, { title: "fine one" }),
        story(2, { title: "poison" }),
        story(3, { title: "fine three" }),
      ],
      FEED,
    );
    sender.start();
    await until(async () => sender.idle && (await outbox.backlog(news)) === 0);
    await sleep(200);
    expect(embeds(w, news).map((e) => e.title)).toEqual(["fine one", "fine three"]);
    const rejected = w.emu.requests.filter((r) => r.method === "POST" && r.status === 400);
    // The batch of three, then the poisoned story alone.
    expect(rejected).toHaveLength(2);
  });

  it("disables a deleted channel's subscriptions; the other channel still gets its alerts", async () => {
    const w = await world(["gone", "kept"]);
    const gone = w.guild.channelId("gone");
    const kept = w.guild.channelId("kept");
    const { sink, sender, outbox } = pipeline(w);
    w.emu.deleteChannel(gone);
    sender.start();
    await sink.accept(stories(3), FEED);
    await until(() => embeds(w, kept).length >= 3);
    await until(() =>
      w.subs.forGuild(w.guild.id).some((s) => s.channelId === gone && s.status === "disabled"),
    );
    const disabled = w.subs.forGuild(w.guild.id).find((s) => s.channelId === gone);
    expect(disabled?.statusReason).toBe("the channel was deleted");
    expect(disabled?.statusWhy).toEqual({ code: "channel-deleted" });
    await until(async () => (await outbox.state(gone))?.flight === undefined);
    expect(await outbox.backlog(gone)).toBe(0);
    // The disabled channel no longer matches: new stories only go to the live one.
    await sink.accept(stories(1, 10), FEED);
    await until(() => embeds(w, kept).length >= 4);
    await sleep(300);
    expect(await outbox.backlog(gone)).toBe(0);
    const posts = w.emu.requests.filter((r) => r.method === "POST" && r.path.includes(gone));
    expect(posts).toHaveLength(1);
  });

  it("pauses on missing permission, keeps the queue, and resumes once active again", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    w.emu.setBotPermissions(news, PermissionFlagsBits.ViewChannel);
    const { sink, sender, outbox } = pipeline(w);
    sender.start();
    await sink.accept(stories(3), FEED);
    await until(() => w.subs.forGuild(w.guild.id)[0]?.status === "paused");
    expect(w.subs.forGuild(w.guild.id)[0]?.statusReason).toContain("Send Messages");
    // The same as a code and Discord's permission names, for each admin's language (without a
    // gateway cache the poster cannot tell which of the two is missing).
    expect(w.subs.forGuild(w.guild.id)[0]?.statusWhy).toEqual({
      code: "missing-permissions",
      permissions: ["Send Messages", "Embed Links"],
      anyOf: true,
    });
    expect((await outbox.state(news))?.flight?.storyIds).toContain("s0001");
    expect(await outbox.backlog(news)).toBe(3);
    expect(embeds(w, news)).toHaveLength(0);

    w.emu.setBotPermissions(
      news,
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks,
    );
    await w.subs.setChannelStatus(w.guild.id, news, "active");
    sender.notify(news);
    await until(() => embeds(w, news).length >= 3);
    expect(embeds(w, news).map((e) => e.title)).toEqual(stories(3).map((s) => s.title));
  });

  it("loses nothing and duplicates nothing across a 3 s outage", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    const { sink, sender } = pipeline(w);
    w.emu.setOutage(true, { gateway: false });
    sender.start();
    await sink.accept(stories(12), FEED);
    await sleep(3000);
    expect(embeds(w, news)).toHaveLength(0);
    w.emu.setOutage(false);
    await until(() => embeds(w, news).length >= 12);
    await sleep(500);
    expect(embeds(w, news).map((e) => e.title)).toEqual(stories(12).map((s) => s.title));
  });

  it("a failure after Discord took the message is retried with the same nonce: no duplicate", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    let failNext = true;
    const flaky: ChannelPoster = {
      async post(channelId, body, signal) {
        const result = await w.poster.post(channelId, body, signal);
        if (failNext) {
          failNext = false;
          throw new Error("socket hang up after the response");
        }
        return result;
      },
    };
    const { sink, sender } = pipeline(w, {}, flaky);
    sender.start();
    await sink.accept(stories(4), FEED);
    await until(() => !failNext && sender.idle);
    await sleep(800);
    expect(w.emu.messages(news)).toHaveLength(1);
    expect(embeds(w, news)).toHaveLength(4);
    // The retry was a real second request, answered with the first message.
    const posts = w.emu.requests.filter((r) => r.method === "POST" && r.path.includes(news));
    expect(posts.length).toBe(2);
  });

  it("a crash between send and mark: a fresh outbox + sender over the same storage resends nothing twice", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    let posted = 0;
    // Posts, then "dies": the process never learns the post worked.
    const dying: ChannelPoster = {
      async post(channelId, body: RESTPostAPIChannelMessageJSONBody, signal) {
        await w.poster.post(channelId, body, signal);
        posted++;
        throw new Error("process killed");
      },
    };
    const first = pipeline(w, { backoffBaseMs: 60_000, backoffMaxMs: 60_000 }, dying);
    first.sender.start();
    await first.sink.accept(stories(5), FEED);
    await until(() => posted === 1);
    await first.sender.stop();
    expect((await first.outbox.state(news))?.flight?.storyIds).toHaveLength(5);

    const second = pipeline(w);
    second.sender.start();
    await until(async () => second.sender.idle && (await second.outbox.backlog(news)) === 0);
    expect(w.emu.messages(news)).toHaveLength(1);
    expect(embeds(w, news)).toHaveLength(5);
    expect((await second.outbox.state(news))?.flight).toBeUndefined();
    // Offered again by the poller after the restart: still once.
    await second.sink.accept(stories(5), FEED);
    await sleep(300);
    expect(embeds(w, news)).toHaveLength(5);
  });

  it("past the hourly cap, the rest of the hour goes out as one roll-up", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    // Start mid-hour so the test does not straddle an hour boundary.
    const hour = 3_600_000;
    w.clock.offset = Math.ceil(Date.now() / hour) * hour + hour / 2 - Date.now();
    const { sink, sender, outbox } = pipeline(w, { hourlyCap: 3 });
    sender.start();
    await sink.accept(stories(8), FEED);
    await until(() => embeds(w, news).length >= 3);
    await sleep(400);
    expect(embeds(w, news)).toHaveLength(3);
    expect(await outbox.backlog(news)).toBe(5);

    w.clock.offset += hour;
    sender.notify(news);
    await until(() => w.emu.messages(news).length >= 2);
    await sleep(300);
    const messages = w.emu.messages(news);
    expect(messages).toHaveLength(2);
    const rollup = messages[1]?.embeds[0];
    expect(rollup?.title).toContain("5 more stories");
    for (const s of stories(5, 4)) expect(String(rollup?.description)).toContain(s.title);
    expect(await outbox.backlog(news)).toBe(0);
    expect(w.subs.forGuild(w.guild.id)[0]?.alertsSent).toBe(8);
  });

  it("accepting the same stories twice delivers them once", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    const { sink, sender } = pipeline(w);
    await sink.accept(stories(4), FEED);
    await sink.accept(stories(4), FEED);
    sender.start();
    await until(() => embeds(w, news).length >= 4);
    await sink.accept(stories(4), FEED);
    await sleep(500);
    expect(embeds(w, news)).toHaveLength(4);
  });

  it("drain hands back a batch that cannot finish; the next start resumes it with its nonce", async () => {
    const w = await world();
    const news = w.guild.channelId("news");
    w.emu.setOutage(true, { gateway: false });
    const first = pipeline(w, { backoffBaseMs: 60_000, backoffMaxMs: 60_000 });
    first.sender.start();
    await first.sink.accept(stories(2), FEED);
    await until(async () => (await first.outbox.state(news))?.flight !== undefined);
    const result = await first.sender.drain(200);
    expect(result.finished).toBe(true);
    const nonce = (await first.outbox.state(news))?.flight?.nonce;
    expect(nonce).toBeDefined();
    w.emu.setOutage(false);
    const second = pipeline(w);
    second.sender.start();
    await until(() => embeds(w, news).length >= 2);
    expect(w.emu.messages(news)[0]?.nonce).toBe(nonce);
  });

  /**
   * The bot posts a batch and dies before recording it, then stays down longer than Discord
   * remembers the nonce (100 ms in this emulator; "a few minutes" at Discord). Returns how many
   * messages the channel ends with once a fresh sender has worked through the backlog.
   */
  async function resumeAfterNonceExpired(options: {
    arrived: boolean;
    poster: (w: World) => ChannelPoster;
  }): Promise<{ messages: number; embeds: number; gets: number }> {
    const w = await world(["news"], { perChannel: 5, windowMs: 1000 }, { nonceWindowMs: 100 });
    const news = w.guild.channelId("news");
    let attempts = 0;
    const dying: ChannelPoster = {
      async post(channelId, body, signal) {
        attempts++;
        if (options.arrived) await w.poster.post(channelId, body, signal);
        throw new Error("process killed");
      },
    };
    const first = pipeline(w, { backoffBaseMs: 60_000, backoffMaxMs: 60_000 }, dying);
    first.sender.start();
    await first.sink.accept(stories(5), FEED);
    await until(() => attempts === 1);
    await first.sender.stop();
    await sleep(150);
    w.clock.offset += 10 * 60_000;
    const second = pipeline(w, {}, options.poster(w));
    second.sender.start();
    await until(async () => second.sender.idle && (await second.outbox.backlog(news)) === 0);
    expect((await second.outbox.state(news))?.flight).toBeUndefined();
    const gets = w.emu.requests.filter((r) => r.method === "GET" && r.path.includes(news)).length;
    return { messages: w.emu.messages(news).length, embeds: embeds(w, news).length, gets };
  }

  it("a batch resumed after Discord forgot its nonce is found among the channel's messages, not posted twice", async () => {
    const found = await resumeAfterNonceExpired({ arrived: true, poster: (w) => w.poster });
    expect(found).toEqual({ messages: 1, embeds: 5, gets: 1 });
    // It had not arrived: the look finds nothing and the batch is posted, once.
    const posted = await resumeAfterNonceExpired({ arrived: false, poster: (w) => w.poster });
    expect(posted).toEqual({ messages: 1, embeds: 5, gets: 1 });
    // Without the look the same resume doubles: the emulator's nonce window is what it guards.
    const blind = await resumeAfterNonceExpired({
      arrived: true,
      poster: (w) => ({ post: (...args) => w.poster.post(...args) }),
    });
    expect(blind).toMatchObject({ messages: 2, embeds: 10, gets: 0 });
  });
});
