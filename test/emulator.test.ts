/**
 * Proves the Discord emulator against the real discord.js client: nothing here mocks
 * discord.js — it logs in over HTTP + WebSocket to 127.0.0.1 and we assert on both sides.
 */
import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  HTTPError,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  type TextChannel,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator, type EmulatedGuild } from "./discord-emulator/index.js";

const USER = { id: "400000000000000001", username: "analyst" };

function newClient(emu: DiscordEmulator): Client {
  return new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
}

async function login(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token);
  await ready;
}

/** Resolves with the next interaction the client receives. */
function nextInteraction(client: Client): Promise<Interaction> {
  return new Promise((resolve) => client.once(Events.InteractionCreate, resolve));
}

async function expectApiError(promise: Promise<unknown>, code: number): Promise<DiscordAPIError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscordAPIError);
  const apiError = err as DiscordAPIError;
  expect(apiError.code).toBe(code);
  return apiError;
}

describe("DiscordEmulator with the real discord.js client", () => {
  let emu: DiscordEmulator;
  let client: Client;
  let guild: EmulatedGuild;
  let newsId: string;
  const clientErrors: unknown[] = [];

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ rateLimit: { perChannel: 5, windowMs: 1000 } });
    guild = emu.addGuild({
      name: "Foreign Desk HQ",
      channels: [{ name: "news" }, { name: "alerts" }, { name: "scratch" }],
    });
    newsId = guild.channelId("news");
    emu.addMember(
      guild.id,
      USER,
      PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages,
    );
    client = newClient(emu);
    client.on(Events.Error, (e) => clientErrors.push(e));
    await login(client, emu.token);
  });

  afterAll(async () => {
    await client?.destroy();
    await emu?.stop();
  });

  it("logs in: READY + GUILD_CREATE populate the cache, gateway URL has no compression", () => {
    expect(client.user?.id).toBe(emu.botUserId);
    expect(client.application?.id).toBe(emu.applicationId);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe("Foreign Desk HQ");
    const news = cached?.channels.cache.get(newsId);
    expect(news?.isTextBased()).toBe(true);
    // The bot member arrived with its managed role, so client-side permission checks work.
    const me = cached?.members.me;
    expect(me).toBeTruthy();
    const perms = news && me && "permissionsFor" in news ? news.permissionsFor(me) : null;
    expect(perms?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(perms?.has(PermissionFlagsBits.Administrator)).toBe(false);

    const conn = emu.gatewayConnections[0];
    expect(conn?.query).toMatchObject({ v: "10", encoding: "json" });
    expect(conn?.query.compress).toBeUndefined();
    const identify = emu.gatewayFrames.find((f) => f.op === 2);
    expect(identify?.d).toMatchObject({ intents: GatewayIntentBits.Guilds, compress: false });
    expect(emu.requests.some((r) => r.route === "/gateway/bot" && r.status === 200)).toBe(true);
  });

  it("rejects a bad token (REST 401 → TokenInvalid)", async () => {
    const bad = newClient(emu);
    await expect(bad.login("not.the.token")).rejects.toMatchObject({ code: "TokenInvalid" });
    await bad.destroy();
  });

  it("bulk-overwrites commands and reads them back", async () => {
    const set = await client.application?.commands.set([
      {
        name: "digest",
        description: "Post the latest digest",
        options: [
          { type: 3, name: "region", description: "Region", required: true, autocomplete: true },
          { type: 4, name: "hours", description: "Look-back window", min_value: 1 },
        ],
      },
      { name: "subscribe", description: "Subscribe this channel", defaultMemberPermissions: "32" },
    ]);
    expect(set?.size).toBe(2);
    const stored = emu.commands();
    expect(stored.map((c) => c.name)).toEqual(["digest", "subscribe"]);
    expect(stored[1]?.default_member_permissions).toBe("32");
    expect(set?.get(stored[0]?.id ?? "")?.name).toBe("digest");

    // Overwriting again keeps ids of surviving names (Discord behaviour).
    const again = await client.application?.commands.set([
      { name: "digest", description: "Post the latest digest (v2)" },
    ]);
    expect(again?.first()?.id).toBe(stored[0]?.id);
    expect(emu.commands()).toHaveLength(1);
  });

  it("rejects invalid command definitions with 50035", async () => {
    const err = await expectApiError(
      client.application?.commands.set([
        { name: "Digest", description: "uppercase is not allowed" },
        {
          name: "ok",
          description: "x".repeat(101),
          options: [
            { type: 3, name: "a", description: "optional first" },
            { type: 3, name: "b", description: "required second", required: true },
          ],
        },
      ]) ?? Promise.resolve(),
      50035,
    );
    expect(err.status).toBe(400);
    const raw = err.rawError as { errors: Record<string, Record<string, unknown>> };
    expect(raw.errors["0"]?.name).toBeDefined();
    expect(raw.errors["1"]?.description).toBeDefined();
    expect(raw.errors["1"]?.options).toBeDefined();
    // The previous good set is untouched.
    expect(emu.commands()).toHaveLength(1);
  });

  it("delivers a slash command with member permissions; reply lands in the record", async () => {
    const incoming = nextInteraction(client);
    const record = await emu.sendSlashCommand({
      guildId: guild.id,
      channelId: newsId,
      userId: USER.id,
      name: "digest",
      options: [{ name: "region", type: 3, value: "sahel" }],
    });
    const interaction = await incoming;
    expect(interaction.isChatInputCommand()).toBe(true);
    const cmd = interaction as ChatInputCommandInteraction;
    expect(cmd.commandName).toBe("digest");
    expect(cmd.commandId).toBe(emu.commands()[0]?.id);
    expect(cmd.channelId).toBe(newsId);
    expect(cmd.options.getString("region")).toBe("sahel");
    expect(cmd.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(cmd.appPermissions.has(PermissionFlagsBits.SendMessages)).toBe(true);

    await cmd.reply({
      content: "Sahel digest",
      embeds: [new EmbedBuilder().setTitle("Mali").setDescription("Talks resume")],
      flags: MessageFlags.Ephemeral,
    });
    const outcome = await record.waitForResponse(1000);
    expect(record.callbacks).toHaveLength(1);
    expect(record.callbacks[0]?.type).toBe(4);
    expect(outcome.message?.content).toBe("Sahel digest");
    expect(outcome.message?.embeds[0]).toMatchObject({
      title: "Mali",
      description: "Talks resume",
    });
    expect((outcome.message?.flags ?? 0) & MessageFlags.Ephemeral).toBeTruthy();
    // Ephemeral replies are not part of the channel history.
    expect(emu.messages(newsId).some((m) => m.content === "Sahel digest")).toBe(false);

    // A second callback is refused like Discord does (bypassing discord.js's own guard).
    await expectApiError(
      client.rest.post(`/interactions/${cmd.id}/${cmd.token}/callback`, {
        body: { type: 4, data: { content: "again" } },
        auth: false,
      }),
      40060,
    );
  });

  it("reflects missing permissions in memberPermissions", async () => {
    const incoming = nextInteraction(client);
    await emu.sendSlashCommand({
      guildId: guild.id,
      channelId: newsId,
      userId: "400000000000000002",
      name: "subscribe",
      permissions: PermissionFlagsBits.SendMessages,
      options: [{ name: "who", type: 6, value: USER.id }],
    });
    const interaction = (await incoming) as ChatInputCommandInteraction;
    expect(interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)).toBe(false);
    // User options come with data.resolved, so getUser() works.
    expect(interaction.options.getUser("who")?.username).toBe(USER.username);
    // with_response=true returns the created message in the callback response.
    const response = await interaction.reply({
      content: "You need Manage Server.",
      withResponse: true,
    });
    expect(response.resource?.message?.content).toBe("You need Manage Server.");
    const fetched = await interaction.fetchReply();
    expect(fetched.id).toBe(response.resource?.message?.id);
    await interaction.deleteReply();
    expect(emu.messages(newsId).some((m) => m.id === fetched.id)).toBe(false);
  });

  it("deferReply + editReply + followUp", async () => {
    const incoming = nextInteraction(client);
    const record = await emu.sendSlashCommand({
      guildId: guild.id,
      channelId: newsId,
      userId: USER.id,
      name: "digest",
    });
    const interaction = (await incoming) as ChatInputCommandInteraction;
    await interaction.deferReply();
    expect(record.callbacks[0]?.type).toBe(5);
    const waiting = record.waitForResponse(2000);
    const edited = await interaction.editReply({ content: "Here is the digest" });
    expect(edited.content).toBe("Here is the digest");
    const followed = await interaction.followUp({ content: "And one more thing" });
    expect(followed.content).toBe("And one more thing");

    const outcome = await waiting;
    expect(outcome.callbackType).toBe(5);
    expect(outcome.message?.content).toBe("Here is the digest");
    expect(record.edits).toEqual([expect.objectContaining({ content: "Here is the digest" })]);
    expect(record.followups).toEqual([expect.objectContaining({ content: "And one more thing" })]);
    const visible = emu.messages(newsId).map((m) => m.content);
    expect(visible).toContain("Here is the digest");
    expect(visible).toContain("And one more thing");
  });

  it("channel.send with embeds lands in messages()", async () => {
    const channel = client.channels.cache.get(newsId) as TextChannel;
    const sent = await channel.send({
      embeds: [
        new EmbedBuilder()
          .setTitle("Ceasefire talks")
          .setURL("https://example.org/story")
          .addFields({ name: "Region", value: "Middle East" }),
      ],
      allowedMentions: { parse: [] },
    });
    const stored = emu.messages(newsId).at(-1);
    expect(stored?.id).toBe(sent.id);
    expect(stored?.embeds[0]).toMatchObject({ title: "Ceasefire talks", type: "rich" });
    expect(stored?.allowed_mentions).toEqual({ parse: [] });
    expect(sent.embeds[0]?.title).toBe("Ceasefire talks");
  });

  it("validates message bodies like Discord (50035 / 50006)", async () => {
    const channel = client.channels.cache.get(guild.channelId("scratch")) as TextChannel;
    const tooLong = await expectApiError(
      channel.send({ embeds: [{ title: "t", description: "x".repeat(4097) }] }),
      50035,
    );
    expect(tooLong.rawError).toMatchObject({
      errors: { embeds: { "0": { description: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } },
    });
    await expectApiError(channel.send({ content: "x".repeat(2001) }), 50035);
    // Four 1600-char descriptions are each fine, but exceed 6000 together.
    await expectApiError(
      channel.send({ embeds: [1, 2, 3, 4].map(() => ({ description: "y".repeat(1600) })) }),
      50035,
    );
    await expectApiError(
      channel.send({ embeds: [{ title: "bad url", url: "ftp://example.org" }] }),
      50035,
    );
    await expectApiError(
      client.rest.post(`/channels/${channel.id}/messages`, { body: { content: "" } }),
      50006,
    );
  });

  it("edits a message (PATCH) within the same limits, and not once it is deleted", async () => {
    const channel = client.channels.cache.get(guild.channelId("scratch")) as TextChannel;
    const sent = await channel.send({ embeds: [{ title: "G7 loan for Ukraine" }] });
    const edited = await sent.edit({
      embeds: [
        { title: "G7 loan for Ukraine", fields: [{ name: "Also reported by", value: "Reuters" }] },
      ],
    });
    expect(edited.editedTimestamp).not.toBeNull();
    const stored = () => emu.messages(channel.id).find((m) => m.id === sent.id);
    expect(stored()?.embeds[0]).toMatchObject({
      fields: [{ name: "Also reported by", value: "Reuters" }],
    });
    // A field value over 1,024 characters is refused like a new message's, and changes nothing.
    await expectApiError(
      sent.edit({ embeds: [{ title: "t", fields: [{ name: "n", value: "v".repeat(1025) }] }] }),
      50035,
    );
    expect(stored()?.embeds[0]?.fields).toEqual([{ name: "Also reported by", value: "Reuters" }]);
    await sent.delete();
    await expectApiError(
      client.rest.patch(`/channels/${channel.id}/messages/${sent.id}`, { body: { content: "x" } }),
      10008,
    );
  });

  it("enforces bot permissions and the client's permission view agrees", async () => {
    const alertsId = guild.channelId("alerts");
    const channel = client.channels.cache.get(alertsId) as TextChannel;
    const updated = new Promise<void>((resolve) =>
      client.once(Events.ChannelUpdate, () => resolve()),
    );
    emu.setBotPermissions(
      alertsId,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
    );
    await updated;
    const me = channel.guild.members.me;
    expect(me).toBeTruthy();
    const perms = me ? channel.permissionsFor(me) : null;
    expect(perms?.has(PermissionFlagsBits.EmbedLinks)).toBe(false);
    expect(perms?.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(perms?.bitfield).toBe(emu.botPermissionsIn(alertsId));

    await channel.send("plain text is fine");
    await expectApiError(channel.send({ embeds: [{ title: "embed" }] }), 50013);

    emu.setBotPermissions(alertsId, PermissionFlagsBits.ViewChannel);
    await expectApiError(channel.send("no send"), 50013);
    emu.setBotPermissions(alertsId, 0n);
    await expectApiError(channel.send("no view"), 50001);
  });

  it("a deleted channel answers 10003 and the client sees CHANNEL_DELETE", async () => {
    const scratch = guild.channelId("scratch");
    const channel = client.channels.cache.get(scratch) as TextChannel;
    const deleted = new Promise<void>((resolve) =>
      client.once(Events.ChannelDelete, () => resolve()),
    );
    emu.deleteChannel(scratch);
    await deleted;
    expect(client.channels.cache.has(scratch)).toBe(false);
    await expectApiError(channel.send("hello?"), 10003);
  });

  it("a burst under a 5/1s channel limit completes in order (discord.js queues itself)", async () => {
    const channel = client.channels.cache.get(newsId) as TextChannel;
    const before = emu.messages(newsId).length;
    const hitsBefore = emu.rateLimitHits(newsId);
    const started = Date.now();
    await Promise.all(Array.from({ length: 12 }, (_, i) => channel.send(`burst ${i}`)));
    const elapsed = Date.now() - started;
    const all = await emu.waitForMessages(newsId, before + 12, 1000);
    const burst = all.slice(before).map((m) => m.content);
    expect(burst).toEqual(Array.from({ length: 12 }, (_, i) => `burst ${i}`));
    // 12 messages at 5/s need at least two full window resets.
    expect(elapsed).toBeGreaterThan(1500);
    // With headers discord.js waits pre-emptively, so 429s may be zero; record what happened.
    console.info(
      `[emulator] burst with headers: ${elapsed}ms, 429s=${emu.rateLimitHits(newsId) - hitsBefore}`,
    );
  });

  it("autocomplete round trip (type 8 callback)", async () => {
    const incoming = nextInteraction(client);
    const record = await emu.sendAutocomplete({
      guildId: guild.id,
      channelId: newsId,
      userId: USER.id,
      name: "digest",
      options: [{ name: "region", type: 3, value: "sa", focused: true }],
    });
    const interaction = (await incoming) as AutocompleteInteraction;
    expect(interaction.isAutocomplete()).toBe(true);
    const focused = interaction.options.getFocused(true);
    expect(focused).toMatchObject({ name: "region", value: "sa" });
    await interaction.respond([
      { name: "Sahel", value: "sahel" },
      { name: "South Asia", value: "south-asia" },
    ]);
    const outcome = await record.waitForResponse(1000);
    expect(record.callbacks[0]?.type).toBe(8);
    expect(outcome.choices).toEqual([
      { name: "Sahel", value: "sahel" },
      { name: "South Asia", value: "south-asia" },
    ]);
  });

  it("outage: discord.js retries 5xx then throws; a caller retry succeeds; the gateway resumes", async () => {
    const channel = client.channels.cache.get(newsId) as TextChannel;
    const resumed = new Promise<void>((resolve) =>
      client.once(Events.ShardResume, () => resolve()),
    );
    emu.setOutage(true);
    const firstRequest = emu.requests.length;

    // What discord.js does by itself: 1 try + `retries: 3`, immediately, then HTTPError 503.
    const err = await channel.send("during outage").then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HTTPError);
    expect((err as HTTPError).status).toBe(503);
    const outageHits = emu.requests.slice(firstRequest).filter((r) => r.status === 503).length;
    expect(outageHits).toBe(4);

    setTimeout(() => emu.setOutage(false), 1200);
    const started = Date.now();
    let attempts = 0;
    let sent = null;
    while (!sent && Date.now() - started < 8000) {
      attempts += 1;
      sent = await channel.send("after outage").catch(async () => {
        await new Promise((r) => setTimeout(r, 200));
        return null;
      });
    }
    expect(sent?.content).toBe("after outage");
    expect(emu.messages(newsId).at(-1)?.content).toBe("after outage");
    await resumed;
    expect(emu.gatewayFrames.some((f) => f.op === 6)).toBe(true);
    console.info(
      `[emulator] outage: ${outageHits} requests per failed send, ${attempts} caller attempts, recovered after ${Date.now() - started}ms`,
    );
  });

  it("serves REST reads the client uses (channel, guild, member) and 404s unknown routes", async () => {
    const channel = await client.channels.fetch(newsId, { force: true });
    expect(channel?.id).toBe(newsId);
    const fetchedGuild = await client.guilds.fetch({ guild: guild.id, force: true });
    expect(fetchedGuild.name).toBe("Foreign Desk HQ");
    const me = await fetchedGuild.members.fetchMe({ force: true });
    expect(me.id).toBe(emu.botUserId);
    expect(me.roles.cache.has(guild.botRoleId)).toBe(true);
    const channels = await fetchedGuild.channels.fetch();
    expect(channels.has(newsId)).toBe(true);

    const unknown = await expectApiError(client.rest.get(`/guilds/${guild.id}/bans`), 0);
    expect(unknown.status).toBe(404);
    expect(emu.requests.at(-1)).toMatchObject({ route: "unknown", status: 404 });
  });

  it("removeGuild dispatches GUILD_DELETE", async () => {
    const extra = emu.addGuild({ name: "Temporary", channels: [{ name: "t" }] });
    await waitUntil(() => client.guilds.cache.has(extra.id));
    const gone = new Promise<string>((resolve) =>
      client.once(Events.GuildDelete, (g) => resolve(g.id)),
    );
    emu.removeGuild(extra.id);
    expect(await gone).toBe(extra.id);
    await expectApiError(
      client.rest.post(`/channels/${extra.channelId("t")}/messages`, { body: { content: "x" } }),
      50001,
    );
    expect(clientErrors).toEqual([]);
  });
});

describe("rate limits without pre-emptive headers", () => {
  it("discord.js honours 429 + Retry-After and still delivers in order", async () => {
    const emu = await DiscordEmulator.start({
      rateLimit: { perChannel: 5, windowMs: 1000, sendHeaders: false },
    });
    const guild = emu.addGuild({ name: "RL", channels: [{ name: "burst" }] });
    const client = newClient(emu);
    try {
      await login(client, emu.token);
      const channel = client.channels.cache.get(guild.channelId("burst")) as TextChannel;
      const started = Date.now();
      await Promise.all(Array.from({ length: 12 }, (_, i) => channel.send(`m${i}`)));
      const elapsed = Date.now() - started;
      expect(emu.messages(channel.id).map((m) => m.content)).toEqual(
        Array.from({ length: 12 }, (_, i) => `m${i}`),
      );
      expect(emu.rateLimitHits(channel.id)).toBeGreaterThanOrEqual(1);
      console.info(
        `[emulator] burst without headers: ${elapsed}ms, 429s=${emu.rateLimitHits(channel.id)}`,
      );
    } finally {
      await client.destroy();
      await emu.stop();
    }
  });
});

describe("interaction deadlines", () => {
  it("a callback after the 3 s window (shortened here) gets 10062 Unknown interaction", async () => {
    const emu = await DiscordEmulator.start({ interactionTimeoutMs: 150 });
    const guild = emu.addGuild({ name: "Slow", channels: [{ name: "c" }] });
    const client = newClient(emu);
    try {
      await login(client, emu.token);
      const incoming = nextInteraction(client);
      const record = await emu.sendSlashCommand({
        guildId: guild.id,
        channelId: guild.channelId("c"),
        userId: USER.id,
        name: "digest",
      });
      const interaction = (await incoming) as ChatInputCommandInteraction;
      await new Promise((r) => setTimeout(r, 250));
      await expectApiError(interaction.reply("too late"), 10062);
      expect(record.callbacks).toHaveLength(0);
    } finally {
      await client.destroy();
      await emu.stop();
    }
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
