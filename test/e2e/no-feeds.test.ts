/**
 * The bot with Discord and an operator feeds file that lists nothing: it starts (servers can add
 * their own feeds), warns once naming the file, and /status says there are no feeds.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator } from "../discord-emulator/index.js";
import { BotProcess, TEST_TOKEN, until } from "../helpers/bot-process.js";

const ADMIN = "500000000000000001";
const dir = mkdtempSync(join(tmpdir(), "fd-nofeeds-"));

describe("an operator feeds file with no feeds, with Discord", () => {
  let emu: DiscordEmulator;
  let bot: BotProcess;
  let guildId = "";
  let channelId = "";
  const feedsFile = join(dir, "feeds.json");

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ token: TEST_TOKEN });
    const guild = emu.addGuild({ name: "Newsroom", channels: [{ name: "news" }] });
    guildId = guild.id;
    channelId = guild.channelId("news");
    emu.addMember(guildId, { id: ADMIN, username: "editor" }, PermissionFlagsBits.ManageGuild);
    writeFileSync(feedsFile, "[]\n");
    bot = new BotProcess({
      ...process.env,
      DISCORD_TOKEN: TEST_TOKEN,
      DISCORD_API_URL: emu.apiUrl,
      FEEDS_FILE: feedsFile,
      STORAGE_URL: `sqlite://${join(dir, "bot.sqlite")}`,
      LOG_LEVEL: "warn",
      LOG_FORMAT: "json",
    });
    bot.start();
    await until("commands to be registered", () => emu.commands().length > 0, 30_000, bot);
  }, 60_000);

  afterAll(async () => {
    await bot?.kill("SIGTERM");
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts, warns once naming the file, and /status says there are no feeds", async () => {
    const warnings = bot.output
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { level: number; msg: string; feedsFile?: string })
      .filter((l) => l.level === 40 && l.msg.includes("lists no feeds"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.feedsFile).toBe(feedsFile);
    expect(warnings[0]?.msg).toContain(feedsFile);

    const record = await emu.sendSlashCommand({
      guildId,
      channelId,
      userId: ADMIN,
      name: "status",
    });
    const answer = await record.waitForResponse(15_000);
    const embed = answer.message?.embeds?.[0] as
      | { fields: Array<{ name: string; value: string }> }
      | undefined;
    const fields = embed?.fields ?? [];
    expect(fields.find((f) => f.name === "Feeds")?.value).toBe(
      "No feeds: the operator's feeds file lists none and no server has added one. Add one with /feeds add.",
    );
  });
});
