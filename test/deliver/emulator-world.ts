/**
 * A delivery test's world: the Discord emulator with one guild, the real discord.js REST client
 * and poster, in-memory storage with a subscription per channel, and a clock tests can move.
 */
import { REST } from "discord.js";
import Keyv from "keyv";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import {
  DiscordEmulator,
  type EmulatedGuild,
  type EmulatorOptions,
} from "../discord-emulator/index.js";
import { sub } from "./fixtures.js";

export interface World {
  emu: DiscordEmulator;
  guild: EmulatedGuild;
  kv: Keyv;
  subs: SubscriptionStore;
  rest: REST;
  poster: DiscordJsPoster;
  clock: { offset: number; now: () => number };
}

/** Builds the world; what must be stopped afterwards is pushed onto `cleanups`. */
export async function deliveryWorld(
  cleanups: Array<() => Promise<void>>,
  channels: string[] = ["news"],
  rateLimit: { perChannel: number; windowMs: number; sendHeaders?: boolean } = {
    perChannel: 5,
    windowMs: 1000,
  },
  options: EmulatorOptions = {},
): Promise<World> {
  const emu = await DiscordEmulator.start({ rateLimit, ...options });
  const guild = emu.addGuild({ name: "Desk", channels: channels.map((name) => ({ name })) });
  const rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
  cleanups.push(async () => {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
    await emu.stop();
  });
  const kv = new Keyv();
  const subs = new SubscriptionStore(kv);
  await subs.load();
  for (const name of channels) {
    await subs.upsert(sub({ guildId: guild.id, channelId: guild.channelId(name) }));
  }
  const clock = { offset: 0, now: () => Date.now() + clock.offset };
  return { emu, guild, kv, subs, rest, poster: new DiscordJsPoster(rest), clock };
}

export async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
