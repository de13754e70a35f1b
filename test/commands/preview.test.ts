/**
 * /preview topic: the alert card a subscription to the topic would post, shown only to the
 * admin — compared with the card the real delivery pipeline posts for the same story.
 */
import type { APIEmbed } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import { Outbox } from "../../src/deliver/outbox.js";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { DeliverySender } from "../../src/deliver/sender.js";
import { serverLanguage } from "../../src/discord/alert-language.js";
import { type BotHarness, EPHEMERAL_FLAG, startBotHarness } from "../helpers/bot-harness.js";

const CLIMATE = {
  title: "Climate talks at COP30 end with deal on emissions",
  text: "Negotiators at the COP30 climate summit agreed to cut greenhouse gas emissions faster, with new finance for adaptation in poor countries under the Paris Agreement. Germany and Brazil pledged more money for forests.",
  feedName: "Planet Desk",
  url: "https://planet.example/cop30-deal",
  minutesAgo: 30,
};

/**
 * The real delivery side, wired as src/discord/run.ts wires it: a climate subscription in
 * #alerts, the sink, the outbox and the sender, alerts in the server's language. Returns the
 * alert Discord received for the story.
 */
async function deliverClimateAlert(h: BotHarness, seed: typeof CLIMATE): Promise<APIEmbed[]> {
  const [story] = await h.seed([seed]);
  if (!story) throw new Error("not seeded");
  await h.ctx.subscriptions.upsert({
    guildId: h.guildId,
    channelId: h.alertsId,
    topic: "climate",
    minScore: 0,
    keywords: [],
    createdBy: "1",
    createdAt: Date.now(),
    status: "active",
    alertsSent: 0,
  });
  const language = serverLanguage(h.client, h.ctx.i18n);
  const outbox = new Outbox(
    { kv: h.storage.kv, subscriptions: h.ctx.subscriptions, taxonomy: h.ctx.taxonomy, language },
    { retentionMs: 86_400_000 },
  );
  const sender = new DeliverySender({
    outbox,
    subscriptions: h.ctx.subscriptions,
    poster: new DiscordJsPoster(h.client.rest, { client: h.client }),
    taxonomy: h.ctx.taxonomy,
    log: h.ctx.log,
    language,
  });
  sender.start();
  const sink = new DiscordSink({
    outbox,
    subscriptions: h.ctx.subscriptions,
    sender,
    summarize: h.ctx.summarize,
    log: h.ctx.log,
  });
  await sink.accept([story], {
    id: story.feedId,
    name: story.feedName,
    url: "https://planet.example/feed",
    origin: "operator",
  });
  const [alert] = await h.emu.waitForMessages(h.alertsId, 1, 5000);
  await sender.stop();
  return alert?.embeds ?? [];
}

describe("/preview", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("before any story of the topic is stored, shows a clearly marked sample card", async () => {
    const { outcome } = await h.run({
      name: "preview",
      options: [{ name: "topic", type: 3, value: "Klima" }],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(outcome.message?.content).toContain("built-in **sample**");
    const [card] = outcome.message?.embeds ?? [];
    expect(card?.title).toBe("[Sample] A Climate story will appear here");
    expect(card?.author).toEqual({ name: "ForeignDesk sample" });
    expect(card?.fields).toEqual([{ name: "Topic", value: "🌍 Climate", inline: true }]);
    expect(h.emu.messages(h.newsId)).toHaveLength(0);
  });

  it("shows the latest stored story exactly as the alert a climate subscription gets", async () => {
    const alert = await deliverClimateAlert(h, CLIMATE);

    const { outcome } = await h.run({
      name: "preview",
      options: [{ name: "topic", type: 3, value: "climate" }],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(outcome.message?.content).toContain("latest 🌍 Climate story");
    expect(alert).toHaveLength(1);
    expect(outcome.message?.embeds).toEqual(alert);
  });

  it("answers in the user's language around the card", async () => {
    const { outcome } = await h.run({
      name: "preview",
      locale: "de",
      options: [{ name: "topic", type: 3, value: "climate" }],
    });
    expect(outcome.message?.content).toMatch(/^Vorschau: die neueste Meldung zu 🌍 Klima/);
  });
});

describe("alerts and /preview on a German server", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness({ guildLocale: "de" });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("posts the alert card in the server's language, and /preview shows that same card", async () => {
    const alert = await deliverClimateAlert(h, CLIMATE);
    expect(alert).toHaveLength(1);
    const fields = alert[0]?.fields ?? [];
    expect(fields.map((f) => f.name)).toEqual(["Themen", "Länder", "Warum"]);
    // The subscribed topic first, every topic by its German name.
    expect(fields[0]?.value).toMatch(/^🌍 Klima · /);
    expect(fields[0]?.value).not.toMatch(/Climate|Energy|United Nations/);
    // An English-speaking admin of that server previews what the channel actually gets.
    const { outcome } = await h.run({
      name: "preview",
      locale: "en-US",
      options: [{ name: "topic", type: 3, value: "climate" }],
    });
    expect(outcome.message?.content).toContain("latest 🌍 Climate story");
    expect(outcome.message?.embeds).toEqual(alert);
  });
});
