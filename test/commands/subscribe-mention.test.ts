/**
 * /subscribe's opt-in role ping (`mention`, `mention_min_score`) through the emulator with the
 * real discord.js client: what is saved and shown, and what is refused and why.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandOptionInput } from "../discord-emulator/index.js";
import { DEFAULT_BOT_PERMISSIONS } from "../discord-emulator/state.js";
import { type BotHarness, startBotHarness, textOf } from "../helpers/bot-harness.js";

describe("/subscribe mention", () => {
  let h: BotHarness;
  /** Mentionable: anyone may ping it. */
  let readers: string;
  /** Not mentionable: only Mention Everyone holders may ping it. */
  let analysts: string;

  beforeAll(async () => {
    h = await startBotHarness();
    readers = h.emu.addRole(h.guildId, { name: "readers", mentionable: true }).id;
    analysts = h.emu.addRole(h.guildId, { name: "analysts" }).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  const topic = (value: string): CommandOptionInput => ({ name: "topic", type: 3, value });
  const channel = (value: string): CommandOptionInput => ({ name: "channel", type: 7, value });
  const mention = (value: string): CommandOptionInput => ({ name: "mention", type: 8, value });
  const minScore = (value: number): CommandOptionInput => ({
    name: "mention_min_score",
    type: 10,
    value,
  });
  const subscribe = async (options: CommandOptionInput[], as?: "member") =>
    (await h.run({ name: "subscribe", options, ...(as ? { as } : {}) })).outcome.message?.content ??
    "";
  const saved = (channelId: string, topicId: string) =>
    h.ctx.subscriptions
      .forGuild(h.guildId)
      .find((s) => s.channelId === channelId && s.topic === topicId);

  it("saves a mentionable role with the default threshold, shows it, and drops it when subscribing again without it", async () => {
    const reply = await subscribe([topic("climate"), channel(h.alertsId), mention(readers)]);
    expect(reply).toContain(
      `Pings <@&${readers}> when a story scores at least 0.80 for the topic.`,
    );
    expect(saved(h.alertsId, "climate")?.mention).toEqual({ roleId: readers, minScore: 0.8 });

    await subscribe([topic("climate"), channel(h.alertsId), mention(readers), minScore(0.65)]);
    expect(saved(h.alertsId, "climate")?.mention).toEqual({ roleId: readers, minScore: 0.65 });
    const list = await h.run({ name: "subscriptions" });
    expect(textOf(list.outcome)).toContain(`pings <@&${readers}> from score 0.65`);
    // The ephemeral reply names the role without pinging it.
    expect(list.outcome.message?.mention_roles).toEqual([]);

    const again = await subscribe([topic("climate"), channel(h.alertsId)]);
    expect(again).toContain(`No pings any more: <@&${readers}> was pinged before`);
    expect(saved(h.alertsId, "climate")?.mention).toBeUndefined();
    expect(saved(h.alertsId, "climate")?.status).toBe("active");
  });

  it("refuses @everyone, a managed role, and mention_min_score without a role", async () => {
    const everyone = await subscribe([topic("energy"), mention(h.guildId)]);
    expect(everyone).toBe(
      "ForeignDesk never pings @everyone or @here. Create a role for the people who want these pings (they can take it themselves) and pick that.",
    );
    const botRole = h.client.guilds.cache.get(h.guildId)?.members.me?.roles.botRole?.id ?? "";
    expect(botRole).not.toBe("");
    const managed = await subscribe([topic("energy"), mention(botRole)]);
    expect(managed).toContain(`<@&${botRole}> is managed by Discord or an integration`);
    const scoreOnly = await subscribe([topic("energy"), minScore(0.9)]);
    expect(scoreOnly).toBe(
      "mention_min_score sets when a role is pinged: pick the role with the mention option too.",
    );
    expect(saved(h.newsId, "energy")).toBeUndefined();
  });

  it("refuses a role Discord would not notify, naming the fix, and takes it once the bot has Mention Everyone", async () => {
    const refused = await subscribe([topic("china"), channel(h.alertsId), mention(analysts)]);
    expect(refused).toBe(
      `Discord would not notify <@&${analysts}> in <#${h.alertsId}>: the role is not mentionable, and ForeignDesk lacks the Mention Everyone permission there. Turn on "Allow anyone to @mention this role" in Server Settings → Roles, or give ForeignDesk Mention Everyone in <#${h.alertsId}>, then try again.`,
    );
    const inGerman = await h.run({
      name: "subscribe",
      locale: "de",
      options: [topic("china"), channel(h.alertsId), mention(analysts)],
    });
    expect(inGerman.outcome.message?.content).toContain(
      `Discord würde <@&${analysts}> in <#${h.alertsId}> nicht benachrichtigen`,
    );
    expect(saved(h.alertsId, "china")).toBeUndefined();

    const updated = new Promise<void>((resolve) => h.client.once("channelUpdate", () => resolve()));
    h.emu.setBotPermissions(
      h.alertsId,
      DEFAULT_BOT_PERMISSIONS | PermissionFlagsBits.MentionEveryone,
    );
    await updated;
    const accepted = await subscribe([
      topic("china"),
      channel(h.alertsId),
      mention(analysts),
      minScore(0.9),
    ]);
    expect(accepted).toContain(`Pings <@&${analysts}> when a story scores at least 0.90`);
    expect(saved(h.alertsId, "china")?.mention).toEqual({ roleId: analysts, minScore: 0.9 });
  });

  it("a member without Manage Server cannot set a ping", async () => {
    const reply = await subscribe([topic("trade-sanctions"), mention(readers)], "member");
    expect(reply).toBe("You need the Manage Server permission to change ForeignDesk's set-up.");
    expect(saved(h.newsId, "trade-sanctions")).toBeUndefined();
  });
});
