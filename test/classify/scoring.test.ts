import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy, type TopicId } from "../../src/classify/index.js";

const classifier = createClassifier(loadTaxonomy());

function topic(id: TopicId, title: string, text: string) {
  return classifier.allScores({ title, text, language: "en" }).find((s) => s.id === id);
}

describe("evidence", () => {
  it("counts every match and the title matches separately", () => {
    const t = topic(
      "migration",
      "Refugees stranded at border",
      "More refugees arrived overnight. Aid groups said the refugees lacked shelter, and asylum requests rose.",
    );
    const refugees = t?.evidence.find((e) => e.term === "refugee*");
    expect(refugees).toEqual({ term: "refugee*", count: 3, inTitle: 1 });
    expect(t?.evidence.find((e) => e.term === "asylum")).toEqual({
      term: "asylum",
      count: 1,
      inTitle: 0,
    });
    // Strongest contribution first.
    expect(t?.evidence[0]?.term).toBe("refugee*");
  });

  it("a phrase wins over its parts and they are not counted again", () => {
    const t = topic("human-rights", "", "The human rights situation worsened.");
    expect(t?.evidence).toEqual([{ term: "human right*", count: 1, inTitle: 0 }]);
  });

  it("reports the term as written in topics.json", () => {
    const t = topic("climate", "", "Fresh talks on the Paris Agreement.");
    expect(t?.evidence.map((e) => e.term)).toEqual(["paris agreement"]);
  });
});

describe("score", () => {
  it("weights a title hit more than a body hit", () => {
    const inTitle =
      topic("energy", "Gas prices surge", "Traders were surprised on Monday.")?.score ?? 0;
    const inBody = topic("energy", "Traders surprised on Monday", "Gas prices surge.")?.score ?? 0;
    expect(inTitle).toBeGreaterThan(inBody);
    expect(inBody).toBeGreaterThan(0);
  });

  it("saturates: more evidence raises the score with diminishing returns, never above 1", () => {
    const one = topic("security-defence", "", "NATO.")?.score ?? 0;
    const two = topic("security-defence", "", "NATO. NATO.")?.score ?? 0;
    const many =
      topic("security-defence", "NATO", "NATO defence spending. ".repeat(50))?.score ?? 0;
    expect(two).toBeGreaterThan(one);
    expect(two - one).toBeLessThan(one);
    expect(many).toBeLessThanOrEqual(1);
    expect(many).toBeGreaterThan(0.95);
  });

  it("normalises for length so a passing mention in a long text does not tag it", () => {
    const filler = "The committee discussed the agenda and the schedule for next week. ".repeat(
      150,
    );
    const short = topic("migration", "", "Asylum applications rose.")?.score ?? 0;
    const long =
      topic("migration", "", `${filler} Asylum applications rose. ${filler}`)?.score ?? 0;
    expect(long).toBeLessThan(short);
    const r = classifier.classify({
      title: "Committee meets",
      text: `${filler} Asylum applications rose. ${filler}`,
    });
    expect(r.topics.map((t) => t.id)).not.toContain("migration");
  });

  it("weak words alone do not tag a story", () => {
    const r = classifier.classify({
      title: "Summit on Monday",
      text: "Leaders met for a summit and a vote.",
    });
    expect(r.topics).toEqual([]);
  });
});
