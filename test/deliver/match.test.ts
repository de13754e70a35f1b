import { describe, expect, it } from "vitest";
import { keywordsMatch, matchSubscriptions } from "../../src/deliver/match.js";
import { story, sub, tag } from "./fixtures.js";

describe("matchSubscriptions", () => {
  const s = story(1, {
    title: "EU weighs new sanctions on Russian gas",
    text: "Energy ministers discussed human   rights and the climate.",
    topics: [tag("climate", 0.5), tag("energy", 0.9), tag("trade-sanctions", 0.7)],
  });

  it("delivers once per channel with every matched topic, best first", () => {
    const out = matchSubscriptions(s, [
      sub({ topic: "climate" }),
      sub({ topic: "energy" }),
      sub({ channelId: "c2", topic: "climate" }),
    ]);
    expect(out).toEqual([
      { guildId: "g1", channelId: "c1", topics: ["energy", "climate"], focusTopic: "energy" },
      { guildId: "g1", channelId: "c2", topics: ["climate"], focusTopic: "climate" },
    ]);
  });

  it("respects minScore", () => {
    expect(matchSubscriptions(s, [sub({ topic: "climate", minScore: 0.6 })])).toEqual([]);
    expect(matchSubscriptions(s, [sub({ topic: "climate", minScore: 0.5 })])).toHaveLength(1);
    expect(matchSubscriptions(s, [sub({ topic: "china" })])).toEqual([]);
  });

  it("needs any keyword as a whole word or phrase, case-insensitive", () => {
    const m = (keywords: string[]) => matchSubscriptions(s, [sub({ keywords })]).length;
    expect(m(["eu"])).toBe(1);
    expect(m(["Europe"])).toBe(0);
    expect(m(["russia"])).toBe(0); // "Russian" is another word
    expect(m(["gas", "oil"])).toBe(1);
    expect(m(["HUMAN RIGHTS"])).toBe(1); // phrase across extra whitespace
    expect(m(["rights and"])).toBe(1);
    expect(m(["sanction"])).toBe(0);
    expect(m(["  "])).toBe(1); // blank keywords mean no constraint
    expect(keywordsMatch(["c++"], "we use c++ daily")).toBe(true);
    expect(keywordsMatch(["a.b"], "axb")).toBe(false);
  });

  it("ignores paused and disabled subscriptions", () => {
    const out = matchSubscriptions(s, [
      sub({ topic: "energy", status: "paused" }),
      sub({ channelId: "c2", topic: "energy", status: "disabled" }),
    ]);
    expect(out).toEqual([]);
  });
});
