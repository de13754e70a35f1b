/**
 * Options are checked against each command's own definition at the interaction boundary, before
 * the command runs: raw interactions with values Discord's client would never send get one clear
 * ephemeral sentence naming the option and what it accepts, one warning in the log, and no effect.
 */
import {
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  SlashCommandBuilder,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/discord/command.js";
import type { CommandJson } from "../../src/discord/commands.js";
import type { BotContext } from "../../src/discord/context.js";
import { APOLOGY } from "../../src/discord/interactions.js";
import {
  checkCommandOptions,
  compileCommandRule,
  describeOptionProblem,
} from "../../src/discord/option-check.js";
import { loadMessages } from "../../src/i18n/messages.js";
import type { CommandOptionInput } from "../discord-emulator/index.js";
import { type BotHarness, EPHEMERAL_FLAG, startBotHarness } from "../helpers/bot-harness.js";

describe("options outside a command's definition", () => {
  let h: BotHarness;
  let voiceId: string;

  beforeAll(async () => {
    h = await startBotHarness();
    voiceId = h.emu.addChannel(h.guildId, { name: "Lounge", type: 2 }).id;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Runs the command and checks what every refusal shares; returns the reply text. */
  async function refused(
    name: string,
    options: CommandOptionInput[],
    subcommand?: string,
  ): Promise<string> {
    h.logs.length = 0;
    const { outcome } = await h.run({ name, options, subcommand });
    expect(outcome.callbackType).toBe(4);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const content = outcome.message?.content ?? "";
    expect(content).not.toBe(APOLOGY);
    // One warning, no error, no stack.
    expect(h.logs.filter((l) => l.level >= 50)).toEqual([]);
    const warnings = h.logs.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: "command options refused", command: name });
    expect(JSON.stringify(warnings[0])).not.toMatch(/\bat .*:\d+:\d+/);
    // Nothing was posted in the channel and nothing saved.
    expect(h.emu.messages(h.newsId)).toHaveLength(0);
    expect(h.ctx.subscriptions.forGuild(h.guildId)).toEqual([]);
    expect(h.ctx.guildFeeds.forGuild(h.guildId)).toEqual([]);
    return content;
  }

  const topic = { name: "topic", type: 3, value: "climate" };

  it("refuses a number above its maximum: /subscribe min_score:1e308", async () => {
    const text = await refused("subscribe", [topic, { name: "min_score", type: 10, value: 1e308 }]);
    expect(text).toBe("`min_score` must be a number from 0 to 1.");
  });

  it("refuses an integer below its minimum, or not whole: /digest hours", async () => {
    expect(await refused("digest", [{ name: "hours", type: 4, value: -5 }], "now")).toBe(
      "`hours` must be a whole number from 1 to 168.",
    );
    expect(await refused("digest", [{ name: "hours", type: 4, value: 2.5 }], "now")).toBe(
      "`hours` must be a whole number from 1 to 168.",
    );
  });

  it("refuses a value of the wrong type", async () => {
    const text = await refused("digest", [{ name: "hours", type: 3, value: "48" }], "now");
    expect(text).toBe("`hours` must be a whole number from 1 to 168.");
  });

  it("refuses strings that are too short or too long", async () => {
    expect(await refused("search", [{ name: "query", type: 3, value: "a" }])).toBe(
      "`query` must be 2 to 200 characters long.",
    );
    expect(await refused("subscribe", [{ ...topic, value: "x".repeat(101) }])).toBe(
      "`topic` must be at most 100 characters long.",
    );
  });

  it("refuses a channel of a type the option does not take", async () => {
    const text = await refused("subscribe", [topic, { name: "channel", type: 7, value: voiceId }]);
    expect(text).toBe("`channel` must be a text, announcement, thread, forum or media channel.");
  });

  it("refuses a missing required option instead of failing inside the command", async () => {
    expect(await refused("feeds", [], "add")).toBe("`url` is required for /feeds add.");
    expect(await refused("subscribe", [])).toBe("`topic` is required for /subscribe.");
  });

  it("refuses an option the command does not have, or one given twice", async () => {
    expect(await refused("topics", [{ name: "limit", type: 4, value: 3 }])).toBe(
      "/topics has no `limit` option.",
    );
    expect(await refused("subscribe", [topic, topic])).toBe(
      "/subscribe got the `topic` option twice.",
    );
  });

  it("refuses an unknown subcommand instead of falling through to /feeds list", async () => {
    expect(await refused("feeds", [], "purge")).toBe(
      "/feeds has no `purge`; use one of: add, remove, list.",
    );
    expect(await refused("feeds", [])).toBe("/feeds needs exactly one of: add, remove, list.");
  });

  it("still runs a command whose options fit", async () => {
    h.logs.length = 0;
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "now",
      options: [{ name: "hours", type: 4, value: 168 }],
    });
    expect(outcome.message?.content).not.toMatch(/must be/);
    expect(h.logs.filter((l) => l.level >= 40)).toEqual([]);
  });
});

describe("/feeds itself", () => {
  it("refuses a subcommand it does not know rather than listing", async () => {
    const { default: feeds } = await import("../../commands/feeds.js");
    const listed: string[] = [];
    const interaction = {
      memberPermissions: { has: () => true },
      inGuild: () => true,
      guildId: "1",
      guild: { id: "1" },
      options: { getSubcommand: () => "purge" },
      reply: async (answer: unknown) => void listed.push(JSON.stringify(answer)),
    } as unknown as ChatInputCommandInteraction;
    await expect(feeds.execute(interaction, {} as BotContext)).rejects.toThrow(
      UserError.of("feeds.noSuchSubcommand"),
    );
    expect(loadMessages().t("en", "feeds.noSuchSubcommand")).toBe(
      "/feeds has no such subcommand; use one of: add, remove, list.",
    );
    expect(listed).toEqual([]);
  });
});

describe("checkCommandOptions on subcommand groups", () => {
  const rule = compileCommandRule(
    new SlashCommandBuilder()
      .setName("admin")
      .setDescription("d")
      .addSubcommandGroup((g) =>
        g
          .setName("feeds")
          .setDescription("d")
          .addSubcommand((s) =>
            s
              .setName("pause")
              .setDescription("d")
              .addStringOption((o) =>
                o.setName("mode").setDescription("d").addChoices({ name: "Soft", value: "soft" }),
              ),
          ),
      )
      .toJSON() as CommandJson,
  );
  const group = (options: unknown[]) =>
    [{ name: "feeds", type: 2, options }] as unknown as CommandInteractionOption[];
  const english = loadMessages().for("en");
  const said = (given: CommandInteractionOption[]) => {
    const problem = checkCommandOptions(rule, given);
    return problem && { option: problem.option, message: describeOptionProblem(problem, english) };
  };

  it("walks group, subcommand and options", () => {
    expect(said(group([{ name: "pause", type: 1 }]))).toBeUndefined();
    expect(
      said(
        group([{ name: "pause", type: 1, options: [{ name: "mode", type: 3, value: "soft" }] }]),
      ),
    ).toBeUndefined();
    expect(
      said(
        group([{ name: "pause", type: 1, options: [{ name: "mode", type: 3, value: "hard" }] }]),
      ),
    ).toEqual({ option: "mode", message: "`mode` must be one of: soft." });
    expect(said(group([]))).toEqual({
      option: "/admin feeds",
      message: "/admin feeds needs exactly one of: pause.",
    });
    // A subcommand where a group belongs, and a name no option could have.
    expect(said([{ name: "feeds", type: 1 }] as CommandInteractionOption[])?.message).toBe(
      "/admin has no `feeds`; use one of: feeds.",
    );
    expect(said(group([{ name: "**@everyone**", type: 1 }]))?.message).toBe(
      "/admin feeds has no such subcommand; use one of: pause.",
    );
  });
});
