import { describe, expect, it } from "vitest";
import { Cooldowns } from "../../src/discord/cooldown.js";

describe("per-user cooldowns", () => {
  it("make one user wait between heavy commands, without holding back others", () => {
    let now = 1_000_000;
    const cooldowns = new Cooldowns(() => now);
    expect(cooldowns.take("alice", "search", 5000)).toBe(0);
    expect(cooldowns.take("alice", "search", 5000)).toBe(5000);
    expect(cooldowns.take("bob", "search", 5000)).toBe(0);
    expect(cooldowns.take("alice", "digest", 10_000)).toBe(0);
    now += 4000;
    expect(cooldowns.take("alice", "search", 5000)).toBe(1000);
    now += 1000;
    expect(cooldowns.take("alice", "search", 5000)).toBe(0);
  });
});
