import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_TAXONOMY_PATH,
  loadTaxonomy,
  parseTaxonomy,
  TOPIC_IDS,
} from "../../src/classify/index.js";

const raw = (): { topics: Array<Record<string, unknown>> } & Record<string, unknown> =>
  JSON.parse(readFileSync(DEFAULT_TAXONOMY_PATH, "utf8"));

describe("taxonomy", () => {
  it("loads the shipped config with exactly the 12 topics", () => {
    const t = loadTaxonomy();
    expect(t.topics.map((x) => x.id)).toEqual([...TOPIC_IDS]);
    for (const topic of t.topics) {
      expect(typeof topic.color).toBe("number");
      expect(topic.threshold).toBeGreaterThanOrEqual(0);
      expect(topic.threshold).toBeLessThanOrEqual(1);
      expect(topic.label.length).toBeGreaterThan(0);
      expect(topic.description).not.toMatch(/\n/);
      expect(topic.emoji).toMatch(/\p{Extended_Pictographic}|\p{Regional_Indicator}/u);
      for (const lang of ["en", "de", "fr"]) {
        expect(Object.keys(topic.terms[lang] ?? {}).length).toBeGreaterThan(10);
      }
    }
  });

  it("names a bad id in the error", () => {
    const data = raw();
    (data.topics[3] as Record<string, unknown>).id = "chinaa";
    expect(() => parseTaxonomy(data)).toThrow(/topics\[3\]\.id/);
  });

  it("names a missing topic", () => {
    const data = raw();
    data.topics.splice(3, 1);
    expect(() => parseTaxonomy(data)).toThrow(/missing topic "china"/);
  });

  it("names a missing field in the error", () => {
    const data = raw();
    delete (data.topics[1] as Record<string, unknown>).threshold;
    expect(() => parseTaxonomy(data)).toThrow(/topics\[1\]\.threshold/);
  });

  it("rejects out-of-range thresholds, bad colours and non-emoji", () => {
    const data = raw();
    (data.topics[0] as Record<string, unknown>).threshold = 1.5;
    (data.topics[2] as Record<string, unknown>).color = "red";
    (data.topics[4] as Record<string, unknown>).emoji = "x";
    const msg = (() => {
      try {
        parseTaxonomy(data);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(msg).toMatch(/topics\[0\]\.threshold/);
    expect(msg).toMatch(/topics\[2\]\.color/);
    expect(msg).toMatch(/topics\[4\]\.emoji/);
  });

  it("rejects duplicate ids and a missing language lexicon", () => {
    const data = raw();
    data.topics[5] = { ...(data.topics[4] as object) };
    expect(() => parseTaxonomy(data)).toThrow(/duplicate id "middle-east"/);
    const data2 = raw();
    const terms = (data2.topics[0] as { terms: Record<string, unknown> }).terms;
    delete terms.fr;
    expect(() => parseTaxonomy(data2)).toThrow(/topics\[0\]\.terms.*en, de, fr/);
  });

  it("names an unusable term with its path", () => {
    const data = raw();
    const terms = (data.topics[6] as { terms: Record<string, Record<string, number>> }).terms;
    (terms.de as Record<string, number>)["*gas*"] = 2;
    expect(() => parseTaxonomy(data)).toThrow(/topics\[6\]\.terms\.de\["\*gas\*"\].*too short/);
  });

  it("accepts numeric colours and converts hex strings", () => {
    const data = raw();
    (data.topics[0] as Record<string, unknown>).color = 0x123456;
    (data.topics[1] as Record<string, unknown>).color = "#00ff00";
    const t = parseTaxonomy(data);
    expect(t.topics[0]?.color).toBe(0x123456);
    expect(t.topics[1]?.color).toBe(0x00ff00);
  });

  it("loadTaxonomy reports unreadable and invalid files with the path", () => {
    const dir = mkdtempSync(join(tmpdir(), "taxonomy-"));
    const bad = join(dir, "topics.json");
    writeFileSync(bad, "{ not json");
    expect(() => loadTaxonomy(bad)).toThrow(/not valid JSON/);
    expect(() => loadTaxonomy(join(dir, "missing.json"))).toThrow(/Cannot read taxonomy/);
    writeFileSync(bad, JSON.stringify({ version: 1, topics: [] }));
    expect(() => loadTaxonomy(bad)).toThrow(
      new RegExp(`missing topic[\\s\\S]*${bad.replace(/[/\\.]/g, "\\$&")}`),
    );
  });
});
