/** Reading commands: /topic, /search, /digest, /classify, /topics over seeded, really tagged stories. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import { Outbox } from "../../src/deliver/outbox.js";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { DeliverySender } from "../../src/deliver/sender.js";
import { summarize } from "../../src/summarize/index.js";
import type { JsonObject } from "../discord-emulator/index.js";
import { THREADED_HEADLINE } from "../fixtures/headline.js";
import {
  type BotHarness,
  EPHEMERAL_FLAG,
  startBotHarness,
  textOf,
} from "../helpers/bot-harness.js";

const SANCTIONS_A = {
  title: "EU agrees new sanctions package against Russia over Ukraine war",
  text: "The European Union agreed a fresh package of sanctions against Russia on Tuesday, targeting oil exports and banks. Ministers said the measures respond to the war in Ukraine and further attacks on Kyiv.",
  feedName: "Brussels Wire",
  url: "https://brussels.example/eu-sanctions",
  minutesAgo: 90,
};
const SANCTIONS_B = {
  title: "EU adopts new sanctions package on Russia over war in Ukraine",
  text: "EU governments adopted another round of sanctions on Russia, including export controls and an oil price cap, as the war in Ukraine continues.",
  feedName: "Continental Post",
  url: "https://post.example/2025/eu-russia-sanctions",
  minutesAgo: 60,
};
const CLIMATE = {
  title: "Climate talks at COP30 end with deal on emissions",
  text: "Negotiators at the COP30 climate summit agreed to cut greenhouse gas emissions faster, with new finance for adaptation in poor countries under the Paris Agreement.",
  feedName: "Planet Desk",
  url: "https://planet.example/cop30-deal",
  minutesAgo: 30,
};
const MIGRATION = {
  title: "Refugees stranded at border as asylum rules tighten",
  text: "Hundreds of refugees and migrants were stranded at the border after the government tightened asylum rules, aid groups said. **Bold** claims and @everyone pings must stay inert.",
  feedName: "Border *Watch*",
  url: "https://border.example/asylum",
  minutesAgo: 10,
};

const PICTURED = {
  title: "Climate envoys agree adaptation fund for Pacific islands",
  text: "Climate envoys from Fiji, Tuvalu and Australia agreed an adaptation fund for Pacific islands threatened by sea-level rise. The fund will pay for sea walls and relocation under the Paris Agreement.",
  feedName: "Ocean Desk",
  author: "Mele Tupou",
  url: "https://ocean.example/adaptation-fund",
  imageUrl: "https://img.ocean.example/fund.jpg",
  minutesAgo: 5,
};

function embedsOf(outcome: { message?: { embeds: JsonObject[] } }): JsonObject[] {
  return outcome.message?.embeds ?? [];
}

describe("reading commands", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
    await h.seed([SANCTIONS_A, SANCTIONS_B, CLIMATE, MIGRATION]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("/topic public:true answers for the channel with the latest stories of the tag", async () => {
    const { outcome } = await h.run({
      name: "topic",
      options: [
        { name: "name", type: 3, value: "russia-ukraine" },
        { name: "public", type: 5, value: true },
      ],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(0);
    const embeds = embedsOf(outcome);
    // Two outlets' reports of one sanctions package: one entry, the latest, naming the other.
    expect(embeds.map((e) => e.title)).toEqual([SANCTIONS_B.title]);
    expect(embeds[0]?.url).toBe(SANCTIONS_B.url);
    expect(String(embeds[0]?.description)).toContain("sanctions");
    expect(String(embeds[0]?.description)).toMatch(/also reported by: Brussels Wire\*?$/);
    const fields = embeds[0]?.fields as Array<{ name: string; value: string }>;
    expect(embeds[0]?.author).toMatchObject({ name: "Continental Post" });
    expect(Date.parse(String(embeds[0]?.timestamp))).toBeGreaterThan(Date.now() - 2 * 3600_000);
    expect(fields.map((f) => f.name)).toEqual(["Topics", "Countries"]);
    const russia = h.ctx.taxonomy.topics.find((t) => t.id === "russia-ukraine");
    expect(fields[0]?.value.startsWith(`${russia?.emoji} ${russia?.label}`)).toBe(true);
    expect(fields[1]?.value).toContain("RU");
    expect(outcome.message?.allowed_mentions).toEqual({ parse: [] });
    // Public: visible in the channel.
    expect(h.emu.messages(h.newsId).some((m) => m.id === outcome.message?.id)).toBe(true);
  });

  it("/topic with limit 1 gives one story; feed text is escaped", async () => {
    const { outcome } = await h.run({
      name: "topic",
      options: [
        { name: "name", type: 3, value: "migration" },
        { name: "limit", type: 4, value: 1 },
      ],
    });
    const embeds = embedsOf(outcome);
    expect(embeds).toHaveLength(1);
    expect(embeds[0]?.author).toMatchObject({ name: "Border \\*Watch\\*" });
    const text = textOf(outcome);
    expect(text).not.toMatch(/(?<!\\)@everyone/);
  });

  it("/search ranks a title match first and tolerates typos", async () => {
    const { outcome } = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "asylum" }],
    });
    expect(embedsOf(outcome)[0]?.title).toBe(MIGRATION.title);
    const typo = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "emisions COP30" }],
    });
    expect(embedsOf(typo.outcome)[0]?.title).toBe(CLIMATE.title);
    const none = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "zzyzx" }],
    });
    expect(none.outcome.message?.content).toContain("No stored story matches");
  });

  it("/digest groups two outlets' near-identical stories as one, with 'also reported by'", async () => {
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "now",
      options: [{ name: "topic", type: 3, value: "russia-ukraine" }],
    });
    const embeds = embedsOf(outcome);
    expect(embeds).toHaveLength(1);
    const description = String(embeds[0]?.description);
    expect(description).toMatch(/also reported by: (Brussels Wire|Continental Post)/);
    expect(outcome.message?.content).toContain("1 story from 2 reports by 2 outlets");
  });

  it("/digest over all topics ranks the event with two outlets first", async () => {
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "now",
      options: [{ name: "hours", type: 4, value: 24 }],
    });
    const embeds = embedsOf(outcome);
    expect(embeds).toHaveLength(3);
    expect(String(embeds[0]?.title)).toContain("sanctions");
    expect(String(embeds[0]?.description)).toContain("also reported by");
    const total = embeds.reduce((n, e) => n + JSON.stringify(e).length, 0);
    expect(total).toBeLessThan(6000);
  });

  it("/digest over one hour leaves out older stories", async () => {
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "now",
      options: [{ name: "hours", type: 4, value: 1 }],
    });
    const titles = embedsOf(outcome).map((e) => e.title);
    expect(titles).toContain(MIGRATION.title);
    expect(titles).not.toContain(SANCTIONS_A.title);
  });

  it("one story card: an alert, /topic and /search show a story with the same fields, source, time, colour and picture", async () => {
    const [seeded] = await h.seed([PICTURED]);
    if (!seeded) throw new Error("not seeded");
    // The alert, through the real delivery path: alert log, outbox, sender, discord.js REST.
    await h.ctx.subscriptions.upsert({
      guildId: h.guildId,
      channelId: h.alertsId,
      topic: "climate",
      minScore: 0,
      keywords: [],
      createdBy: "u1",
      createdAt: Date.now(),
      status: "active",
      alertsSent: 0,
    });
    const outbox = new Outbox(
      { kv: h.storage.kv, subscriptions: h.ctx.subscriptions, taxonomy: h.ctx.taxonomy },
      { retentionMs: 86_400_000 },
    );
    const sender = new DeliverySender(
      {
        outbox,
        subscriptions: h.ctx.subscriptions,
        poster: new DiscordJsPoster(h.client.rest),
        taxonomy: h.ctx.taxonomy,
        log: h.ctx.log,
      },
      { idleMs: 200 },
    );
    const sink = new DiscordSink({
      outbox,
      subscriptions: h.ctx.subscriptions,
      sender,
      summarize,
      log: h.ctx.log,
    });
    sender.start();
    try {
      await sink.accept([seeded], {
        id: seeded.feedId,
        name: "Ocean Desk",
        url: "https://ocean.example/feed",
        origin: "operator",
      });
      const end = Date.now() + 8000;
      while (h.emu.messages(h.alertsId).length === 0 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await sender.stop();
    }
    const alert = h.emu.messages(h.alertsId).flatMap((m) => m.embeds)[0];
    const topic = embedsOf(
      (await h.run({ name: "topic", options: [{ name: "name", type: 3, value: "climate" }] }))
        .outcome,
    ).find((e) => e.title === PICTURED.title);
    const search = embedsOf(
      (await h.run({ name: "search", options: [{ name: "query", type: 3, value: "Tuvalu" }] }))
        .outcome,
    ).find((e) => e.title === PICTURED.title);
    const climate = h.ctx.taxonomy.topics.find((t) => t.id === "climate");
    // An alert adds one field, "Why": the evidence that made its topics; look-ups list stories.
    const alertFields = (alert as JsonObject).fields as Array<{ name: string; value: string }>;
    const why = alertFields.find((f) => f.name === "Why");
    expect(why?.value).toMatch(new RegExp(`^${climate?.emoji} .*(climate|adaptation)`, "i"));
    const cardFields = alertFields.filter((f) => f !== why);
    for (const card of [alert, topic, search]) {
      expect(card).toBeDefined();
      const c = card as JsonObject;
      expect(Object.keys(c).sort()).toEqual(Object.keys(alert as JsonObject).sort());
      expect(c.url).toBe(PICTURED.url);
      expect(c.thumbnail).toMatchObject({ url: PICTURED.imageUrl });
      expect(c.author).toMatchObject({ name: "Ocean Desk · Mele Tupou" });
      expect(c.timestamp).toBe((alert as JsonObject).timestamp);
      expect(c.color).toBe(climate?.color);
      if (card !== alert) expect(c.fields).toEqual(cardFields);
      expect(String(c.description)).toContain("adaptation fund");
    }
    const fields = cardFields;
    expect(fields.map((f) => f.name)).toEqual([expect.stringMatching(/^Topics?$/), "Countries"]);
    expect(fields[0]?.value.startsWith(`${climate?.emoji} ${climate?.label}`)).toBe(true);
    expect(fields[1]?.value).toMatch(/FJ.*TV|TV.*FJ/);
  });

  it("/classify shows tags with evidence, countries, language and a summary, ephemerally", async () => {
    const { outcome } = await h.run({
      name: "classify",
      options: [
        {
          name: "text",
          type: 3,
          value:
            "Germany and France pushed for new sanctions on Russia after missile strikes on Kyiv. The EU will discuss export controls next week.",
        },
      ],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const embed = embedsOf(outcome)[0] as {
      fields: Array<{ name: string; value: string }>;
      description?: string;
    };
    const names = embed.fields.map((f) => f.name).join("\n");
    expect(names).toContain("Russia & Ukraine");
    expect(names).toContain("Trade & sanctions");
    expect(embed.fields.find((f) => f.name.includes("Trade"))?.value).toContain("evidence:");
    expect(embed.fields.find((f) => f.name === "Countries")?.value).toContain("Germany");
    expect(embed.fields.find((f) => f.name === "Language")?.value).toBe("English");
    expect(embed.description).toContain("Summary:");
  });

  it("/classify summarises a story with several threads across all of them, as alerts do", async () => {
    // Without its title and its closing side note: the threads must come from the text alone.
    const text = THREADED_HEADLINE.en.sentences.slice(0, 5).join(" ");
    const { outcome } = await h.run({
      name: "classify",
      options: [{ name: "text", type: 3, value: text }],
    });
    const summary = (embedsOf(outcome)[0] as { description?: string }).description ?? "";
    expect(summary).toMatch(/Russia's war of aggression/);
    expect(summary).toMatch(/1\.5-degree path/);
  });

  it("/topics lists every topic with emoji, label and description", async () => {
    const { outcome } = await h.run({ name: "topics", as: "member" });
    const text = textOf(outcome);
    for (const t of h.ctx.taxonomy.topics) expect(text).toContain(`(\`${t.id}\`)`);
    expect(text).toContain("⚡");
  });
});
