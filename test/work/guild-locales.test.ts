import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { GuildLocales } from "../../src/work/guild-locales.js";

describe("servers' languages shared with workers", () => {
  it("reads what the gateway published, for the servers asked, and ignores what is not a locale", async () => {
    const kv = new Keyv();
    const gateway = new GuildLocales(kv);
    await gateway.publish([
      { id: "1", preferredLocale: "de" },
      { id: "2", preferredLocale: "fr" },
      { id: "3", preferredLocale: "pt-BR" },
    ]);
    await kv.set("locale:4", "<script>");
    const worker = new GuildLocales(kv);
    await worker.load(["1", "3", "4", "5"]);
    expect(worker.get("1")).toBe("de");
    expect(worker.get("3")).toBe("pt-BR");
    expect(worker.get("2")).toBeUndefined();
    expect(worker.get("4")).toBeUndefined();
    expect(worker.get("5")).toBeUndefined();
  });

  it("reads a server published after the last load when a batch needs it, and asks a missing one again only later", async () => {
    const kv = new Keyv();
    let now = 1_000_000;
    const worker = new GuildLocales(kv, () => now);
    await worker.load(["1"]);
    // Its gateway shard publishes after this process loaded.
    await new GuildLocales(kv).publish([{ id: "1", preferredLocale: "de" }]);
    expect(worker.get("1")).toBeUndefined();
    await worker.ensure("1");
    expect(worker.get("1")).toBe("de");
    // Not published at all: read once, then not again for 30 s.
    await worker.ensure("2");
    await kv.set("locale:2", "fr");
    await worker.ensure("2");
    expect(worker.get("2")).toBeUndefined();
    now += 30_000;
    await worker.ensure("2");
    expect(worker.get("2")).toBe("fr");
  });
});
