import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";

describe("logs", () => {
  it("are one JSON line per event and never contain a token or credentials", () => {
    const sink = new PassThrough();
    let out = "";
    sink.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const log = createLogger({ level: "info", format: "json", destination: sink });
    const token = "MTA5.secret-part.xyz";
    log.info({ token, guildId: "1", feedId: "f1" }, "event one");
    log.warn(
      { config: { DISCORD_TOKEN: token }, req: { headers: { authorization: `Bot ${token}` } } },
      "event two",
    );
    log.info({ DISCORD_TOKEN: token, password: "hunter2" }, "event three");
    const lines = out.trim().split("\n");
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0] ?? "{}");
    expect(first).toMatchObject({
      msg: "event one",
      guildId: "1",
      feedId: "f1",
      token: "[redacted]",
    });
    expect(out).not.toContain("secret-part");
    expect(out).not.toContain("hunter2");
  });

  it("show a storage URL's host but never its password", () => {
    const sink = new PassThrough();
    let out = "";
    sink.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const log = createLogger({ level: "info", format: "json", destination: sink });
    log.info({ STORAGE_URL: "redis://:s3cret@cache.internal:6379" }, "one");
    log.info({ config: { STORAGE_URL: "postgres://bot:s3cret@db.internal/fd" } }, "two");
    expect(out).not.toContain("s3cret");
    const [one, two] = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(one.STORAGE_URL).toBe("redis://:***@cache.internal:6379");
    expect(two.config.STORAGE_URL).toBe("postgres://bot:***@db.internal/fd");
  });
});
