/** A forum post's title and tag, from an alert. */
import { describe, expect, it } from "vitest";
import { tagForTopic, threadTitle } from "../../src/deliver/forum.js";
import { taxonomy } from "./fixtures.js";

const topic = (id: string) => taxonomy.topics.find((t) => t.id === id);

describe("forum posts", () => {
  it("titles a post with the headline on one line, cut at a word within 100 characters", () => {
    expect(threadTitle("  EU weighs\nnew sanctions  ")).toBe("EU weighs new sanctions");
    const long = `${"Negotiators agree ".repeat(8)}on finance`;
    const title = threadTitle(long);
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title).toMatch(/(Negotiators|agree)…$/);
    // One overlong word is cut rather than lost.
    expect(threadTitle("x".repeat(150))).toHaveLength(100);
    expect(threadTitle("   ")).toBe("Untitled");
  });

  it("picks the tag named after the topic by label or id, ignoring case and accents", () => {
    const tags = [
      { id: "1", name: "Russia and Ukraine" },
      { id: "2", name: "CLIMATE" },
      { id: "3", name: "migration", moderated: true },
      { id: "4", name: "énergie" },
    ];
    expect(tagForTopic(tags, topic("russia-ukraine"))?.id).toBe("1");
    expect(tagForTopic(tags, topic("climate"))?.id).toBe("2");
    // Only moderators may apply it: the bot is not one.
    expect(tagForTopic(tags, topic("migration"))).toBeUndefined();
    expect(tagForTopic([{ id: "5", name: "russia-ukraine" }], topic("russia-ukraine"))?.id).toBe(
      "5",
    );
    expect(tagForTopic(tags, topic("china"))).toBeUndefined();
  });

  it("picks a tag named after the topic in any language the taxonomy has", () => {
    const tags = [
      { id: "1", name: "KLIMA" },
      { id: "2", name: "Énergie" },
      { id: "3", name: "Handel und Sanktionen" },
      { id: "4", name: "Securite & defense" },
      { id: "5", name: "Russie et Ukraine" },
    ];
    expect(tagForTopic(tags, topic("climate"))?.id).toBe("1");
    expect(tagForTopic(tags, topic("energy"))?.id).toBe("2");
    expect(tagForTopic(tags, topic("trade-sanctions"))?.id).toBe("3");
    expect(tagForTopic(tags, topic("security-defence"))?.id).toBe("4");
    expect(tagForTopic(tags, topic("russia-ukraine"))?.id).toBe("5");
    expect(tagForTopic([{ id: "6", name: "Klimat" }], topic("climate"))).toBeUndefined();
  });
});
