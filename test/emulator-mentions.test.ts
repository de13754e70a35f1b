/**
 * The emulator decides who a message notifies as Discord does, and refuses `allowed_mentions`
 * Discord refuses: the tests of role pings rely on both.
 */
import { DiscordAPIError, REST, Routes } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator, type EmulatedGuild } from "./discord-emulator/index.js";
import { DEFAULT_BOT_PERMISSIONS, Perm } from "./discord-emulator/state.js";

let emu: DiscordEmulator;
let rest: REST;
let guild: EmulatedGuild;
let open: string;
let quiet: string;
let channel: string;
let loud: string;

beforeAll(async () => {
  emu = await DiscordEmulator.start();
  guild = emu.addGuild({ name: "Desk", channels: [{ name: "news" }, { name: "loud" }] });
  rest = new REST({ api: emu.apiUrl }).setToken(emu.token);
  open = emu.addRole(guild.id, { name: "open", mentionable: true }).id;
  quiet = emu.addRole(guild.id, { name: "quiet" }).id;
  channel = guild.channelId("news");
  loud = guild.channelId("loud");
  emu.setBotPermissions(loud, DEFAULT_BOT_PERMISSIONS | Perm.MentionEveryone);
});
afterAll(async () => {
  rest.clearHashSweeper();
  rest.clearHandlerSweeper();
  await emu.stop();
});

async function send(where: string, body: object) {
  const m = (await rest.post(Routes.channelMessages(where), { body })) as {
    mention_roles: string[];
    mention_everyone: boolean;
  };
  return [m.mention_roles, m.mention_everyone];
}

describe("emulated mentions", () => {
  it("a role mention needs allowing, and a mentionable role or Mention Everyone", async () => {
    const content = `@everyone <@&${open}> <@&${quiet}>`;
    // No allowed_mentions: Discord parses everything.
    expect(await send(channel, { content })).toEqual([[open], false]);
    expect(await send(loud, { content })).toEqual([[open, quiet], true]);
    expect(await send(loud, { content, allowed_mentions: { parse: [] } })).toEqual([[], false]);
    expect(await send(loud, { content, allowed_mentions: { parse: [], roles: [quiet] } })).toEqual([
      [quiet],
      false,
    ]);
    expect(await send(channel, { content, allowed_mentions: { parse: ["roles"] } })).toEqual([
      [open],
      false,
    ]);
    expect(await send(channel, { content, allowed_mentions: { parse: ["everyone"] } })).toEqual([
      [],
      false,
    ]);
    expect(emu.messages(loud).at(-1)?.mention_roles).toEqual([quiet]);
  });

  it("refuses parse and a list of the same type together, and more than 100 ids (50035)", async () => {
    const refused = async (allowed: object) => {
      const error = await rest
        .post(Routes.channelMessages(channel), {
          body: { content: "x", allowed_mentions: allowed },
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DiscordAPIError);
      return (error as DiscordAPIError).code;
    };
    expect(await refused({ parse: ["roles"], roles: [open] })).toBe(50035);
    expect(await refused({ parse: [], roles: Array.from({ length: 101 }, () => open) })).toBe(
      50035,
    );
    expect(await refused({ parse: ["here"] })).toBe(50035);
    expect(await refused({ roles: ["not-a-snowflake"] })).toBe(50035);
  });
});
