import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, checkShardedConfig, loadEnvConfig } from "../../src/config/env.js";
import { loadFeedsFile } from "../../src/config/feeds.js";
import { isAllowedAddress } from "../../src/feeds/allow-list.js";

const TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789ABCD";

describe("environment configuration", () => {
  it("works with nothing set, with defaults a fresh machine can use", () => {
    const config = loadEnvConfig({});
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config.DISCORD_API_URL).toBe("https://discord.com/api");
    expect(config.FEEDS_FILE).toBe("config/feeds.json");
    expect(config.POLL_SCHEDULE).toBe("*/5 * * * *");
    expect(config.STORAGE_URL).toBe("sqlite://data/foreign-desk.sqlite");
    expect(
      config.ALLOW_PRIVATE_FEED_HOSTS.hosts.size + config.ALLOW_PRIVATE_FEED_HOSTS.ranges.length,
    ).toBe(0);
    expect(config.LOG_LEVEL).toBe("info");
    expect(config.RETENTION_DAYS).toBe(30);
  });

  it("treats empty values as unset", () => {
    expect(loadEnvConfig({ DISCORD_TOKEN: "", POLL_SCHEDULE: "  " }).POLL_SCHEDULE).toBe(
      "*/5 * * * *",
    );
  });

  it("accepts every storage scheme and a cron expression with seconds", () => {
    for (const url of [
      "sqlite://:memory:",
      "redis://127.0.0.1:6379",
      "postgres://u@h/db",
      "postgresql://h/db",
    ]) {
      expect(loadEnvConfig({ STORAGE_URL: url }).STORAGE_URL).toBe(url);
    }
    expect(loadEnvConfig({ POLL_SCHEDULE: "*/30 * * * * *" }).POLL_SCHEDULE).toBe("*/30 * * * * *");
    expect(loadEnvConfig({ DISCORD_TOKEN: TOKEN }).DISCORD_TOKEN).toBe(TOKEN);
  });

  it("parses the private-host allow list into hosts and ranges", () => {
    const { ALLOW_PRIVATE_FEED_HOSTS: allow } = loadEnvConfig({
      ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1, 10.0.0.0/8 feeds.internal ::1",
    });
    expect(allow.hosts.has("feeds.internal")).toBe(true);
    expect(isAllowedAddress(allow, "127.0.0.1")).toBe(true);
    expect(isAllowedAddress(allow, "10.20.30.40")).toBe(true);
    expect(isAllowedAddress(allow, "::ffff:10.1.1.1")).toBe(true);
    expect(isAllowedAddress(allow, "::1")).toBe(true);
    expect(isAllowedAddress(allow, "192.168.1.1")).toBe(false);
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ POLL_SCHEDULE: "every five minutes" }, /^POLL_SCHEDULE: not a valid cron expression/],
    [{ POLL_SCHEDULE: "*/5 * * * * * *" }, /^POLL_SCHEDULE: /],
    [{ STORAGE_URL: "mysql://localhost/db" }, /^STORAGE_URL: must start with sqlite:\/\//],
    [{ DISCORD_API_URL: "ftp://discord.example" }, /^DISCORD_API_URL: must be an http\(s\) URL/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL: /],
    [
      { ALLOW_PRIVATE_FEED_HOSTS: "10.0.0.0/99" },
      /^ALLOW_PRIVATE_FEED_HOSTS: "10\.0\.0\.0\/99" is not a valid address range/,
    ],
    [{ ALLOW_PRIVATE_FEED_HOSTS: "http://x" }, /^ALLOW_PRIVATE_FEED_HOSTS: /],
    [{ RETENTION_DAYS: "0" }, /^RETENTION_DAYS: /],
    [{ FETCH_TIMEOUT_MS: "soon" }, /^FETCH_TIMEOUT_MS: /],
    [{ DISCORD_TOKEN: "not a token" }, /^DISCORD_TOKEN: does not look like a bot token/],
  ];
  for (const [env, message] of bad) {
    it(`stops on ${Object.keys(env)[0]}=${Object.values(env)[0]} with one line naming it`, () => {
      let error: unknown;
      try {
        loadEnvConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as Error).message;
      expect(text).toMatch(message);
      expect(text).not.toContain("\n");
    });
  }

  it("never repeats a malformed token's value in its error", () => {
    expect(() => loadEnvConfig({ DISCORD_TOKEN: "secret value with spaces" })).toThrow(
      /^DISCORD_TOKEN: (?!.*secret)/,
    );
  });
});

describe("SHARD_COUNT and npm run start:sharded", () => {
  const REDIS = "redis://127.0.0.1:6379";

  it("is auto by default, or a whole number from 1", () => {
    expect(loadEnvConfig({}).SHARD_COUNT).toBe("auto");
    expect(loadEnvConfig({ SHARD_COUNT: "AUTO" }).SHARD_COUNT).toBe("auto");
    expect(loadEnvConfig({ SHARD_COUNT: " 4 " }).SHARD_COUNT).toBe(4);
    for (const bad of ["0", "-1", "1.5", "two", "1e3", "1001"]) {
      expect(() => loadEnvConfig({ SHARD_COUNT: bad })).toThrow(
        /^SHARD_COUNT: must be auto or a whole number from 1 to 1000$/,
      );
    }
  });

  it("refuses more than one shard (or auto) without Redis, and allows one on SQLite", () => {
    const check = (env: NodeJS.ProcessEnv) => () =>
      checkShardedConfig(loadEnvConfig({ DISCORD_TOKEN: TOKEN, ...env }));
    expect(check({ SHARD_COUNT: "2" })).toThrow(ConfigError);
    expect(check({ SHARD_COUNT: "2" })).toThrow(/SHARD_COUNT: 2 shards need shared state/);
    expect(check({})).toThrow(/SHARD_COUNT: auto shards need shared state.*SHARD_COUNT=1.*sqlite/);
    expect(check({ SHARD_COUNT: "2", STORAGE_URL: "postgres://u@h/db" })).toThrow(/postgres/);
    expect(check({ SHARD_COUNT: "1" })).not.toThrow();
    expect(check({ SHARD_COUNT: "2", STORAGE_URL: REDIS })).not.toThrow();
    expect(check({ STORAGE_URL: "postgres://u@h/db", QUEUE_URL: REDIS })).not.toThrow();
  });

  it("needs a token and the gateway role", () => {
    expect(() => checkShardedConfig(loadEnvConfig({ SHARD_COUNT: "1" }))).toThrow(
      /^DISCORD_TOKEN: /,
    );
    expect(() =>
      checkShardedConfig(
        loadEnvConfig({ DISCORD_TOKEN: TOKEN, ROLE: "worker", STORAGE_URL: REDIS }),
      ),
    ).toThrow(/^ROLE: /);
  });
});

describe("feeds file", () => {
  const dir = mkdtempSync(join(tmpdir(), "fd-feeds-"));
  const write = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it("reads the bundled default feeds: at least 25, each named, with a language, unique", async () => {
    const feeds = await loadFeedsFile("config/feeds.json");
    expect(feeds.length).toBeGreaterThanOrEqual(25);
    for (const f of feeds) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.url).toMatch(/^https:\/\//);
      expect(f.language).toMatch(/^[a-z]{2}$/);
      expect(f.origin).toBe("operator");
    }
    expect(new Set(feeds.map((f) => f.id)).size).toBe(feeds.length);
    expect([...new Set(feeds.map((f) => f.language))]).toEqual(
      expect.arrayContaining(["en", "de", "fr"]),
    );
  });

  it("derives a stable id from the URL and drops a URL listed twice", async () => {
    const path = write(
      "twice.json",
      JSON.stringify([
        { name: "A", url: "https://a.example/rss", language: "en" },
        { name: "A again", url: "https://a.example/rss" },
        { name: "B", url: "https://b.example/atom", language: "de", extra: "kept for later" },
      ]),
    );
    const feeds = await loadFeedsFile(path);
    expect(feeds.map((f) => f.name)).toEqual(["A", "B"]);
    expect((await loadFeedsFile(path))[0]?.id).toBe(feeds[0]?.id);
  });

  it("names the entry and the field that is wrong", async () => {
    await expect(
      loadFeedsFile(
        write(
          "bad-url.json",
          JSON.stringify([
            { name: "ok", url: "https://x.example" },
            { name: "B", url: "gopher://x" },
          ]),
        ),
      ),
    ).rejects.toThrow(/entry \[1\]\.url: must be an http\(s\) or file: URL/);
    await expect(
      loadFeedsFile(write("no-name.json", JSON.stringify([{ url: "https://x.example" }]))),
    ).rejects.toThrow(/entry \[0\]\.name/);
    await expect(loadFeedsFile(write("broken.json", "[{"))).rejects.toThrow(/is not valid JSON/);
    await expect(loadFeedsFile(join(dir, "missing.json"))).rejects.toThrow(
      /cannot read .*missing\.json \(ENOENT\)/,
    );
  });
});
