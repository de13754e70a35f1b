import { describe, expect, it } from "vitest";
import { loadClassifier, loadTaxonomy } from "../../src/classify/index.js";
import { evidenceLine, regionNamer } from "../../src/discord/evidence.js";

const classifier = loadClassifier(loadTaxonomy());

describe("a tag's evidence (learned layer)", () => {
  const story = {
    title: "Nawalny in Straflager gestorben",
    text: "Der Kremlkritiker verbüßte eine 19-jährige Haftstrafe in einer Strafkolonie im Norden Russlands.",
  };
  const result = classifier.classify(story);
  const rights = result.topics.find((t) => t.id === "human-rights");

  it("names the actor and the terms that made the tag, as the story wrote them", () => {
    expect(rights).toBeDefined();
    const shown = rights?.evidence.map((e) => e.text ?? e.term) ?? [];
    expect(
      rights?.evidence.some((e) => e.kind === "actor" && /Nawalny/.test(e.text ?? e.term)),
    ).toBe(true);
    expect(shown).toContain("Straflager");
    // Every word shown is the story's own spelling, not a folded stem or a pattern.
    const all = `${story.title} ${story.text}`;
    for (const e of rights?.evidence ?? []) {
      if (e.kind === "country") continue;
      expect(all, e.text ?? e.term).toContain(e.text ?? e.term.replace(/\*/g, ""));
    }
  });

  it("orders the strongest reasons first and weighs them", () => {
    const weights = (rights?.evidence ?? []).flatMap((e) =>
      e.weight === undefined ? [] : [e.weight],
    );
    expect(weights.length).toBeGreaterThan(0);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
  });
});

describe("evidenceLine", () => {
  it("shows terms without wildcards, each once, with counts, within the limit", () => {
    const line = evidenceLine(
      [
        { term: "*menschenrecht*", text: "Menschenrechte", count: 2, kind: "term" },
        { term: "nawalny", text: "Nawalny", kind: "actor" },
        { term: "nawalny", text: "nawalny", kind: "word" },
        { term: "uigur*", kind: "term" },
        { term: "xinjiang", kind: "term" },
      ],
      { limit: 3 },
    );
    expect(line).toBe("Menschenrechte ×2, Nawalny, uigur");
  });

  it("names countries in the reader's language, or leaves them out", () => {
    const ev = [
      { term: "RU", kind: "country" as const },
      { term: "Kreml", kind: "term" as const },
    ];
    expect(evidenceLine(ev, { limit: 4, regionName: regionNamer("de") })).toBe("Russland, Kreml");
    expect(evidenceLine(ev, { limit: 4 })).toBe("Kreml");
  });

  it("cannot carry a mention or a masked link into a card", () => {
    const line = evidenceLine([{ term: "@everyone", kind: "word" }], { limit: 2 });
    expect(line).not.toBe("@everyone");
  });
});
