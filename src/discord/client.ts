import { Client, GatewayIntentBits, Options } from "discord.js";

export interface ClientOptions {
  /** REST base, e.g. https://discord.com/api or a local emulator's. */
  apiUrl: string;
  /** Requests per second across the bot (Discord's global limit: 50 unless Discord raised it). */
  globalRequestsPerSecond: number;
}

/**
 * The bot's discord.js client: the Guilds intent only (no privileged intents), REST pointed at
 * DISCORD_API_URL, and nothing that could ping anyone unless a message asks explicitly.
 */
export function createDiscordClient(options: ClientOptions): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: options.apiUrl, globalRequestsPerSecond: options.globalRequestsPerSecond },
    allowedMentions: { parse: [], repliedUser: false },
    // The bot reads no messages; keeping them would only cost memory across thousands of guilds.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
}
