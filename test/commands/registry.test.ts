/** Command discovery, validation and registration (syncCommands against the emulator). */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { SlashCommandBuilder } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlashCommand } from "../../src/discord/command.js";
import {
  CommandDefinitionError,
  commandDefinitions,
  loadCommands,
  syncCommands,
  validateCommand,
} from "../../src/discord/commands.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { type BotHarness, startBotHarness } from "../helpers/bot-harness.js";

const execute = async () => {};

function fake(json: Record<string, unknown>, extra: Partial<SlashCommand> = {}): SlashCommand {
  return {
    data: { name: String(json.name), toJSON: () => json as never },
    execute,
    ...extra,
  };
}

describe("validateCommand", () => {
  it("accepts every real command", async () => {
    const commands = await loadCommands();
    expect([...commands.keys()].sort()).toEqual([
      "classify",
      "digest",
      "feeds",
      "preview",
      "resume",
      "search",
      "settings",
      "status",
      "subscribe",
      "subscriptions",
      "topic",
      "topics",
      "trends",
      "unsubscribe",
    ]);
    for (const def of commandDefinitions(commands, loadMessages())) {
      expect(def.description?.length).toBeLessThanOrEqual(100);
    }
  });

  it("names the file and every problem", () => {
    const bad = fake({
      name: "Bad",
      description: "x".repeat(101),
      options: [
        { type: 3, name: "a", description: "optional" },
        { type: 3, name: "b", description: "required", required: true, autocomplete: true },
      ],
    });
    let error: unknown;
    try {
      validateCommand(bad, "commands/bad.ts");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommandDefinitionError);
    const message = (error as Error).message;
    expect(message).toMatch(/^commands\/bad\.ts: /);
    expect(message).toContain("must be lower case");
    expect(message).toContain("more than 100");
    expect(message).toContain("required but comes after an optional option");
    expect(message).toContain("no autocomplete() handler");
  });

  it("refuses a builder whose toJSON throws and a module without a default export", () => {
    const broken: SlashCommand = {
      data: new SlashCommandBuilder().setName("ok").setDescription("fine"),
      execute,
    };
    expect(validateCommand(broken, "commands/ok.ts").name).toBe("ok");
    expect(() => validateCommand(undefined, "commands/none.ts")).toThrow(
      /commands\/none\.ts: must default-export/,
    );
    expect(() =>
      validateCommand(
        fake(
          { name: "x", description: "d" },
          {
            data: {
              name: "x",
              toJSON: () => {
                throw new Error("boom");
              },
            },
          },
        ),
        "commands/x.ts",
      ),
    ).toThrow(/commands\/x\.ts: its definition is invalid: boom/);
  });

  it("loadCommands refuses a duplicate name, naming both files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fd-commands-"));
    const body = (name: string) =>
      `export default { data: { name: "${name}", toJSON: () => ({ name: "${name}", description: "d" }) }, execute: async () => {} };\n`;
    await writeFile(join(dir, "alpha.mjs"), body("alpha"));
    await writeFile(join(dir, "beta.mjs"), body("alpha"));
    await expect(loadCommands(pathToFileURL(`${dir}/`))).rejects.toThrow(
      /commands\/beta\.mjs: .*(already defined in commands\/alpha\.mjs|file named alpha)/,
    );
  });
});

describe("syncCommands", () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("writes only when the definitions differ from Discord's", async () => {
    const defs = commandDefinitions(h.commands, h.ctx.i18n);
    // The harness registered them already: same definitions, no write.
    const before = h.emu.requests.filter((r) => r.method === "PUT").length;
    expect(await syncCommands(h.client.rest, h.emu.applicationId, defs, h.guildId)).toBe(false);
    expect(h.emu.requests.filter((r) => r.method === "PUT").length).toBe(before);
    // A changed description is written.
    const changed = defs.map((d) =>
      d.name === "topics" ? { ...d, description: "All topics" } : d,
    );
    expect(await syncCommands(h.client.rest, h.emu.applicationId, changed, h.guildId)).toBe(true);
    expect(h.emu.commands(h.guildId).find((c) => c.name === "topics")?.description).toBe(
      "All topics",
    );
    // Global scope is separate and starts empty.
    expect(await syncCommands(h.client.rest, h.emu.applicationId, defs)).toBe(true);
    expect(await syncCommands(h.client.rest, h.emu.applicationId, defs)).toBe(false);
  });
});
