/**
 * Opt-in role pings through the outbox, the sender and the real discord.js REST client against
 * the Discord emulator, which decides like Discord who a message notifies (`mention_roles`,
 * `mention_everyone`): exactly the subscribed role, once per message, only for stories at or
 * above the ping threshold; never a roll-up or an edit; a crash-resumed batch as the first try.
 */
import type { RESTPostAPIChannelMessageJSONBody } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import type { ChannelPoster } from "../../src/deliver/poster.js";
import type { DeliverySenderOptions } from "../../src/deliver/sender.js";
import type { Subscription } from "../../src/subscriptions/store.js";
import type { EmulatedMessage } from "../discord-emulator/index.js";
import { deliveryWorld, sleep, until, type World } from "./emulator-world.js";
import { deliveryPipeline, FEED, story, sub, tag } from "./fixtures.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type PingWorld = World & { news: string; desk: string; energyDesk: string };

/** The world with a mentionable role per topic and news subscribed to climate, pinging its role. */
async function world(options: Parameters<typeof deliveryWorld>[3] = {}): Promise<PingWorld> {
  const w = await deliveryWorld(cleanups, ["news"], { perChannel: 5, windowMs: 1000 }, options);
  const desk = w.emu.addRole(w.guild.id, { name: "climate-desk", mentionable: true }).id;
  const energyDesk = w.emu.addRole(w.guild.id, { name: "energy-desk", mentionable: true }).id;
  const news = w.guild.channelId("news");
  await subscribe(w, news, { mention: { roleId: desk, minScore: 0.8 } });
  return { ...w, news, desk, energyDesk };
}

async function subscribe(w: World, channelId: string, change: Partial<Subscription>) {
  await w.subs.upsert(sub({ guildId: w.guild.id, channelId, ...change }));
}

function pipeline(
  w: World,
  options: Partial<DeliverySenderOptions> = {},
  poster: ChannelPoster = w.poster,
) {
  const parts = deliveryPipeline(w, { sender: options, poster });
  cleanups.push(() => parts.sender.stop());
  return parts;
}

/** A climate story scoring `score` for the topic. */
const climate = (n: number, score: number) => story(n, { topics: [tag("climate", score)] });

/** Who a message notified, as Discord decided it, and what the bot asked for. */
const pinged = (m: EmulatedMessage | undefined) => ({
  roles: m?.mention_roles,
  everyone: m?.mention_everyone,
  content: m?.content,
  allowed: m?.allowed_mentions,
});

const NO_PING = { roles: [], everyone: false, content: "", allowed: { parse: [] } };
const pingOf = (role: string) => ({
  roles: [role],
  everyone: false,
  content: `<@&${role}>`,
  allowed: { parse: [], roles: [role] },
});

async function settled(w: PingWorld, parts: ReturnType<typeof pipeline>): Promise<void> {
  await until(async () => parts.sender.idle && (await parts.outbox.backlog(w.news)) === 0);
  await sleep(150);
}

describe("opt-in role pings", () => {
  it("pings exactly the chosen role for a story at the threshold; one below it posts silently", async () => {
    const w = await world();
    const parts = pipeline(w);
    parts.sender.start();
    await parts.sink.accept([climate(1, 0.8)], FEED);
    await until(() => w.emu.messages(w.news).length === 1);
    await parts.sink.accept([climate(2, 0.79)], FEED);
    await until(() => w.emu.messages(w.news).length === 2);
    const [first, second] = w.emu.messages(w.news);
    expect(pinged(first)).toEqual(pingOf(w.desk));
    expect(pinged(second)).toEqual(NO_PING);
    expect(second?.embeds[0]?.title).toBe("Story number 2");
  });

  it("a burst of qualifying stories is one message with one mention; below-threshold ones ride along", async () => {
    const w = await world();
    const parts = pipeline(w);
    await parts.sink.accept(
      [climate(1, 0.5), climate(2, 0.9), climate(3, 0.95), climate(4, 0.85), climate(5, 0.2)],
      FEED,
    );
    parts.sender.start();
    await settled(w, parts);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds).toHaveLength(5);
    expect(pinged(messages[0])).toEqual(pingOf(w.desk));
  });

  it("a message with stories for two pinging subscriptions mentions each role once", async () => {
    const w = await world();
    await subscribe(w, w.news, {
      topic: "energy",
      mention: { roleId: w.energyDesk, minScore: 0.5 },
    });
    const parts = pipeline(w);
    await parts.sink.accept(
      [
        climate(1, 0.9),
        story(2, { topics: [tag("energy", 0.7)] }),
        story(3, { topics: [tag("energy", 0.9), tag("climate", 0.85)] }),
        climate(4, 0.99),
      ],
      FEED,
    );
    parts.sender.start();
    await settled(w, parts);
    const [message, ...more] = w.emu.messages(w.news);
    expect(more).toHaveLength(0);
    expect(message?.mention_roles).toEqual([w.desk, w.energyDesk]);
    expect(message?.content).toBe(`<@&${w.desk}> <@&${w.energyDesk}>`);
    expect(message?.allowed_mentions).toEqual({ parse: [], roles: [w.desk, w.energyDesk] });
    expect(message?.mention_everyone).toBe(false);
  });

  it("a roll-up never pings, though its stories would have", async () => {
    const w = await world();
    const hour = 3_600_000;
    // Mid-hour, so the test does not straddle an hour boundary.
    w.clock.offset = Math.ceil(Date.now() / hour) * hour + hour / 2 - Date.now();
    const parts = pipeline(w, { hourlyCap: 1 });
    parts.sender.start();
    await parts.sink.accept(
      [1, 2, 3, 4].map((n) => climate(n, 0.95)),
      FEED,
    );
    await until(() => w.emu.messages(w.news).length === 1);
    await sleep(300);
    w.clock.offset += hour;
    parts.sender.notify(w.news);
    await until(() => w.emu.messages(w.news).length === 2);
    const [alert, rollup] = w.emu.messages(w.news);
    expect(pinged(alert)).toEqual(pingOf(w.desk));
    expect(rollup?.embeds[0]?.title).toContain("3 more stories");
    expect(pinged(rollup)).toEqual(NO_PING);
  });

  it("a later report edits the alert without a new ping and keeps its content", async () => {
    const w = await world();
    const parts = pipeline(w);
    parts.sender.start();
    await parts.sink.accept([story(1, { topics: [tag("climate", 0.9)], cluster: "e1" })], FEED);
    await until(() => w.emu.messages(w.news).length === 1);
    await settled(w, parts);
    await parts.sink.accept(
      [story(2, { topics: [tag("climate", 0.99)], cluster: "e1", feedName: "AP" })],
      { ...FEED, id: "ap", name: "AP" },
    );
    await until(() => w.emu.messages(w.news)[0]?.edited_timestamp !== null);
    await settled(w, parts);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.content).toBe(`<@&${w.desk}>`);
    expect(messages[0]?.mention_roles).toEqual([w.desk]);
    const edits = w.emu.requests.filter((r) => r.method === "PATCH" && r.path.includes(w.news));
    expect(edits).toHaveLength(1);
    // The edit sends embeds only: no content to parse, nothing allowed to ping.
    expect(edits[0]?.body).not.toHaveProperty("content");
    expect(edits[0]?.body).toHaveProperty("allowed_mentions", { parse: [] });
    // The edit listed the later report under the alert: it did happen.
    expect(JSON.stringify(messages[0]?.embeds)).toContain("AP");
  });

  it("a batch resumed after a crash pings as planned, even if the ping was removed meanwhile", async () => {
    const w = await world();
    const bodies: RESTPostAPIChannelMessageJSONBody[] = [];
    let attempts = 0;
    // Dies before Discord hears of the batch: the process never learns whether it went.
    const dying: ChannelPoster = {
      async post(_channelId, body) {
        attempts++;
        bodies.push(body);
        throw new Error("process killed");
      },
    };
    const first = pipeline(w, { backoffBaseMs: 60_000, backoffMaxMs: 60_000 }, dying);
    first.sender.start();
    await first.sink.accept([climate(1, 0.9), climate(2, 0.3)], FEED);
    await until(() => attempts === 1);
    await first.sender.stop();
    expect((await first.outbox.state(w.news))?.flight?.pings).toEqual([w.desk]);

    // The admin subscribes again without the ping before the restart: the batch already decided.
    await subscribe(w, w.news, {});
    const recording: ChannelPoster = {
      post(channelId, body, signal) {
        bodies.push(body);
        return w.poster.post(channelId, body, signal);
      },
    };
    const second = pipeline(w, {}, recording);
    second.sender.start();
    await settled(w, second);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    expect(pinged(messages[0])).toEqual(pingOf(w.desk));
    // The retry is the first try word for word: same nonce, same content, same mentions.
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);

    // New stories follow the subscription as it is now: no ping.
    await second.sink.accept([climate(3, 0.99)], FEED);
    await until(() => w.emu.messages(w.news).length === 2);
    expect(pinged(w.emu.messages(w.news)[1])).toEqual(NO_PING);
  });

  it("a pinging batch resumed after Discord forgot its nonce is found by its embeds, not sent twice", async () => {
    const w = await world({ nonceWindowMs: 100 });
    let attempts = 0;
    // Discord takes the message, then the process dies before it learns so.
    const dying: ChannelPoster = {
      async post(channelId, body, signal) {
        attempts++;
        await w.poster.post(channelId, body, signal);
        throw new Error("process killed");
      },
    };
    const first = pipeline(w, { backoffBaseMs: 60_000, backoffMaxMs: 60_000 }, dying);
    first.sender.start();
    await first.sink.accept([climate(1, 0.9)], FEED);
    await until(() => attempts === 1);
    await first.sender.stop();
    await sleep(150);
    w.clock.offset += 10 * 60_000;
    const second = pipeline(w);
    second.sender.start();
    await settled(w, second);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    expect(pinged(messages[0])).toEqual(pingOf(w.desk));
    expect(
      w.emu.requests.filter((r) => r.method === "GET" && r.path.includes(w.news)),
    ).toHaveLength(1);
  });

  it("a forum post's first message carries the ping", async () => {
    const w = await world();
    const forum = w.emu.addChannel(w.guild.id, {
      name: "briefings",
      type: 15,
      tags: [{ name: "climate" }],
    }).id;
    await subscribe(w, forum, { target: "forum", mention: { roleId: w.desk, minScore: 0.8 } });
    const parts = deliveryPipeline(w, { forums: w.poster });
    cleanups.push(() => parts.sender.stop());
    parts.sender.start();
    await parts.sink.accept([climate(1, 0.9), climate(2, 0.4)], FEED);
    await until(() => w.emu.threads(forum).length === 2);
    await sleep(150);
    const [hot, mild] = w.emu.threads(forum).map((t) => w.emu.messages(t.id)[0]);
    expect(hot?.embeds[0]?.title).toBe("Story number 1");
    expect(pinged(hot)).toEqual(pingOf(w.desk));
    expect(pinged(mild)).toEqual(NO_PING);
  });
});
