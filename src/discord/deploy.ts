import { REST, Routes } from "discord.js";
import { config as loadDotenv } from "dotenv";
import { ConfigError, loadEnvConfig } from "../config/env.js";
import { loadMessages } from "../i18n/messages.js";
import { commandDefinitions, loadCommands, syncCommands } from "./commands.js";

/**
 * `npm run deploy-commands`: registers the slash commands now (globally, or in DISCORD_GUILD_ID
 * for instant updates while developing). The bot also does this at start when they differ.
 */
async function deploy(): Promise<void> {
  loadDotenv({ quiet: true });
  const config = loadEnvConfig(process.env);
  if (!config.DISCORD_TOKEN) throw new ConfigError("DISCORD_TOKEN: needed to register commands");
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN);
  const app = (await rest.get(Routes.currentApplication())) as { id: string };
  const definitions = commandDefinitions(await loadCommands(), loadMessages());
  const wrote = await syncCommands(rest, app.id, definitions, config.DISCORD_GUILD_ID);
  const where = config.DISCORD_GUILD_ID
    ? `guild ${config.DISCORD_GUILD_ID}`
    : "all servers (global)";
  process.stdout.write(
    `${wrote ? "Registered" : "Already up to date:"} ${definitions.length} commands for ${where}: ${definitions.map((d) => `/${d.name}`).join(" ")}\n`,
  );
}

deploy().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
