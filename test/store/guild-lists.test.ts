import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { GuildLists } from "../../src/store/guild-lists.js";

describe("GuildLists", () => {
  it("keeps every change of concurrent updates, and a restart reads back what was written", async () => {
    const kv = new Keyv();
    const lists = new GuildLists<number>(kv, "x");
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => lists.update(i % 2 ? "g1" : "g2", (l) => l.push(i))),
    );
    expect([...lists.get("g1")].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, i) => 2 * i + 1),
    );
    const again = new GuildLists<number>(kv, "x");
    await again.load();
    expect(again.loaded).toBe(true);
    expect(new Map([...again.entries()].map(([g, l]) => [g, l.length]))).toEqual(
      new Map([
        ["g1", 25],
        ["g2", 25],
      ]),
    );
  });

  it("rewrites the all-guilds key only when a guild gains its first entry or loses its last", async () => {
    const kv = new Keyv();
    const writes: string[] = [];
    const set = kv.set.bind(kv);
    kv.set = (async (key: string, value: unknown, ttl?: number) => {
      writes.push(key);
      return set(key, value, ttl);
    }) as typeof kv.set;
    const seen: Array<[string, number, number]> = [];
    const lists = new GuildLists<string>(kv, "x", (g, previous, list) =>
      seen.push([g, previous.length, list.length]),
    );
    await lists.update("g", (l) => l.push("a"));
    await lists.update("g", (l) => l.push("b"));
    await lists.update("g", (l) => l.splice(0, 2));
    expect(writes.filter((k) => k === "x:guilds")).toHaveLength(2);
    expect(await kv.get("x:guilds")).toEqual([]);
    expect(seen).toEqual([
      ["g", 0, 1],
      ["g", 1, 2],
      ["g", 2, 0],
    ]);
  });

  it("writes nothing when a change throws, and forgets a removed guild in storage too", async () => {
    const kv = new Keyv();
    const lists = new GuildLists<string>(kv, "x");
    await lists.update("g", (l) => l.push("kept"));
    await expect(
      lists.update("g", (l) => {
        l.push("lost");
        throw new Error("over the limit");
      }),
    ).rejects.toThrow("over the limit");
    expect(lists.get("g")).toEqual(["kept"]);
    expect(await kv.get("x:g")).toEqual(["kept"]);
    await lists.removeGuild("g");
    expect(lists.get("g")).toEqual([]);
    expect(await kv.get("x:g")).toBeUndefined();
    expect(await kv.get("x:guilds")).toEqual([]);
  });
});
