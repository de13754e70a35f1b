/** Reading commands: /topic, /search, /digest, /classify, /topics over seeded, really tagged stories. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonObject } from "../discord-emulator/index.js";
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
    expect(embeds.map((e) => e.title)).toEqual([SANCTIONS_B.title, SANCTIONS_A.title]);
    expect(embeds[0]?.url).toBe(SANCTIONS_B.url);
    expect(String(embeds[0]?.description)).toContain("sanctions");
    const fields = embeds[0]?.fields as Array<{ name: string; value: string }>;
    expect(fields.find((f) => f.name === "Source")?.value).toBe("Continental Post");
    expect(fields.find((f) => f.name === "Published")?.value).toMatch(/^<t:\d+:R>$/);
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
    const fields = embeds[0]?.fields as Array<{ name: string; value: string }>;
    expect(fields[0]?.value).toBe("Border \\*Watch\\*");
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
      options: [{ name: "hours", type: 4, value: 1 }],
    });
    const titles = embedsOf(outcome).map((e) => e.title);
    expect(titles).toContain(MIGRATION.title);
    expect(titles).not.toContain(SANCTIONS_A.title);
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

  it("/topics lists every topic with emoji, label and description", async () => {
    const { outcome } = await h.run({ name: "topics", as: "member" });
    const text = textOf(outcome);
    for (const t of h.ctx.taxonomy.topics) expect(text).toContain(`(\`${t.id}\`)`);
    expect(text).toContain("⚡");
  });
});
