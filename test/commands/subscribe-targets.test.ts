/**
 * /subscribe's exclusions and its thread and forum targets, through the emulator with the real
 * discord.js client: what is saved, what the admin is told, and what is refused and why.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandOptionInput } from "../discord-emulator/index.js";
import { type BotHarness, startBotHarness, textOf } from "../helpers/bot-harness.js";

describe("/subscribe exclusions, threads and forums", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const subscribe = (options: CommandOptionInput[], channelId?: string) =>
    h.run({ name: "subscribe", options, ...(channelId ? { channelId } : {}) });
  const topic = (value: string): CommandOptionInput => ({ name: "topic", type: 3, value });
  const channel = (value: string): CommandOptionInput => ({ name: "channel", type: 7, value });
  const exclude = (value: string): CommandOptionInput => ({ name: "exclude", type: 3, value });
  const saved = (channelId: string, topicId: string) =>
    h.ctx.subscriptions
      .forGuild(h.guildId)
      .find((s) => s.channelId === channelId && s.topic === topicId);

  /** Waits until the client has cached a channel the emulator just created. */
  async function cached(id: string): Promise<string> {
    const end = Date.now() + 3000;
    while (!h.client.channels.cache.has(id)) {
      if (Date.now() > end) throw new Error(`channel ${id} never reached the client`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return id;
  }

  it("offers threads and forum and media channels in the channel option", () => {
    const options = h.emu.commands(h.guildId).find((c) => c.name === "subscribe")?.options as
      | Array<{ name: string; channel_types?: number[] }>
      | undefined;
    const channelTypes = options?.find((o) => o.name === "channel")?.channel_types;
    expect(channelTypes?.sort((a, b) => a - b)).toEqual([0, 5, 10, 11, 12, 15, 16]);
    expect(options?.map((o) => o.name)).toContain("exclude");
  });

  it("saves exclusions, shows them, and changes them when subscribing again", async () => {
    const first = await subscribe([
      topic("climate"),
      channel(h.alertsId),
      exclude("football, Eurovision; Fußball"),
    ]);
    expect(first.outcome.message?.content).toContain("Excluded: football, Eurovision, Fußball");
    expect(saved(h.alertsId, "climate")?.exclude).toEqual(["football", "Eurovision", "Fußball"]);

    const list = await h.run({ name: "subscriptions" });
    expect(textOf(list.outcome)).toContain("excluding: football, Eurovision, Fußball");

    // Subscribing again replaces the filters, duplicates (by case and accents) once.
    const again = await subscribe([
      topic("climate"),
      channel(h.alertsId),
      exclude("cricket, CRICKET, Crícket"),
    ]);
    expect(again.outcome.message?.content).toContain("Updated:");
    expect(saved(h.alertsId, "climate")?.exclude).toEqual(["Crícket"]);
    await subscribe([topic("climate"), channel(h.alertsId)]);
    expect(saved(h.alertsId, "climate")?.exclude).toEqual([]);
  });

  it("refuses more than ten excluded terms or one over 60 characters", async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `term${i}`).join(", ");
    const many = await subscribe([topic("energy"), exclude(eleven)]);
    expect(many.outcome.message?.content).toBe(
      "Use at most 10 excluded terms, separated by commas.",
    );
    const long = await subscribe([topic("energy"), exclude(`ok, ${"x".repeat(61)}`)]);
    expect(long.outcome.message?.content).toBe(
      "Each of the excluded terms may be at most 60 characters long.",
    );
    const both = await subscribe([
      topic("energy"),
      { name: "keywords", type: 3, value: "pipeline, LNG" },
      exclude("lng"),
    ]);
    expect(both.outcome.message?.content).toBe(
      '"lng" cannot be both a keyword and an excluded term.',
    );
    expect(saved(h.newsId, "energy")).toBeUndefined();
  });

  it("subscribes a thread, picked or run inside it, as a thread", async () => {
    const picked = await cached(h.emu.addThread(h.newsId, { name: "ukraine-live" }).id);
    const { outcome } = await subscribe([topic("russia-ukraine"), channel(picked)]);
    expect(outcome.message?.content).toContain(`<#${picked}> will receive`);
    expect(saved(picked, "russia-ukraine")?.target).toBe("thread");

    const inside = await cached(
      h.emu.addThread(h.newsId, { name: "china-desk", type: 12, memberIds: [] }).id,
    );
    await subscribe([topic("china")], inside);
    expect(saved(inside, "china")?.target).toBe("thread");
  });

  it("refuses a locked thread, and a private thread the bot is not in", async () => {
    const locked = await cached(
      h.emu.addThread(h.newsId, { name: "closed", archived: true, locked: true }).id,
    );
    const a = await subscribe([topic("energy"), channel(locked)]);
    expect(a.outcome.message?.content).toContain(`<#${locked}> is a locked thread`);

    const hidden = h.emu.addThread(h.newsId, { name: "staff", type: 12, botIsMember: false }).id;
    const b = await subscribe([topic("energy"), channel(hidden)]);
    expect(b.outcome.message?.content).toContain(`ForeignDesk cannot see <#${hidden}>`);
    expect(saved(locked, "energy") ?? saved(hidden, "energy")).toBeUndefined();
  });

  it("names Send Messages in Threads when the bot may post in the channel but not its threads", async () => {
    const parent = h.emu.addChannel(h.guildId, { name: "desk-threads" }).id;
    const thread = await cached(h.emu.addThread(parent, { name: "t" }).id);
    const updated = new Promise<void>((resolve) => h.client.once("channelUpdate", () => resolve()));
    h.emu.setBotPermissions(
      parent,
      PermissionFlagsBits.ViewChannel |
        PermissionFlagsBits.SendMessages |
        PermissionFlagsBits.EmbedLinks,
    );
    await updated;
    const { outcome } = await subscribe([topic("energy"), channel(thread)]);
    expect(outcome.message?.content).toBe(
      `ForeignDesk cannot post alerts in <#${thread}>: it is missing the Send Messages in Threads permission there. Grant it to ForeignDesk's role in that channel's settings, then try again.`,
    );
  });

  it("subscribes a forum for a post per story, and names Create Posts when it lacks it", async () => {
    const forum = await cached(
      h.emu.addChannel(h.guildId, { name: "briefings", type: 15, tags: [{ name: "Climate" }] }).id,
    );
    const { outcome } = await subscribe([topic("climate"), channel(forum)]);
    expect(outcome.message?.content).toContain("One post per story");
    expect(saved(forum, "climate")?.target).toBe("forum");

    const media = await cached(h.emu.addChannel(h.guildId, { name: "media", type: 16 }).id);
    await subscribe([topic("energy"), channel(media)]);
    expect(saved(media, "energy")?.target).toBe("forum");

    const updated = new Promise<void>((resolve) => h.client.once("channelUpdate", () => resolve()));
    h.emu.setBotPermissions(
      forum,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.EmbedLinks,
    );
    await updated;
    const refused = await subscribe([topic("energy"), channel(forum)]);
    expect(refused.outcome.message?.content).toContain("missing the Create Posts permission");
  });

  it("refuses a forum that requires a tag when none is named after the topic", async () => {
    const forum = await cached(
      h.emu.addChannel(h.guildId, {
        name: "tagged",
        type: 15,
        flags: 1 << 4,
        tags: [{ name: "Energy" }, { name: "Climate", moderated: true }],
      }).id,
    );
    const refused = await subscribe([topic("climate"), channel(forum)]);
    expect(refused.outcome.message?.content).toContain(
      `<#${forum}> requires a tag on every post, and it has no tag named "Climate"`,
    );
    const accepted = await subscribe([topic("energy"), channel(forum)]);
    expect(accepted.outcome.message?.content).toContain("One post per story");
  });

  it("a German forum's tags in German: matched, and the refusal names the German label", async () => {
    const forum = await cached(
      h.emu.addChannel(h.guildId, {
        name: "lage",
        type: 15,
        flags: 1 << 4,
        tags: [{ name: "klima" }, { name: "Handel und Sanktionen" }],
      }).id,
    );
    const inGerman = (topicId: string) =>
      h.run({ name: "subscribe", locale: "de", options: [topic(topicId), channel(forum)] });
    expect(saved(forum, "climate")).toBeUndefined();
    await inGerman("climate");
    expect(saved(forum, "climate")?.target).toBe("forum");
    await inGerman("trade-sanctions");
    expect(saved(forum, "trade-sanctions")?.target).toBe("forum");
    const refused = await inGerman("energy");
    expect(refused.outcome.message?.content).toContain(
      `<#${forum}> verlangt bei jedem Beitrag einen Tag, hat aber keinen Tag namens „Energie“.`,
    );
    expect(saved(forum, "energy")).toBeUndefined();
  });
});
