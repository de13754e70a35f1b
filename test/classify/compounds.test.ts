import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy, type TopicId } from "../../src/classify/index.js";
import { Matcher, parseTerm } from "../../src/classify/lexicon.js";
import { tokenizeText } from "../../src/classify/tokenize.js";

const classifier = createClassifier(loadTaxonomy());

function evidence(id: TopicId, title: string, text: string): string[] {
  return (
    classifier
      .allScores({ title, text, language: "de" })
      .find((s) => s.id === id)
      ?.evidence.map((e) => e.term) ?? []
  );
}

describe("German compounds match stems as head or part of the word", () => {
  it.each<[string, TopicId, RegExp]>([
    ["Menschenrechtsverletzungen", "human-rights", /menschenrecht/],
    ["Klimaschutzziele", "climate", /klima/],
    ["Flüchtlingsunterkunft", "migration", /flüchtling/],
    ["Kriegsflüchtlinge", "migration", /flüchtling/],
    ["Waffenstillstandsverhandlungen", "security-defence", /waffenstillstand/],
    ["Gaspreise", "energy", /gaspreis/],
    ["Strafzölle", "trade-sanctions", /zölle/],
    ["Wirtschaftssanktionen", "trade-sanctions", /sanktion/],
    ["Atomwaffensperrvertrag", "security-defence", /atomwaffe/],
    ["Präsidentschaftswahlen", "democracy-elections", /wahlen/],
    ["Militärputsch", "democracy-elections", /putsch/],
    ["UN-Sicherheitsrat", "un-multilateral", /sicherheitsrat/],
    ["Erdbebenopfer", "humanitarian", /erdbeben/],
    ["Nahostkonflikt", "middle-east", /nahost/],
  ])("%s → %s", (word, id, re) => {
    const terms = evidence(id, "", `Es geht um ${word} und sonst nichts.`);
    expect(terms.join(" ")).toMatch(re);
  });

  it("a word matched by several stems of one topic counts once", () => {
    const r = classifier.allScores({
      title: "",
      text: "Menschenrechtsverletzungen",
      language: "de",
    });
    const hr = r.find((s) => s.id === "human-rights");
    expect(hr?.evidence.reduce((n, e) => n + e.count, 0)).toBe(1);
  });

  it("stems do not leak into unrelated words", () => {
    // "verhandeln" contains "handel" but trade uses whole-word "handel"/prefix "handels*".
    expect(
      evidence("trade-sanctions", "", "Die Parteien wollen weiter verhandeln und handeln."),
    ).toEqual([]);
    // "Auswahl" ends in "wahl" but is excluded.
    expect(evidence("democracy-elections", "", "Eine große Auswahl an Produkten.")).toEqual([]);
  });
});

describe("term syntax", () => {
  const m = new Matcher([
    { words: parseTerm("*flüchtling*"), payload: "infix", initialCap: false },
    { words: parseTerm("*zölle"), payload: "suffix", initialCap: false },
    { words: parseTerm("klima*"), payload: "prefix", initialCap: false },
    { words: parseTerm("UN"), payload: "caps", initialCap: false },
    { words: parseTerm("human right*"), payload: "phrase", initialCap: false },
  ]);
  const hits = (text: string) => {
    const out: Array<{ entry: { payload: string } }> = [];
    m.match(tokenizeText(text), out as never);
    return out.map((h) => h.entry.payload).sort();
  };

  it("infix stems match anywhere in a word", () => {
    expect(hits("Flüchtling Flüchtlingsunterkunft Kriegsflüchtlinge")).toEqual([
      "infix",
      "infix",
      "infix",
    ]);
  });
  it("suffix stems match only at the end", () => {
    expect(hits("Strafzölle")).toEqual(["suffix"]);
    expect(hits("Zöllenhaus")).toEqual([]);
  });
  it("prefix stems match only at the start", () => {
    expect(hits("Klimaziele Weltklima")).toEqual(["prefix"]);
  });
  it("capitalised terms only match capitals", () => {
    expect(hits("the UN said")).toEqual(["caps"]);
    expect(hits("un accord")).toEqual([]);
  });
  it("phrases match word sequences with the last word's wildcard", () => {
    expect(hits("human rights and human right")).toEqual(["phrase", "phrase"]);
    expect(hits("human beings' rights")).toEqual([]);
  });
  it("rejects stems too short to be safe", () => {
    expect(() => parseTerm("*gas*")).toThrow(/too short/);
    expect(() => parseTerm("oi*")).toThrow(/too short/);
    expect(() => parseTerm("a*b")).toThrow(/only allowed/);
    expect(() => parseTerm("--")).toThrow(/no letters/);
  });
});
