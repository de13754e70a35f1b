import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/classify/index.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { StoryIndex } from "../../src/search/index.js";
import { matchTopics, resolveTopic, topicChoices } from "../../src/search/topics.js";
import { StoryStore } from "../../src/store/stories.js";

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 10);
let n = 0;

function story(
  title: string,
  text: string,
  overrides: Partial<TaggedStory> & { daysAgo?: number } = {},
): TaggedStory {
  n++;
  const at = new Date(NOW - (overrides.daysAgo ?? 0) * DAY).toISOString();
  return {
    id: `s${n}`,
    feedId: "f",
    feedName: "Wire",
    title,
    text,
    url: `https://wire.example/${n}`,
    publishedAt: at,
    publishedEstimated: false,
    firstSeenAt: at,
    categories: [],
    topics: [{ id: "climate", score: 0.8, evidence: [] }],
    countries: [],
    language: "en",
    summary: "",
    ...overrides,
  };
}

function index(now = () => NOW): StoryIndex {
  return new StoryIndex({ retentionMs: 30 * DAY, now });
}

describe("StoryIndex", () => {
  it("ranks a title match above a body-only match (title boosted ×3)", () => {
    const idx = index();
    const body = story(
      "Ministers meet in Brussels",
      "They discussed new sanctions on oil exports.",
    );
    const title = story("New sanctions on oil exports", "Ministers met in Brussels.");
    idx.add([body, title]);
    expect(idx.search("sanctions", { limit: 5 }).map((h) => h.story.id)).toEqual([
      title.id,
      body.id,
    ]);
  });

  it("matches word beginnings, typos, accents and case", () => {
    const idx = index();
    const s = story(
      "Négociations à Genève sur le cessez-le-feu",
      "Les délégations se sont réunies.",
    );
    idx.add([s]);
    expect(idx.search("genev", { limit: 5 })[0]?.story.id).toBe(s.id);
    expect(idx.search("NEGOCIATONS", { limit: 5 })[0]?.story.id).toBe(s.id);
    expect(idx.search("zzzz", { limit: 5 })).toEqual([]);
  });

  it("prefers stories with every word, falling back to any word", () => {
    const idx = index();
    const both = story("Drought and famine in the Sahel", "Aid agencies warn.");
    const one = story("Famine warning", "Aid agencies warn of famine.");
    idx.add([one, both]);
    expect(idx.search("sahel famine", { limit: 5 }).map((h) => h.story.id)).toEqual([both.id]);
    expect(idx.search("famine xylophone", { limit: 5 }).length).toBe(2);
  });

  it("gives newer stories a small edge among equals", () => {
    const idx = index();
    const old = story("Pipeline talks resume", "Gas pipeline.", { daysAgo: 10 });
    const fresh = story("Pipeline talks resume", "Gas pipeline.", { daysAgo: 0 });
    idx.add([old, fresh]);
    expect(idx.search("pipeline", { limit: 2 }).map((h) => h.story.id)).toEqual([fresh.id, old.id]);
  });

  it("filters by topic, replaces re-added stories and respects the limit", () => {
    const idx = index();
    const a = story("Border talks", "x", {
      topics: [{ id: "migration", score: 0.9, evidence: [] }],
    });
    const b = story("Border dispute", "y");
    idx.add([a, b]);
    expect(idx.search("border", { limit: 5, topic: "migration" }).map((h) => h.story.id)).toEqual([
      a.id,
    ]);
    expect(idx.search("border", { limit: 1 })).toHaveLength(1);
    idx.add([{ ...b, title: "Coastal dispute" }]);
    expect(idx.size).toBe(2);
    expect(idx.search("border", { limit: 5 }).map((h) => h.story.id)).toEqual([a.id]);
  });

  it("drops stories older than the retention window", () => {
    let now = NOW;
    const idx = index(() => now);
    const s = story("Summit in Nairobi", "x", { daysAgo: 29 });
    idx.add([s, story("Too old", "x", { daysAgo: 31 })]);
    expect(idx.size).toBe(1);
    now += 2 * DAY;
    expect(idx.prune()).toBe(1);
    expect(idx.search("nairobi", { limit: 5 })).toEqual([]);
  });

  it("caps the number of indexed stories, evicting the oldest", () => {
    const idx = new StoryIndex({ retentionMs: 30 * DAY, now: () => NOW, maxDocs: 10 });
    idx.add(Array.from({ length: 12 }, (_, i) => story(`Story ${i}`, "x", { daysAgo: 12 - i })));
    expect(idx.size).toBeLessThanOrEqual(10);
    expect(idx.search("story", { limit: 20 }).some((h) => h.story.title === "Story 11")).toBe(true);
  });
});

describe("topic matching", () => {
  const taxonomy = loadTaxonomy();

  it("matches ids, labels and lexicon words in any language, best first", () => {
    expect(matchTopics(taxonomy, "").length).toBe(12);
    expect(matchTopics(taxonomy, "migration")[0]?.id).toBe("migration");
    expect(matchTopics(taxonomy, "sanct").map((t) => t.id)).toContain("trade-sanctions");
    expect(matchTopics(taxonomy, "Flüchtlinge").map((t) => t.id)).toContain("migration");
    expect(matchTopics(taxonomy, "énergie").map((t) => t.id)).toContain("energy");
    expect(topicChoices(taxonomy, "").length).toBeLessThanOrEqual(25);
    expect(matchTopics(taxonomy, "", { among: new Set(["china"]) }).map((t) => t.id)).toEqual([
      "china",
    ]);
  });

  it("resolves an id, a label or one unambiguous word", () => {
    expect(resolveTopic(taxonomy, "russia-ukraine")?.id).toBe("russia-ukraine");
    expect(resolveTopic(taxonomy, "Russia & Ukraine")?.id).toBe("russia-ukraine");
    expect(resolveTopic(taxonomy, "🌍 Climate")?.id).toBe("climate");
    expect(resolveTopic(taxonomy, "astrology")).toBeUndefined();
  });
});

describe("StoryIndex.catchUp (a fleet's gateway)", () => {
  it("adds the stories another process stored, once, and nothing older than its window", async () => {
    const kv = new Keyv();
    // The worker's store: it stores stories without telling this index.
    const worker = new StoryStore(kv, 30 * DAY, () => NOW);
    const fresh = story("Sanctions on Minsk widened by the EU", "Brussels listed new entities.", {
      daysAgo: 0.5,
    });
    const old = story("Sanctions review of last week", "Old news.", { daysAgo: 5 });
    await worker.put([fresh, old]);
    const idx = index();
    expect(idx.search("Minsk sanctions", { limit: 5 })).toEqual([]);
    // The gateway's own store object over the same storage.
    const gateway = new StoryStore(kv, 30 * DAY, () => NOW);
    expect(await idx.catchUp(gateway)).toBe(1);
    expect(idx.search("Minsk sanctions", { limit: 5 }).map((h) => h.story.id)).toEqual([fresh.id]);
    expect(idx.get(old.id)).toBeUndefined();
    // Known stories are not read again.
    expect(await idx.catchUp(gateway)).toBe(0);
  });
});
