/**
 * The emulator's message components against the real discord.js client: buttons are checked as
 * Discord checks them (50035 otherwise), and a press arrives as a type 3 interaction that the
 * client can answer with a reply (4), a deferred reply (5), a deferred update (6) or an update
 * of the message itself (7).
 */
import {
  ButtonStyle,
  Client,
  ComponentType,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  Routes,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator } from "../discord-emulator/index.js";

const USER = "400000000000000009";

const row = (...buttons: Array<Record<string, unknown>>) => ({
  type: ComponentType.ActionRow,
  components: buttons,
});
const button = (customId: string, label = "Go") => ({
  type: ComponentType.Button,
  style: ButtonStyle.Secondary,
  custom_id: customId,
  label,
});

describe("emulator: message components", () => {
  let emu: DiscordEmulator;
  let client: Client;
  let channelId = "";
  let guildId = "";

  beforeAll(async () => {
    // Refused posts count against the channel's bucket too: room for all of them at once.
    emu = await DiscordEmulator.start({ rateLimit: { perChannel: 50, windowMs: 1000 } });
    const guild = emu.addGuild({ name: "Desk", channels: [{ name: "news" }] });
    guildId = guild.id;
    channelId = guild.channelId("news");
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emu.apiUrl } });
    const ready = new Promise<void>((r) => client.once(Events.ClientReady, () => r()));
    await client.login(emu.token);
    await ready;
  });
  afterAll(async () => {
    await client?.destroy();
    await emu?.stop();
  });

  // Loosely typed on purpose: most bodies here are ones Discord refuses.
  const post = (body: Record<string, unknown>) =>
    client.rest.post(Routes.channelMessages(channelId), { body }) as Promise<{ id: string }>;

  async function refused(body: Record<string, unknown>, path: string, code: string) {
    const err = await post(body).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DiscordAPIError);
    const apiError = err as DiscordAPIError;
    expect(apiError.code).toBe(50035);
    const errors = (apiError.rawError as { errors?: unknown }).errors;
    const leaf = path
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown>)?.[key], errors) as
      | { _errors?: Array<{ code: string }> }
      | undefined;
    expect(
      leaf?._errors?.map((e) => e.code),
      path,
    ).toContain(code);
  }

  it("accepts a valid row and stores it with the message", async () => {
    const { id } = await post({ content: "x", components: [row(button("a"), button("b"))] });
    const stored = emu.messages(channelId).find((m) => m.id === id);
    expect(stored?.components).toEqual([row(button("a"), button("b"))]);
  });

  it("refuses what Discord refuses, with 50035 and the field's path", async () => {
    const body = (components: unknown[]) => ({ content: "x", components });
    const six = Array.from({ length: 6 }, (_, i) => row(button(`r${i}`)));
    await refused(body(six), "components", "BASE_TYPE_MAX_LENGTH");
    const many = row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)));
    await refused(body([many]), "components.0.components", "BASE_TYPE_BAD_LENGTH");
    await refused(
      body([row(button("same"), button("same"))]),
      "components.0.components.1.custom_id",
      "COMPONENT_CUSTOM_ID_DUPLICATED",
    );
    await refused(
      body([row(button("x".repeat(101)))]),
      "components.0.components.0.custom_id",
      "BASE_TYPE_BAD_LENGTH",
    );
    await refused(
      body([row(button(""))]),
      "components.0.components.0.custom_id",
      "BASE_TYPE_BAD_LENGTH",
    );
    await refused(
      body([row(button("ok", "L".repeat(81)))]),
      "components.0.components.0.label",
      "BASE_TYPE_MAX_LENGTH",
    );
    await refused(
      body([row({ ...button("ok"), style: 9 })]),
      "components.0.components.0.style",
      "BASE_TYPE_CHOICES",
    );
    await refused(
      body([
        row({
          type: 2,
          style: ButtonStyle.Link,
          label: "site",
          custom_id: "no",
          url: "https://example.org",
        }),
      ]),
      "components.0.components.0.custom_id",
      "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
    );
    await refused(
      body([row({ type: 2, style: ButtonStyle.Link, label: "site" })]),
      "components.0.components.0.url",
      "BUTTON_COMPONENT_URL_REQUIRED",
    );
    await refused(body([{ type: 3, components: [] }]), "components.0.type", "UNION_TYPE_CHOICES");
  });

  it("an edit without components keeps them; with [] removes them", async () => {
    const { id } = await post({ content: "x", components: [row(button("keep"))] });
    await client.rest.patch(Routes.channelMessage(channelId, id), { body: { content: "y" } });
    let stored = emu.messages(channelId).find((m) => m.id === id);
    expect(stored?.content).toBe("y");
    expect(stored?.components).toEqual([row(button("keep"))]);
    await client.rest.patch(Routes.channelMessage(channelId, id), { body: { components: [] } });
    stored = emu.messages(channelId).find((m) => m.id === id);
    expect(stored?.components).toEqual([]);
  });

  it("a press arrives as type 3 with the custom_id and the message; callbacks 4, 5, 6 and 7", async () => {
    const { id } = await post({
      content: "alert",
      components: [row(button("reply"), button("defer"), button("later"), button("update"))],
    });
    client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (!i.isButton()) return;
      expect(i.message.id).toBe(id);
      if (i.customId === "reply")
        await i.reply({ content: "just you", flags: MessageFlags.Ephemeral });
      if (i.customId === "defer") {
        await i.deferReply({ flags: MessageFlags.Ephemeral });
        await i.editReply({ content: "thought about it" });
      }
      if (i.customId === "later") {
        await i.deferUpdate();
        await i.editReply({ content: "alert (edited later)" });
      }
      if (i.customId === "update") await i.update({ content: "alert (updated)", components: [] });
    });
    const pressed = (customId: string) =>
      emu.pressButton({ guildId, channelId, messageId: id, customId, userId: USER });

    const reply = await pressed("reply");
    expect(reply.payload).toMatchObject({
      type: 3,
      data: { custom_id: "reply", component_type: 2 },
    });
    expect((reply.payload.message as { id: string }).id).toBe(id);
    const r = await reply.waitForResponse();
    expect(r.callbackType).toBe(4);
    expect(r.message?.content).toBe("just you");
    expect(r.message?.flags).toBe(MessageFlags.Ephemeral);

    const deferred = await (await pressed("defer")).waitForResponse();
    expect(deferred.callbackType).toBe(5);
    expect(deferred.message?.content).toBe("thought about it");

    const later = await pressed("later");
    await later.waitForResponse();
    const edited = () => emu.messages(channelId).find((m) => m.id === id)?.content;
    for (let n = 0; n < 40 && edited() !== "alert (edited later)"; n++)
      await new Promise((r) => setTimeout(r, 25));
    expect(later.callbacks.map((c) => c.type)).toEqual([6]);
    expect(edited()).toBe("alert (edited later)");

    const update = await (await pressed("update")).waitForResponse();
    expect(update.callbackType).toBe(7);
    expect(update.message?.content).toBe("alert (updated)");
    expect(emu.messages(channelId).find((m) => m.id === id)?.components).toEqual([]);
    // Nothing ephemeral leaked into the channel.
    expect(emu.messages(channelId).map((m) => m.content)).not.toContain("just you");
  });

  it("refuses to press a button the message does not carry unless the press is forged", async () => {
    const { id } = await post({ content: "x", components: [row(button("real"))] });
    await expect(
      emu.pressButton({ guildId, channelId, messageId: id, customId: "fake", userId: USER }),
    ).rejects.toThrow(/has no button fake/);
  });
});
