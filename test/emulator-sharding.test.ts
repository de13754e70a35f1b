/**
 * The emulator's gateway shards as Discord's does: two real discord.js clients, each holding one
 * of two shards, see only their own guilds and their guilds' events and interactions; a bad shard
 * pair is closed with 4010, too few shards for the guilds with 4011; GET /gateway/bot recommends
 * the configured count.
 */
import { Client, Events, GatewayIntentBits, type Interaction } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  DiscordEmulator,
  type EmulatedGuild,
  shardOfGuild,
  snowflakeOnShard,
} from "./discord-emulator/index.js";

const USER = { id: "400000000000000001", username: "analyst" };

function shardClient(emu: DiscordEmulator, shard: number, count: number): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: emu.apiUrl },
    shards: shard,
    shardCount: count,
  });
}

async function login(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
}

/** Opens a raw gateway socket, identifies with `shard`, and resolves with how it ended. */
function identifyRaw(
  emu: DiscordEmulator,
  shard: unknown,
): Promise<{ code: number } | { ready: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${emu.gatewayUrl}/?v=10&encoding=json`);
    ws.on("error", reject);
    ws.on("close", (code) => resolve({ code }));
    ws.on("message", (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; t?: string; d: unknown };
      if (frame.op === 10) {
        ws.send(JSON.stringify({ op: 2, d: { token: emu.token, intents: 1, shard } }));
      } else if (frame.t === "READY") {
        resolve({ ready: frame.d });
        ws.close(1000);
      }
    });
  });
}

describe("the emulator's gateway with shards", () => {
  let emu: DiscordEmulator;
  const clients: Client[] = [];
  let onZero: EmulatedGuild;
  let onOne: EmulatedGuild;

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ shards: 2 });
    onZero = emu.addGuild({
      id: snowflakeOnShard(0, 2),
      name: "Shard zero",
      channels: [{ name: "news" }],
    });
    onOne = emu.addGuild({
      id: snowflakeOnShard(1, 2),
      name: "Shard one",
      channels: [{ name: "news" }],
    });
    for (const shard of [0, 1]) {
      const client = shardClient(emu, shard, 2);
      clients.push(client);
      await login(client, emu.token);
    }
  });

  afterAll(async () => {
    for (const client of clients) await client.destroy();
    await emu?.stop();
  });

  it("places guilds by (id >> 22) % count", () => {
    expect(shardOfGuild(onZero.id, 2)).toBe(0);
    expect(shardOfGuild(onOne.id, 2)).toBe(1);
    expect(shardOfGuild(onOne.id, 1)).toBe(0);
  });

  it("recommends the configured shard count on GET /gateway/bot", async () => {
    const res = await fetch(`${emu.apiUrl}/v10/gateway/bot`, {
      headers: { authorization: `Bot ${emu.token}` },
    });
    const body = (await res.json()) as { shards: number };
    expect(body.shards).toBe(2);
  });

  it("identifies each client with its own [id, count] and answers READY with that shard", () => {
    const identifies = emu.gatewayFrames
      .filter((f) => f.op === 2)
      .map((f) => (f.d as { shard?: unknown }).shard);
    expect(identifies).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(emu.gatewaySessions.map((s) => s.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });

  it("sends each client only the guilds of its shard", () => {
    expect([...(clients[0]?.guilds.cache.keys() ?? [])]).toEqual([onZero.id]);
    expect([...(clients[1]?.guilds.cache.keys() ?? [])]).toEqual([onOne.id]);
  });

  it("routes a guild's events and interactions to the shard that holds it", async () => {
    const seen: Array<[number, string]> = [];
    clients.forEach((client, shard) => {
      client.on(Events.ChannelCreate, (channel) => seen.push([shard, channel.guildId]));
    });
    emu.addChannel(onOne.id, { name: "later" });
    emu.addChannel(onZero.id, { name: "later" });
    const got: Array<[number, Interaction]> = [];
    clients.forEach((client, shard) => {
      client.on(Events.InteractionCreate, (i) => {
        got.push([shard, i]);
        if (i.isChatInputCommand()) void i.reply({ content: `shard ${shard}` });
      });
    });
    emu.addMember(onOne.id, USER);
    const record = await emu.sendSlashCommand({
      name: "ping",
      guildId: onOne.id,
      channelId: onOne.channelId("news"),
      userId: USER.id,
    });
    expect(record.deliveredTo).toEqual([[1, 2]]);
    await record.waitForResponse();
    expect(got.map(([shard]) => shard)).toEqual([1]);
    expect(seen.sort()).toEqual([
      [0, onZero.id],
      [1, onOne.id],
    ]);
  });

  it("closes an IDENTIFY with a shard outside its count with 4010", async () => {
    expect(await identifyRaw(emu, [2, 2])).toEqual({ code: 4010 });
    expect(await identifyRaw(emu, [0, 0])).toEqual({ code: 4010 });
    expect(await identifyRaw(emu, "0,2")).toEqual({ code: 4010 });
  });

  it("closes an IDENTIFY with too few shards for the guilds with 4011, when a limit is set", async () => {
    const strict = await DiscordEmulator.start({ maxGuildsPerShard: 1 });
    try {
      strict.addGuild({ id: snowflakeOnShard(0, 2), name: "A" });
      strict.addGuild({ id: snowflakeOnShard(1, 2), name: "B" });
      expect(await identifyRaw(strict, undefined)).toEqual({ code: 4011 });
      expect(await identifyRaw(strict, [0, 1])).toEqual({ code: 4011 });
      const ready = await identifyRaw(strict, [1, 2]);
      expect(ready).toMatchObject({ ready: { shard: [1, 2], guilds: [{ unavailable: true }] } });
    } finally {
      await strict.stop();
    }
  });
});
