import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../../src/store/sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "fd-sqlite-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(file: string, Store: typeof KeyvSqlite = SqliteStore) {
  const store = new Store({ uri: `sqlite://${join(dir, file)}` });
  return new Keyv({
    store: store as unknown as KeyvStoreAdapter,
    namespace: "t",
    throwOnErrors: true,
  });
}

describe("SqliteStore", () => {
  it("writes a batch of any size, the last value of a repeated key winning, and reads it back in key order", async () => {
    const kv = open("batch.sqlite");
    const entries = Array.from({ length: 1_234 }, (_, i) => ({
      key: `k${i}`,
      value: { i, text: `it's "quoted" ${"x".repeat(i % 7)} \u2603 \u0000` },
    }));
    entries.push({ key: "k7", value: { i: -7, text: "again" } });
    await kv.setMany(entries);
    const keys = [
      "k1233",
      "missing",
      "k7",
      "k0",
      "k7",
      ...entries.slice(100, 900).map((e) => e.key),
    ];
    const values = await kv.getMany<{ i: number; text: string }>(keys);
    expect(values.slice(0, 5)).toEqual([
      entries[1233]?.value,
      undefined,
      { i: -7, text: "again" },
      entries[0]?.value,
      { i: -7, text: "again" },
    ]);
    expect(values.slice(5).map((v) => v?.i)).toEqual(entries.slice(100, 900).map((e) => e.value.i));
    await kv.disconnect();
  });

  it("overwrites rows set before, and honours each entry's time to live", async () => {
    const kv = open("ttl.sqlite");
    await kv.set("a", 1);
    await kv.setMany([
      { key: "a", value: 2 },
      { key: "short", value: "gone", ttl: 1 },
      { key: "long", value: "kept", ttl: 60_000 },
    ]);
    await new Promise((r) => setTimeout(r, 10));
    expect(await kv.getMany(["a", "short", "long"])).toEqual([2, undefined, "kept"]);
    await kv.disconnect();
  });

  it("shares its table with @keyv/sqlite: each reads what the other wrote", async () => {
    const mine = open("shared.sqlite");
    await mine.setMany([
      { key: "x", value: { from: "SqliteStore" } },
      { key: "y", value: [1, 2, 3] },
    ]);
    await mine.disconnect();
    const upstream = open("shared.sqlite", KeyvSqlite);
    expect(await upstream.get("x")).toEqual({ from: "SqliteStore" });
    await upstream.set("z", "from upstream");
    await upstream.disconnect();
    const again = open("shared.sqlite");
    expect(await again.getMany(["y", "z"])).toEqual([[1, 2, 3], "from upstream"]);
    await again.disconnect();
  });
});
