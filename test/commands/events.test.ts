/**
 * /topic and /search show an event once: reports the clusterer put together are one entry, led
 * by the first listed, with the other outlets named under it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, startBotHarness } from "../helpers/bot-harness.js";

const G7 = [
  {
    title: "G7 leaders agree $50 billion loan for Ukraine backed by frozen Russian assets",
    text: "Leaders of the Group of Seven agreed in Apulia on a $50 billion loan for Ukraine, to be repaid from the profits of frozen Russian assets.",
    feedName: "Wire One",
    url: "https://one.example/g7",
    minutesAgo: 50,
  },
  {
    title: "G7 backs $50bn Ukraine loan from frozen Russian assets",
    text: "The Group of Seven nations meeting in Apulia, Italy, backed a $50 billion loan to Ukraine using interest on frozen Russian assets.",
    feedName: "Daily Two",
    url: "https://two.example/g7",
    minutesAgo: 40,
  },
  {
    title: "Kyiv wins $50bn G7 loan tied to Russia's frozen assets",
    text: "Ukraine secured a $50 billion loan from the G7 at the Apulia summit, to be serviced by windfall profits from frozen Russian assets.",
    feedName: "Courier Three",
    url: "https://three.example/g7",
    minutesAgo: 30,
  },
];
const KHARKIV = {
  title: "Russian drone strike on Kharkiv apartment block kills 7",
  text: "A Russian drone hit a nine-storey apartment block in Kharkiv overnight, killing seven people, the regional governor said.",
  feedName: "Daily Two",
  url: "https://two.example/kharkiv",
  minutesAgo: 20,
};

describe("an event is one entry in lookups", () => {
  let h: BotHarness;

  beforeAll(async () => {
    h = await startBotHarness();
    const seeded = await h.seed([...G7, KHARKIV]);
    // The premise: the clusterer joined the three G7 reports and kept Kharkiv apart.
    expect(new Set(seeded.slice(0, 3).map((s) => s.cluster)).size).toBe(1);
    expect(seeded[3]?.cluster).not.toBe(seeded[0]?.cluster);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("/topic lists the G7 loan once, naming the two other outlets, and Kharkiv on its own", async () => {
    const { outcome } = await h.run({
      name: "topic",
      options: [{ name: "name", type: 3, value: "russia-ukraine" }],
    });
    const embeds = outcome.message?.embeds ?? [];
    expect(embeds.map((e) => e.title)).toEqual([KHARKIV.title, G7[2]?.title]);
    const g7 = String(embeds[1]?.description);
    expect(g7).toMatch(/also reported by: (Daily Two and Wire One|Wire One and Daily Two)/);
    expect(String(embeds[0]?.description)).not.toMatch(/also reported by/);
  });

  it("/search finds the G7 loan as one entry with its outlets", async () => {
    const { outcome } = await h.run({
      name: "search",
      options: [{ name: "query", type: 3, value: "frozen assets loan" }],
    });
    const embeds = outcome.message?.embeds ?? [];
    expect(embeds).toHaveLength(1);
    expect(String(embeds[0]?.description)).toMatch(/also reported by: .*(Wire One|Daily Two)/);
  });
});
