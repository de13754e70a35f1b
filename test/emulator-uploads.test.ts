/**
 * The emulator's file uploads, driven by the real discord.js client: files become attachments
 * with Discord's fields (alt text included) on channel messages and on interaction replies and
 * edits, and Discord's limits are enforced (10 MiB of files per message → 413 / 40005; at most
 * 10 files).
 */
import {
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  PermissionFlagsBits,
  type TextChannel,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator } from "./discord-emulator/index.js";
import { MAX_UPLOAD_BYTES, pngSize } from "./discord-emulator/uploads.js";

const USER = { id: "400000000000000009", username: "uploader" };
/** A 3 × 2 PNG header: signature and IHDR, enough for Discord (and the emulator) to size it. */
const PNG = Buffer.concat([
  Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"),
  Buffer.from([0, 0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0]),
]);

describe("emulator uploads", () => {
  let emu: DiscordEmulator;
  let client: Client;
  let channel: TextChannel;
  let guildId: string;
  let newsId: string;

  beforeAll(async () => {
    emu = await DiscordEmulator.start();
    const guild = emu.addGuild({ name: "Uploads", channels: [{ name: "news" }] });
    guildId = guild.id;
    newsId = guild.channelId("news");
    emu.addMember(guild.id, USER, PermissionFlagsBits.SendMessages);
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
    const ready = new Promise<void>((r) => client.once(Events.ClientReady, () => r()));
    await client.login(emu.token);
    await ready;
    channel = (await client.channels.fetch(newsId)) as TextChannel;
  });
  afterAll(async () => {
    await client?.destroy();
    await emu?.stop();
  });

  it("records a channel message's files as attachments, with the alt text", async () => {
    const sent = await channel.send({
      content: "chart",
      files: [
        { attachment: PNG, name: "chart.png", description: "A line chart" },
        { attachment: Buffer.from("a,b\n1,2\n"), name: "data.csv" },
      ],
    });
    const [png, csv] = emu.messages(newsId).find((m) => m.id === sent.id)?.attachments ?? [];
    expect(png).toMatchObject({
      filename: "chart.png",
      size: PNG.length,
      content_type: "image/png",
      description: "A line chart",
      width: 3,
      height: 2,
    });
    expect(String(png?.url)).toMatch(/^https:\/\/cdn\.discordapp\.com\/attachments\//);
    expect(csv).toMatchObject({ filename: "data.csv", size: 8 });
    expect(csv?.description).toBeUndefined();
    expect(emu.attachmentBytes(String(png?.id))?.equals(PNG)).toBe(true);
    // discord.js reads them back from the API's answer.
    expect(sent.attachments.first()?.description).toBe("A line chart");
  });

  it("refuses more than 10 MiB of files with 413 / 40005, and more than 10 files", async () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    const err = await channel
      .send({ files: [{ attachment: big, name: "big.bin" }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(DiscordAPIError);
    expect((err as DiscordAPIError).status).toBe(413);
    expect((err as DiscordAPIError).code).toBe(40005);
    // Exactly the limit passes.
    const fits = await channel.send({
      files: [{ attachment: Buffer.alloc(MAX_UPLOAD_BYTES), name: "fits.bin" }],
    });
    expect(fits.attachments.first()?.size).toBe(MAX_UPLOAD_BYTES);
    const many = Array.from({ length: 11 }, (_, i) => ({ attachment: PNG, name: `${i}.png` }));
    const tooMany = await channel.send({ files: many }).catch((e) => e);
    expect((tooMany as DiscordAPIError).code).toBe(50035);
    expect(emu.messages(newsId).some((m) => m.attachments.length === 11)).toBe(false);
  });

  it("records files on a deferred interaction reply's edit and on a follow-up", async () => {
    const handled = new Promise<void>((resolve, reject) => {
      client.once(Events.InteractionCreate, (i: Interaction) => {
        const run = async () => {
          const command = i as ChatInputCommandInteraction;
          await command.deferReply();
          await command.editReply({
            embeds: [{ title: "chart", image: { url: "attachment://trends.png" } }],
            files: [{ attachment: PNG, name: "trends.png", description: "Alt text" }],
          });
          await command.followUp({ files: [{ attachment: PNG, name: "more.png" }] });
        };
        run().then(resolve, reject);
      });
    });
    const record = await emu.sendSlashCommand({
      guildId,
      channelId: newsId,
      userId: USER.id,
      name: "anything",
    });
    await handled;
    const outcome = await record.waitForResponse();
    expect(outcome.message?.embeds[0]?.image).toEqual({ url: "attachment://trends.png" });
    expect(outcome.message?.attachments).toEqual([
      expect.objectContaining({ filename: "trends.png", description: "Alt text", width: 3 }),
    ]);
    expect(record.followupMessages[0]?.attachments[0]).toMatchObject({ filename: "more.png" });
    expect(pngSize(Buffer.from("not a png"))).toBeUndefined();
  });
});
