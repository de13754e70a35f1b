/**
 * Alerts into threads and forum channels, through the emulator with the REAL discord.js REST
 * client: messages into a thread (reopening an archived one), a post per story in a forum with
 * the topic's tag, locked and deleted threads, required tags, permissions, and a restart between
 * creating a post and recording it.
 */
import { PermissionFlagsBits, REST } from "discord.js";
import Keyv from "keyv";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertLanguage } from "../../src/deliver/embed.js";
import { DiscordJsPoster, type ForumPoster } from "../../src/deliver/poster.js";
import { createDiscordClient } from "../../src/discord/client.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { type AlertTarget, SubscriptionStore } from "../../src/subscriptions/store.js";
import {
  type ChannelInput,
  DiscordEmulator,
  type EmulatedGuild,
  type ThreadInput,
} from "../discord-emulator/index.js";
import { sleep, until } from "./emulator-world.js";
import { deliveryPipeline, FEED, story, sub } from "./fixtures.js";

const _DAY_MS = 86_400_000;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface World {
  emu: DiscordEmulator;
  guild: EmulatedGuild;
  kv: Keyv;
  subs: SubscriptionStore;
  poster: DiscordJsPoster;
  clock: { offset: number; now: () => number };
}

/**
 * The emulator with a guild of these channels. With `gateway`, the poster is the bot's own: a
 * discord.js client logged in over the gateway, whose cache gives forum tags and its user id.
 */
async function world(channels: ChannelInput[], gateway = false): Promise<World> {
  const emu = await DiscordEmulator.start({ rateLimit: { perChannel: 5, windowMs: 1000 } });
  const guild = emu.addGuild({ name: "Desk", channels });
  const rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
  cleanups.push(async () => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await emu.stop();
  });
  let poster = new DiscordJsPoster(rest);
  if (gateway) {
    const client = createDiscordClient({ apiUrl: emu.apiUrl, globalRequestsPerSecond: 50 });
    const ready = new Promise<void>((resolve) => client.once("clientReady", () => resolve()));
    await client.login(emu.token);
    await ready;
    cleanups.push(() => client.destroy());
    poster = new DiscordJsPoster(client.rest, { client });
  }
  const kv = new Keyv();
  const subs = new SubscriptionStore(kv);
  await subs.load();
  const clock = { offset: 0, now: () => Date.now() + clock.offset };
  return { emu, guild, kv, subs, poster, clock };
}

async function subscribe(w: World, channelId: string, target: AlertTarget): Promise<void> {
  await w.subs.upsert(sub({ guildId: w.guild.id, channelId, target }));
}

function thread(w: World, parent: string, input: Partial<ThreadInput> = {}): string {
  return w.emu.addThread(w.guild.channelId(parent), { name: "desk thread", ...input }).id;
}

function pipeline(w: World, forums: ForumPoster | undefined = w.poster, language?: AlertLanguage) {
  const parts = deliveryPipeline(w, {
    ...(forums ? { forums } : {}),
    ...(language ? { language } : {}),
  });
  cleanups.push(() => parts.sender.stop());
  return parts;
}

const stories = (n: number, from = 1): TaggedStory[] =>
  Array.from({ length: n }, (_, i) => story(from + i));

const titlesIn = (w: World, channelId: string): string[] =>
  w.emu.messages(channelId).flatMap((m) => m.embeds.map((e) => String(e.title)));

const statusOf = (w: World, channelId: string) =>
  w.subs.forGuild(w.guild.id).find((s) => s.channelId === channelId);

describe("alerts into threads", () => {
  it("posts a thread's alerts into the thread, not its channel", async () => {
    const w = await world([{ name: "news" }]);
    const id = thread(w, "news");
    await subscribe(w, id, "thread");
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(stories(3), FEED);
    await until(() => titlesIn(w, id).length >= 3);
    expect(titlesIn(w, id)).toEqual(stories(3).map((s) => s.title));
    expect(w.emu.messages(w.guild.channelId("news"))).toHaveLength(0);
    // Three stories, one message: a thread takes batches like a channel.
    expect(w.emu.messages(id)).toHaveLength(1);
  });

  it("an archived thread that is not locked is reopened by the alert", async () => {
    const w = await world([{ name: "news" }]);
    const id = thread(w, "news", { archived: true });
    await subscribe(w, id, "thread");
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(stories(1), FEED);
    await until(() => titlesIn(w, id).length >= 1);
    expect(w.emu.threads(w.guild.channelId("news"))[0]?.thread?.archived).toBe(false);
    expect(statusOf(w, id)?.status).toBe("active");
  });

  it.each([
    { archived: false, reason: "the thread is locked" },
    { archived: true, reason: "the thread is closed and locked" },
  ])(
    "a locked thread (archived: $archived) pauses the subscription and keeps the queue",
    async ({ archived, reason }) => {
      const w = await world([{ name: "news" }]);
      const id = thread(w, "news", { archived, locked: true });
      await subscribe(w, id, "thread");
      const { sink, sender, outbox } = pipeline(w);
      sender.start();
      await sink.accept(stories(2), FEED);
      await until(() => statusOf(w, id)?.status === "paused");
      expect(statusOf(w, id)?.statusReason).toBe(reason);
      expect(statusOf(w, id)?.statusWhy).toEqual({
        code: archived ? "thread-closed" : "thread-locked",
      });
      expect(await outbox.backlog(id)).toBe(2);
      expect(w.emu.messages(id)).toHaveLength(0);

      // A moderator reopens it; the admin resumes the subscription: the queue goes out.
      w.emu.setThread(id, { archived: false, locked: false });
      await w.subs.setChannelStatus(w.guild.id, id, "active");
      sender.notify(id);
      await until(() => titlesIn(w, id).length >= 2);
    },
  );

  it("a deleted thread disables its subscriptions", async () => {
    const w = await world([{ name: "news" }]);
    const id = thread(w, "news");
    await subscribe(w, id, "thread");
    w.emu.deleteChannel(id);
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(stories(1), FEED);
    await until(() => statusOf(w, id)?.status === "disabled");
    expect(statusOf(w, id)?.statusReason).toBe("the thread was deleted");
    expect(statusOf(w, id)?.statusWhy).toEqual({ code: "thread-deleted" });
  });

  it("without Send Messages in Threads the subscription is paused and says so", async () => {
    const w = await world([{ name: "news" }]);
    const id = thread(w, "news");
    // Send Messages in the channel does not let the bot post in its threads.
    w.emu.setBotPermissions(
      w.guild.channelId("news"),
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks,
    );
    await subscribe(w, id, "thread");
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(stories(1), FEED);
    await until(() => statusOf(w, id)?.status === "paused");
    expect(w.emu.messages(id)).toHaveLength(0);
    expect(statusOf(w, id)?.statusReason).toBe(
      "ForeignDesk lacks Send Messages in Threads or Embed Links in this channel",
    );
  });
});

describe("alerts into forum channels", () => {
  const FORUM: ChannelInput = {
    name: "briefings",
    type: 15,
    tags: [{ name: "Energy" }, { name: "climate" }, { name: "Other" }],
  };

  it("creates one post per story, titled with the headline and tagged with the topic", async () => {
    const w = await world([FORUM], true);
    const forum = w.guild.channelId("briefings");
    await subscribe(w, forum, "forum");
    const { sink, sender } = pipeline(w);
    sender.start();
    const long = story(3, {
      title:
        "Negotiators in Baku agree on a new climate finance goal after two weeks of talks that ran far into overtime",
    });
    await sink.accept([story(1), story(2), long], FEED);
    await until(() => w.emu.threads(forum).length >= 3);
    await sleep(300);
    const posts = w.emu.threads(forum);
    expect(posts.map((p) => p.name)).toEqual([
      "Story number 1",
      "Story number 2",
      "Negotiators in Baku agree on a new climate finance goal after two weeks of talks that ran far into…",
    ]);
    expect(posts[2]?.name.length).toBeLessThanOrEqual(100);
    const climate = w.guild.channels.get(forum)?.availableTags?.find((t) => t.name === "climate");
    for (const post of posts) {
      expect(post.thread?.appliedTags).toEqual([climate?.id]);
      expect(post.thread?.ownerId).toBe(w.emu.botUserId);
      // The post's first message is the alert itself.
      const [first] = w.emu.messages(post.id);
      expect(first?.id).toBe(post.id);
      expect(first?.embeds).toHaveLength(1);
      expect(first?.allowed_mentions).toEqual({ parse: [] });
    }
    expect(titlesIn(w, posts[0]?.id ?? "")).toEqual(["Story number 1"]);
    expect(statusOf(w, forum)?.alertsSent).toBe(3);
  });

  it("a story without a title is posted under the server's word for untitled", async () => {
    const w = await world([FORUM]);
    const forum = w.guild.channelId("briefings");
    await subscribe(w, forum, "forum");
    const german = loadMessages().for("de");
    const { sink, sender } = pipeline(w, w.poster, () => german);
    sender.start();
    await sink.accept([story(1, { title: " \n " })], FEED);
    await until(() => w.emu.threads(forum).length >= 1);
    expect(w.emu.threads(forum).map((p) => p.name)).toEqual(["(ohne Titel)"]);
  });

  it("a forum that requires a tag and has none for the topic pauses, posting nothing", async () => {
    const w = await world([{ ...FORUM, tags: [{ name: "Other" }], flags: 1 << 4 }]);
    const forum = w.guild.channelId("briefings");
    await subscribe(w, forum, "forum");
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(stories(1), FEED);
    await until(() => statusOf(w, forum)?.status === "paused");
    expect(statusOf(w, forum)?.statusReason).toContain("requires a tag");
    expect(statusOf(w, forum)?.statusWhy).toEqual({ code: "tag-required" });
    expect(w.emu.threads(forum)).toHaveLength(0);
  });

  it("without Create Posts (Send Messages) in the forum the subscription is paused", async () => {
    const w = await world([FORUM]);
    const forum = w.guild.channelId("briefings");
    w.emu.setBotPermissions(
      forum,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.EmbedLinks,
    );
    await subscribe(w, forum, "forum");
    const { sink, sender } = pipeline(w);
    sender.start();
    await sink.accept(stories(1), FEED);
    await until(() => statusOf(w, forum)?.status === "paused");
    expect(w.emu.threads(forum)).toHaveLength(0);
    // A poster without a gateway cache names the forum's permissions, not a channel's.
    expect(statusOf(w, forum)?.statusWhy?.permissions).toEqual(["Create Posts", "Embed Links"]);
  });

  /**
   * The bot creates a post (or not) and dies before recording it; a fresh outbox and sender over
   * the same storage resume the batch later. Returns the posts the forum ends with.
   */
  async function resumeForumPost(options: {
    arrived: boolean;
    archivedMeanwhile?: boolean;
    look?: boolean;
    gateway?: boolean;
  }): Promise<string[]> {
    const w = await world([FORUM], options.gateway);
    const forum = w.guild.channelId("briefings");
    await subscribe(w, forum, "forum");
    let attempts = 0;
    const dying: ForumPoster = {
      forumInfo: (...args) => w.poster.forumInfo(...args),
      findPost: (...args) => w.poster.findPost(...args),
      async createPost(forumId, post, signal) {
        attempts++;
        if (options.arrived) await w.poster.createPost(forumId, post, signal);
        throw new Error("process killed");
      },
    };
    const first = pipeline(w, dying);
    first.sender.start();
    await first.sink.accept(stories(2), FEED);
    await until(() => attempts === 1);
    await first.sender.stop();
    expect((await first.outbox.state(forum))?.flight?.storyIds).toEqual(["s0001"]);
    if (options.archivedMeanwhile) {
      for (const p of w.emu.threads(forum)) w.emu.setThread(p.id, { archived: true });
    }
    w.clock.offset += 10 * 60_000;
    const blind: ForumPoster = {
      forumInfo: (...args) => w.poster.forumInfo(...args),
      findPost: async () => undefined,
      createPost: (...args) => w.poster.createPost(...args),
    };
    const second = pipeline(w, options.look === false ? blind : w.poster);
    second.sender.start();
    await until(async () => second.sender.idle && (await second.outbox.backlog(forum)) === 0);
    expect((await second.outbox.state(forum))?.flight).toBeUndefined();
    return w.emu.threads(forum).map((p) => p.name);
  }

  it("a restart between creating a post and recording it neither doubles nor loses the post", async () => {
    // Created before the crash: found among the active threads, not created again (by the bot's
    // own client, which also checks the post's owner, and by a bare REST poster).
    for (const gateway of [true, false]) {
      expect(await resumeForumPost({ arrived: true, gateway })).toEqual([
        "Story number 1",
        "Story number 2",
      ]);
    }
    // Created, then archived while the bot was down: found among the forum's archived posts.
    expect(await resumeForumPost({ arrived: true, archivedMeanwhile: true })).toEqual([
      "Story number 1",
      "Story number 2",
    ]);
    // Not created before the crash: the look finds nothing and the post is created, once.
    expect(await resumeForumPost({ arrived: false })).toEqual(["Story number 1", "Story number 2"]);
    // Without the look the resumed post doubles: creating a post has no nonce to stop it.
    expect(await resumeForumPost({ arrived: true, look: false })).toEqual([
      "Story number 1",
      "Story number 1",
      "Story number 2",
    ]);
  });
});
