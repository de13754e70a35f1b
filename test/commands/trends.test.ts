/**
 * /trends through the real discord.js client and the emulator: an embed whose image is the
 * attached PNG (a valid PNG of the rendered size, within Discord's limit, with alt text), for
 * all topics, a topic, a country, and a topic with a country; days outside 1–90 refused by the
 * option rules; an empty period answered in words, not with a chart of nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InteractionOutcome } from "../discord-emulator/index.js";
import { MAX_UPLOAD_BYTES, pngSize } from "../discord-emulator/uploads.js";
import { type BotHarness, EPHEMERAL_FLAG, startBotHarness } from "../helpers/bot-harness.js";

const STORIES = [
  {
    title: "Climate talks at COP30 end with deal on emissions",
    text: "Negotiators at the COP30 climate summit in Brazil agreed to cut greenhouse gas emissions faster, with new finance for adaptation under the Paris Agreement.",
    url: "https://planet.example/cop30",
    minutesAgo: 30,
  },
  {
    title: "Germany pledges more climate finance",
    text: "Germany said it would double its climate finance for poor countries, the German environment minister told the climate summit.",
    url: "https://planet.example/germany-finance",
    minutesAgo: 60 * 26,
  },
  {
    title: "Refugees stranded at border as asylum rules tighten",
    text: "Hundreds of refugees and migrants were stranded at the border after Germany tightened asylum rules, aid groups said.",
    url: "https://border.example/asylum",
    minutesAgo: 60 * 50,
  },
];

function attachmentOf(outcome: InteractionOutcome) {
  const attachment = outcome.message?.attachments[0];
  if (!attachment) throw new Error("no attachment");
  return attachment;
}

describe("/trends", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
    await h.seed(STORIES);
  });
  afterAll(async () => {
    await h?.close();
  });

  function png(outcome: InteractionOutcome): Buffer {
    const bytes = h.emu.attachmentBytes(String(attachmentOf(outcome).id));
    if (!bytes) throw new Error("no bytes");
    return bytes;
  }

  it("answers with an embed showing the attached chart, a valid PNG with alt text", async () => {
    const { outcome } = await h.run({ name: "trends" });
    const message = outcome.message;
    // Deferred at once, then edited: the chart arrives on the deferred reply.
    expect(outcome.callbackType).toBe(5);
    expect((message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const embed = message?.embeds[0];
    expect(embed?.image).toEqual({ url: "attachment://trends.png" });
    expect(String(embed?.title)).toMatch(/Stories per day, top topics/);
    // The figures are in text too: totals, one line per topic, the biggest rise or its absence.
    expect(String(embed?.description)).toMatch(/\*\*3\*\* stories in the period/);
    expect(String(embed?.description)).toMatch(/Climate/);
    const attachment = attachmentOf(outcome);
    expect(attachment).toMatchObject({ filename: "trends.png", content_type: "image/png" });
    expect(String(attachment.description)).toMatch(/^Line chart\. .*Climate \d+ stor/);
    expect(String(attachment.description).length).toBeLessThanOrEqual(1024);
    const bytes = png(outcome);
    expect(bytes.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(pngSize(bytes)).toEqual({ width: 1000, height: 500 });
    expect(bytes.length).toBe(attachment.size);
    expect(bytes.length).toBeLessThan(MAX_UPLOAD_BYTES);
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it("with a topic: that topic's line, posted publicly when asked", async () => {
    const { outcome } = await h.run({
      name: "trends",
      options: [
        { name: "topic", type: 3, value: "climate" },
        { name: "days", type: 4, value: 7 },
        { name: "public", type: 5, value: true },
      ],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(0);
    const embed = outcome.message?.embeds[0];
    expect(String(embed?.title)).toMatch(/^Climate: stories per day/);
    expect(String(embed?.description)).toMatch(/\*\*2\*\* stories in the period/);
    expect(pngSize(png(outcome))).toEqual({ width: 1000, height: 500 });
  });

  it("with a country (autocompleted): its stories per topic; with a topic too: per country", async () => {
    const choices = await h.autocomplete({
      name: "trends",
      options: [{ name: "country", type: 3, value: "germ", focused: true }],
    });
    expect(choices[0]).toEqual({ name: "🇩🇪 Germany (DE)", value: "DE" });
    const alone = await h.run({
      name: "trends",
      options: [{ name: "country", type: 3, value: "DE" }],
    });
    expect(String(alone.outcome.message?.embeds[0]?.title)).toMatch(
      /^Germany: stories per day by topic/,
    );
    expect(alone.outcome.message?.embeds[0]?.description).toMatch(/stories about Germany/);
    expect(pngSize(png(alone.outcome))).toEqual({ width: 1000, height: 500 });

    const both = await h.run({
      name: "trends",
      locale: "de",
      options: [
        { name: "topic", type: 3, value: "climate" },
        { name: "country", type: 3, value: "Deutschland" },
      ],
    });
    const embed = both.outcome.message?.embeds[0];
    expect(String(embed?.title)).toMatch(/Meldungen pro Tag nach Land/);
    expect(String(embed?.description)).toMatch(/🇩🇪 Deutschland: \*\*1\*\* Meldung/);
    expect(String(attachmentOf(both.outcome).description)).toMatch(/^Liniendiagramm\./);
  });

  it("refuses days outside 1–90 by the option rules, before any work", async () => {
    for (const days of [0, 91]) {
      const { outcome } = await h.run({
        name: "trends",
        options: [{ name: "days", type: 4, value: days }],
      });
      expect(outcome.message?.attachments ?? []).toEqual([]);
      expect(outcome.message?.content).toMatch(/days/);
      expect(outcome.message?.content).toMatch(/90/);
    }
  });

  it("says so when the period has nothing to chart, and refuses an unknown country", async () => {
    const { outcome } = await h.run({
      name: "trends",
      options: [
        { name: "topic", type: 3, value: "climate" },
        { name: "country", type: 3, value: "JP" },
        { name: "public", type: 5, value: true },
      ],
    });
    expect(outcome.message?.content).toMatch(/^No stories about .*Climate · Japan were counted in/);
    expect(outcome.message?.attachments).toEqual([]);
    expect(outcome.message?.embeds).toEqual([]);
    // Nothing to see is told to the user alone, even when asked in public.
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);

    const unknown = await h.run({
      name: "trends",
      options: [{ name: "country", type: 3, value: "Atlantis" }],
    });
    expect(unknown.outcome.message?.content).toMatch(/There is no country “Atlantis”/);
  });
});
