/**
 * Lookups (/topic, /search, /digest): a typed topic word is accepted as autocomplete would pick
 * it, and answers are ephemeral unless the user asks for `public:true`; "no match" always is.
 */
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlashCommand } from "../../src/discord/command.js";
import { answerInTime, DEFER_AFTER_MS } from "../../src/discord/interactions.js";
import type { InteractionOutcome } from "../discord-emulator/index.js";
import { type BotHarness, EPHEMERAL_FLAG, startBotHarness } from "../helpers/bot-harness.js";

const CLIMATE = {
  title: "Climate talks at COP30 end with deal on emissions",
  text: "Negotiators at the COP30 climate summit agreed to cut greenhouse gas emissions faster, with new finance for adaptation in poor countries under the Paris Agreement.",
  feedName: "Planet Desk",
  url: "https://planet.example/cop30-deal",
  minutesAgo: 30,
};
const MIGRATION = {
  title: "Refugees stranded at border as asylum rules tighten",
  text: "Hundreds of refugees and migrants were stranded at the border after the government tightened asylum rules, aid groups said.",
  feedName: "Border Watch",
  url: "https://border.example/asylum",
  minutesAgo: 10,
};

const PUBLIC = { name: "public", type: 5, value: true };

/** A public lookup whose search outlasts the defer threshold and then finds nothing. */
const slowMiss: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("slowmiss")
    .setDescription("finds nothing, slowly")
    .setContexts(InteractionContextType.Guild),
  async execute(interaction) {
    await answerInTime(interaction, false, async () => {
      await new Promise((r) => setTimeout(r, DEFER_AFTER_MS + 300));
      return { content: "nothing found", private: true };
    });
  },
};

function ephemeral(outcome: InteractionOutcome): boolean {
  return ((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG) === EPHEMERAL_FLAG;
}

describe("lookups", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness({ extraCommands: [slowMiss] });
    await h.seed([CLIMATE, MIGRATION]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("/topic name:Klima answers with the climate stories", async () => {
    const choices = await h.autocomplete({
      name: "topic",
      options: [{ name: "name", type: 3, value: "Klima", focused: true }],
    });
    expect(choices[0]?.value).toBe("climate");
    const { outcome } = await h.run({
      name: "topic",
      options: [{ name: "name", type: 3, value: "Klima" }],
    });
    expect(outcome.message?.content).toContain("Climate");
    expect(outcome.message?.embeds.map((e) => e.title)).toEqual([CLIMATE.title]);
  });

  it("/topic with a word two topics share says which topics it could mean", async () => {
    const { outcome } = await h.run({
      name: "topic",
      options: [{ name: "name", type: 3, value: "coal" }],
    });
    expect(outcome.message?.content).toBe(
      '"coal" could mean 🌍 Climate (`climate`) and ⚡ Energy (`energy`). Pick one from the list, or type its name.',
    );
    expect(ephemeral(outcome)).toBe(true);
  });

  it("/search is ephemeral by default and posts to the channel with public:true", async () => {
    const before = h.emu.messages(h.newsId).length;
    const own = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "asylum" }],
    });
    expect(own.outcome.message?.embeds[0]?.title).toBe(MIGRATION.title);
    expect(ephemeral(own.outcome)).toBe(true);
    expect(h.emu.messages(h.newsId)).toHaveLength(before);

    const shared = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "asylum" }, PUBLIC],
    });
    expect(ephemeral(shared.outcome)).toBe(false);
    expect(h.emu.messages(h.newsId).map((m) => m.id)).toContain(shared.outcome.message?.id);
  });

  it("a search without a match stays ephemeral even with public:true", async () => {
    const { outcome } = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "zzyzx" }, PUBLIC],
    });
    expect(outcome.message?.content).toBe("No stored story matches “zzyzx”.");
    expect(ephemeral(outcome)).toBe(true);
  });

  it("/topic and /digest are ephemeral by default, public with public:true", async () => {
    for (const [name, subcommand, options] of [
      ["topic", undefined, [{ name: "name", type: 3, value: "migration" }]],
      ["digest", "now", [{ name: "hours", type: 4, value: 24 }]],
    ] as const) {
      const own = await h.run({ name, subcommand, options: [...options] });
      expect(own.outcome.message?.embeds.length, name).toBeGreaterThan(0);
      expect(ephemeral(own.outcome), name).toBe(true);
      const shared = await h.run({ name, subcommand, options: [...options, PUBLIC] });
      expect(ephemeral(shared.outcome), name).toBe(false);
    }
    const empty = await h.run({
      name: "topic",
      options: [{ name: "name", type: 3, value: "energy" }, PUBLIC],
    });
    expect(empty.outcome.message?.content).toBe("No stories tagged ⚡ Energy are stored yet.");
    expect(ephemeral(empty.outcome)).toBe(true);
  });

  it("a private answer to a publicly deferred lookup replaces the loading message with an ephemeral one", async () => {
    const { record, outcome } = await h.run({ name: "slowmiss", timeoutMs: DEFER_AFTER_MS + 2000 });
    expect(record.callbacks.map((c) => c.type)).toEqual([5]);
    expect(record.original?.deleted).toBe(true);
    expect(outcome.message?.content).toBe("nothing found");
    expect(ephemeral(outcome)).toBe(true);
    expect(h.emu.messages(h.newsId).some((m) => m.content === "nothing found")).toBe(false);
  });
});
