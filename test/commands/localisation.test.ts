/**
 * Localisation through the emulator: command names and descriptions registered in German and
 * French, and replies in the language of the user's Discord client (interaction.locale).
 */
import { InteractionContextType, SlashCommandBuilder } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlashCommand } from "../../src/discord/command.js";
import {
  CommandDefinitionError,
  type CommandJson,
  commandDefinitions,
  loadCommands,
  syncCommands,
  validateCommand,
} from "../../src/discord/commands.js";
import { untranslated } from "../../src/discord/localize-commands.js";
import { type CommandTexts, loadCatalogue } from "../../src/i18n/catalogue.js";
import type { JsonObject } from "../discord-emulator/index.js";
import { type BotHarness, startBotHarness, textOf } from "../helpers/bot-harness.js";

const CLIMATE = {
  title: "Climate talks at COP30 end with deal on emissions",
  text: "Negotiators at the COP30 climate summit agreed to cut greenhouse gas emissions faster, with new finance for adaptation in poor countries under the Paris Agreement.",
  feedName: "Planet Desk",
  url: "https://planet.example/cop30-deal",
  minutesAgo: 30,
};

const boom: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("boom")
    .setDescription("fails on purpose")
    .setContexts(InteractionContextType.Guild),
  async execute() {
    throw new Error("boom");
  },
};

interface Localised {
  name: string;
  name_localizations?: Record<string, string> | null;
  description_localizations?: Record<string, string> | null;
  options?: Localised[];
}

describe("localisation", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness({ extraCommands: [boom] });
    await h.seed([CLIMATE]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("registers every command and option with German and French names and descriptions", () => {
    const registered = h.emu.commands(h.guildId) as unknown as Localised[];
    const check = (node: Localised, path: string) => {
      for (const locale of ["de", "fr"]) {
        expect(node.name_localizations?.[locale], `${path} name ${locale}`).toBeTruthy();
        expect(node.description_localizations?.[locale], `${path} desc ${locale}`).toBeTruthy();
      }
      for (const o of node.options ?? []) check(o, `${path} ${o.name}`);
    };
    for (const c of registered.filter((c) => c.name !== "boom")) check(c, c.name);
    const topic = registered.find((c) => c.name === "topic");
    expect(topic?.name_localizations).toEqual({ de: "thema", fr: "sujet" });
    expect(topic?.options?.find((o) => o.name === "public")?.name_localizations).toEqual({
      de: "öffentlich",
      fr: "public",
    });
    const real = new Map([...h.commands].filter(([name]) => name !== "boom"));
    expect(untranslated(commandDefinitions(real, h.ctx.i18n))).toEqual([]);
  });

  it("answers a German user in German: topic by its German name, card labels, no-match", async () => {
    const { outcome } = await h.run({
      name: "topic",
      locale: "de",
      options: [{ name: "name", type: 3, value: "Klima" }],
    });
    expect(outcome.message?.content).toBe("Neueste Meldung zu **🌍 Klima**:");
    const fields = outcome.message?.embeds[0]?.fields as Array<{ name: string; value: string }>;
    expect(fields.map((f) => f.name)).toEqual(["Themen"]);
    // Topic labels in the card are German too, the asked-for topic first.
    expect(fields[0]?.value.startsWith("🌍 Klima · ")).toBe(true);
    const none = await h.run({
      name: "search",
      locale: "de",
      options: [{ name: "query", type: 3, value: "zzyzx" }],
    });
    expect(none.outcome.message?.content).toBe("Keine gespeicherte Meldung passt zu „zzyzx“.");
    const choices = await h.autocomplete({
      name: "subscribe",
      locale: "de",
      options: [{ name: "topic", type: 3, value: "klim", focused: true }],
    });
    expect(choices[0]).toEqual({ name: "🌍 Klima", value: "climate" });
  });

  it("answers a French user in French, and others in English", async () => {
    const digest = await h.run({
      name: "digest",
      subcommand: "now",
      locale: "fr",
      options: [{ name: "topic", type: 3, value: "climat" }],
    });
    expect(digest.outcome.message?.content).toBe(
      "**Synthèse — 🌍 Climat, les 24 dernières heures** : 1 article (1 reportage, 1 média).",
    );
    const refused = await h.run({
      name: "subscribe",
      as: "member",
      locale: "fr",
      options: [{ name: "topic", type: 3, value: "climate" }],
    });
    expect(refused.outcome.message?.content).toBe(
      "Il faut la permission « Gérer le serveur » pour modifier la configuration de ForeignDesk.",
    );
    for (const locale of ["en-GB", "pt-BR"]) {
      const { outcome } = await h.run({ name: "topics", locale });
      expect(outcome.message?.content, locale).toBe(
        "Topics ForeignDesk tags stories with; follow one with /subscribe.",
      );
    }
  });

  it("the error boundary apologises in the user's language", async () => {
    const de = await h.run({ name: "boom", locale: "de" });
    expect(de.outcome.message?.content).toBe(
      "Bei uns ist etwas schiefgegangen; der Fehler wurde protokolliert.",
    );
    const fr = await h.run({ name: "boom", locale: "fr" });
    expect(textOf(fr.outcome)).toContain("Un problème est survenu de notre côté");
  });

  it("lists topics and their descriptions in the user's language", async () => {
    const { outcome } = await h.run({ name: "topics", locale: "de" });
    const text = textOf(outcome);
    expect(text).toContain("**Menschenrechte** (`human-rights`)");
    expect(text).toContain("Klimawandel, Emissionen");
  });
});

describe("localisation rules", () => {
  const base = (extra: Partial<CommandJson>): SlashCommand => ({
    data: {
      name: "x",
      toJSON: () =>
        ({ name: "x", description: "d", ...extra }) as ReturnType<SlashCommand["data"]["toJSON"]>,
    },
    execute: async () => {},
  });

  it("the validator refuses bad localisations, naming each", () => {
    let error: unknown;
    try {
      validateCommand(
        base({
          name_localizations: { de: "Thema", xx: "y" },
          description_localizations: { fr: "é".repeat(101) },
          options: [
            { type: 3, name: "a", description: "a", name_localizations: { de: "gleich" } },
            { type: 3, name: "b", description: "b", name_localizations: { de: "gleich" } },
          ],
        }),
        "commands/x.ts",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CommandDefinitionError);
    const message = (error as Error).message;
    expect(message).toContain('command "x" (de) name "Thema" must be lower case');
    expect(message).toContain('"xx" is not a Discord locale');
    expect(message).toContain("(fr) description is 101 characters");
    expect(message).toContain('"a" and "b" are both "gleich" in de');
  });

  it("the emulator, like Discord, answers 50035 to a localised name in upper case", async () => {
    const h = await startBotHarness();
    try {
      const bad = {
        name: "x",
        description: "d",
        name_localizations: { de: "Großes" },
      } as unknown as CommandJson;
      const error = await syncCommands(h.client.rest, h.emu.applicationId, [bad], h.guildId).then(
        () => undefined,
        (e: unknown) => e as { code?: number; rawError?: JsonObject },
      );
      expect(error?.code).toBe(50035);
      expect(JSON.stringify(error?.rawError)).toContain("APPLICATION_COMMAND_INVALID_NAME");
    } finally {
      await h.close();
    }
  });
});

describe("the catalogue's English command texts", () => {
  it("are the builders' own, so translators translate what users read", async () => {
    const english = loadCatalogue().en.commands;
    interface Node {
      name: string;
      description?: string;
      options?: Node[];
    }
    const drift: string[] = [];
    const walk = (node: Node, texts: CommandTexts | undefined, path: string) => {
      if (texts?.name !== node.name) drift.push(`${path} name`);
      if (texts?.description !== node.description) drift.push(`${path} description`);
      for (const o of node.options ?? []) walk(o, texts?.options?.[o.name], `${path} ${o.name}`);
    };
    for (const command of (await loadCommands()).values()) {
      const json = command.data.toJSON() as Node;
      walk(json, english[json.name], json.name);
    }
    expect(drift).toEqual([]);
  });
});
