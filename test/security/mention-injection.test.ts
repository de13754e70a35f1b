/**
 * No feed text can ping anyone. A feed item that writes `@everyone`, `@here` or `<@&role>` is
 * posted through the real pipeline and discord.js into the emulator, which decides like Discord
 * who a message notifies; the bot is given Mention Everyone and every role is mentionable, the
 * worst case, so only `allowed_mentions` and the content the poster builds stand in the way.
 */
import type { RESTPostAPIChannelMessageJSONBody } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { withOnlyRolePings } from "../../src/deliver/poster.js";
import { deliveryWorld, sleep, until, type World } from "../deliver/emulator-world.js";
import { deliveryPipeline, FEED, story, sub, tag } from "../deliver/fixtures.js";
import { DEFAULT_BOT_PERMISSIONS, Perm } from "../discord-emulator/state.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Hostile extends World {
  news: string;
  /** The role the subscription pings (when it does). */
  desk: string;
  /** A role no subscription pings, named in the feed's text. */
  staff: string;
}

async function world(): Promise<Hostile> {
  const w = await deliveryWorld(cleanups);
  const news = w.guild.channelId("news");
  w.emu.setBotPermissions(news, DEFAULT_BOT_PERMISSIONS | Perm.MentionEveryone);
  const desk = w.emu.addRole(w.guild.id, { name: "desk", mentionable: true }).id;
  const staff = w.emu.addRole(w.guild.id, { name: "staff", mentionable: true }).id;
  return { ...w, news, desk, staff };
}

/** A story whose every text field tries to ping. */
function hostileStory(n: number, w: Hostile) {
  const bait = `@everyone @here <@&${w.staff}> <@&${w.guild.id}> <@${w.emu.botUserId}>`;
  return story(n, {
    title: `${bait} Climate talks collapse`,
    text: `${bait} Ministers walked out of the climate talks.`,
    summary: `${bait} Ministers walked out.`,
    feedName: `${bait} Wire`,
    topics: [tag("climate", 0.95)],
  });
}

async function deliver(w: Hostile, n: number): Promise<void> {
  const parts = deliveryPipeline(w);
  cleanups.push(() => parts.sender.stop());
  parts.sender.start();
  await parts.sink.accept([hostileStory(n, w)], FEED);
  await until(() => w.emu.messages(w.news).length >= 1);
  await until(async () => parts.sender.idle && (await parts.outbox.backlog(w.news)) === 0);
  await sleep(100);
}

describe("feed text never pings", () => {
  it("without a ping subscription, a story full of mentions notifies nobody", async () => {
    const w = await world();
    await w.subs.upsert(sub({ guildId: w.guild.id, channelId: w.news }));
    await deliver(w, 1);
    const [m] = w.emu.messages(w.news);
    expect(m?.embeds[0]?.title).toContain("Climate talks collapse");
    expect(m?.mention_roles).toEqual([]);
    expect(m?.mention_everyone).toBe(false);
    expect(m?.content).toBe("");
    expect(m?.allowed_mentions).toEqual({ parse: [] });
  });

  it("with a ping subscription, only the subscribed role is notified, not the one in the text", async () => {
    const w = await world();
    await w.subs.upsert(
      sub({ guildId: w.guild.id, channelId: w.news, mention: { roleId: w.desk, minScore: 0.5 } }),
    );
    await deliver(w, 1);
    const [m] = w.emu.messages(w.news);
    expect(m?.mention_roles).toEqual([w.desk]);
    expect(m?.mention_everyone).toBe(false);
    expect(m?.content).toBe(`<@&${w.desk}>`);
  });

  it("the poster rebuilds a ping from role ids alone and never lets Discord parse mentions", async () => {
    const w = await world();
    const hostile = {
      content: `@everyone <@&${w.staff}>`,
      embeds: [{ title: "x" }],
      allowed_mentions: {
        parse: ["everyone", "roles", "users"],
        roles: [w.desk, "12345", `<@&${w.staff}>`, w.desk, "@everyone"],
      },
    } as RESTPostAPIChannelMessageJSONBody;
    expect(withOnlyRolePings(hostile)).toEqual({
      content: `<@&${w.desk}>`,
      embeds: [{ title: "x" }],
      allowed_mentions: { parse: [], roles: [w.desk] },
    });
    await w.poster.post(w.news, hostile);
    // A body that asks for no role keeps its content (a digest's) and may mention nothing.
    await w.poster.post(w.news, {
      content: `@everyone <@&${w.staff}>`,
      allowed_mentions: { parse: ["everyone", "roles"] },
    } as RESTPostAPIChannelMessageJSONBody);
    const forum = w.emu.addChannel(w.guild.id, { name: "briefings", type: 15 }).id;
    w.emu.setBotPermissions(forum, DEFAULT_BOT_PERMISSIONS | Perm.MentionEveryone);
    const post = await w.poster.createPost(forum, { name: "t", message: hostile });
    const [pinging, silent] = w.emu.messages(w.news);
    expect([pinging?.mention_roles, pinging?.mention_everyone]).toEqual([[w.desk], false]);
    expect(silent?.content).toBe(`@everyone <@&${w.staff}>`);
    expect([silent?.mention_roles, silent?.mention_everyone]).toEqual([[], false]);
    const [first] = w.emu.messages(post.id);
    expect([first?.mention_roles, first?.mention_everyone]).toEqual([[w.desk], false]);
    expect(first?.content).toBe(`<@&${w.desk}>`);
  });
});
