import { describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/classify/index.js";
import { buildDigest, groupReports, jaccard, titleWords } from "../../src/digest/digest.js";
import { digestMessage } from "../../src/digest/format.js";
import { embedLength, LIMITS } from "../../src/discord/format.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { loadMessages } from "../../src/i18n/messages.js";

const taxonomy = loadTaxonomy();
const english = loadMessages().for("en-US");
const T0 = Date.UTC(2025, 5, 1, 12);
let n = 0;

function story(
  title: string,
  feed: string,
  overrides: Partial<TaggedStory> & { minutes?: number; score?: number; topic?: string } = {},
): TaggedStory {
  n++;
  const at = new Date(T0 + (overrides.minutes ?? 0) * 60_000).toISOString();
  return {
    id: `s${n}`,
    feedId: feed.toLowerCase().replace(/\W/g, ""),
    feedName: feed,
    title,
    text: `${title}. More text.`,
    url: `https://${feed.toLowerCase().replace(/\W/g, "")}.example/${n}`,
    publishedAt: at,
    publishedEstimated: false,
    firstSeenAt: at,
    categories: [],
    topics: [
      { id: overrides.topic ?? "russia-ukraine", score: overrides.score ?? 0.8, evidence: [] },
    ],
    countries: [],
    language: "en",
    summary: `Summary of ${title}.`,
    ...overrides,
  };
}

describe("titleWords / jaccard", () => {
  it("folds case, accents, plurals and function words", () => {
    expect([...titleWords("The Sanctions on Russia's banks")].sort()).toEqual(
      ["bank", "russia", "sanction"].sort(),
    );
    expect([...titleWords("Élections à Genève")]).toEqual(["election", "geneve"]);
    expect(
      jaccard(titleWords("EU sanctions Russia"), titleWords("Russia sanctioned by EU")),
    ).toBeGreaterThan(0.3);
    expect(jaccard(new Set(), new Set(["a"]))).toBe(0);
  });
});

describe("groupReports", () => {
  it("groups reports the clusterer joined even when their headlines share few words", () => {
    const a = story("G7 leaders agree $50 billion loan for Ukraine", "Wire", { cluster: "s-g7" });
    const b = story("Kyiv wins windfall from frozen assets", "Courier", {
      cluster: "s-g7",
      minutes: 30,
    });
    const c = story("Kharkiv apartment block hit by drone", "Courier", { cluster: "s-kh" });
    const groups = groupReports([a, b, c]);
    expect(groups.map((g) => g.map((s) => s.id).sort())).toEqual([[a.id, b.id].sort(), [c.id]]);
    const [top] = buildDigest([a, b, c]);
    expect(top?.outlets).toEqual(["Wire", "Courier"]);
  });

  it("groups near-identical headlines from different outlets", () => {
    const a = story(
      "EU agrees new sanctions package against Russia over Ukraine war",
      "Brussels Wire",
    );
    const b = story(
      "EU adopts new sanctions package on Russia over war in Ukraine",
      "Continental Post",
      { minutes: 30 },
    );
    const c = story("China and Brazil sign soybean trade deal", "Far East Daily");
    const groups = groupReports([a, b, c]);
    expect(groups).toHaveLength(2);
    expect(groups.find((g) => g.includes(a))).toContain(b);
  });

  it("groups the same canonical URL whatever the titles", () => {
    const a = story("Breaking: summit ends", "One", { url: "https://x.example/story" });
    const b = story("Leaders leave Geneva without a deal", "Two", {
      url: "https://x.example/story",
    });
    expect(groupReports([a, b])).toHaveLength(1);
  });

  it("does not group one outlet's recurring titles, reports days apart, or short lookalikes", () => {
    const daily1 = story("Morning briefing: Ukraine war latest", "Wire", { minutes: 0 });
    const daily2 = story("Morning briefing: Ukraine war latest", "Wire", { minutes: 24 * 60 });
    expect(groupReports([daily1, daily2])).toHaveLength(2);
    const early = story("Ceasefire talks in Geneva collapse over prisoner exchange", "A", {
      minutes: 0,
    });
    const late = story("Ceasefire talks in Geneva collapse over prisoner exchange", "B", {
      minutes: 72 * 60,
    });
    expect(groupReports([early, late])).toHaveLength(2);
    const x = story("Talks resume", "A");
    const y = story("Talks stall", "B");
    expect(groupReports([x, y])).toHaveLength(2);
  });

  it("links transitively (A≈B, B≈C)", () => {
    const a = story("Israel and Hamas agree Gaza ceasefire deal brokered by Qatar", "A");
    const b = story("Israel, Hamas agree Gaza ceasefire deal after Qatar talks", "B");
    const c = story(
      "Gaza ceasefire deal: Hamas agrees after Qatar talks, hostages to go free next week",
      "C",
    );
    // c is too far from a to be linked directly, but close to b.
    expect(jaccard(titleWords(a.title), titleWords(c.title))).toBeLessThan(0.5);
    expect(groupReports([a, b, c])).toHaveLength(1);
  });
});

describe("buildDigest", () => {
  it("ranks by outlets, then topic score, then recency; the best-scoring report leads", () => {
    const solo = story("Lone scoop on arms control treaty", "Solo", { score: 0.99, minutes: 50 });
    const a = story("EU agrees new sanctions package against Russia over Ukraine war", "A", {
      score: 0.7,
    });
    const b = story("EU adopts new sanctions package on Russia over war in Ukraine", "B", {
      score: 0.9,
      minutes: 10,
    });
    const older = story("Kremlin reshuffles defence ministry leadership", "C", {
      score: 0.5,
      minutes: -60,
    });
    const newer = story("Moscow expels two diplomats from embassy", "D", {
      score: 0.5,
      minutes: 40,
    });
    const groups = buildDigest([solo, a, b, older, newer], { topic: "russia-ukraine" });
    expect(groups.map((g) => g.lead.id)).toEqual([b.id, solo.id, newer.id, older.id]);
    expect(groups[0]?.outlets).toEqual(["B", "A"]);
    expect(groups[0]?.stories.map((s) => s.id)).toEqual([b.id, a.id]);
  });

  it("keeps only the topic's stories when a topic is given", () => {
    const climate = story("Climate talks stall", "A", { topic: "climate" });
    const war = story("Front line shifts near Kharkiv", "B");
    expect(buildDigest([climate, war], { topic: "climate" }).map((g) => g.lead.id)).toEqual([
      climate.id,
    ]);
  });
});

describe("digestMessage", () => {
  it("fits ten long stories in one message and keeps every 'also reported by' line", () => {
    const groups = buildDigest(
      Array.from({ length: 24 }, (_, i) => {
        // Pairs share a long headline of words no other pair uses.
        const k = Math.floor(i / 2);
        const title = Array.from({ length: 40 }, (_, j) => `k${k}w${j}`)
          .join(" ")
          .slice(0, 250);
        return story(title, i % 2 === 0 ? `Outlet ${i}` : `Outlet ${i - 1} Mirror`, {
          summary: "😀 Long summary with emoji and accents é. ".repeat(40),
          minutes: i,
        });
      }),
    );
    expect(groups).toHaveLength(12);
    const message = digestMessage(groups, taxonomy, { hours: 24, tr: english });
    expect(message.embeds).toHaveLength(LIMITS.embedsPerMessage);
    const total = message.embeds.reduce((sum, e) => sum + embedLength(e), 0);
    expect(total).toBeLessThanOrEqual(LIMITS.total);
    for (const e of message.embeds) {
      expect(e.description).toMatch(/also reported by: Outlet \d+/);
      expect(e.description).toContain("…");
      // Never half a surrogate pair.
      expect(e.description).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
    expect(message.content).toContain("12 stories from 24 reports");
    expect(message.content).toContain("Showing the top 10");
  });

  it("says so when there is nothing", () => {
    expect(digestMessage([], taxonomy, { topic: "climate", hours: 1, tr: english }).content).toBe(
      "No stories on 🌍 Climate in the last hour.",
    );
  });
});
