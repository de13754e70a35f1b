/**
 * The pieces of `npm run start:sharded` that need no shard running: which servers a shard owns,
 * the shard count `auto` resolves to (asked of DISCORD_API_URL, here the emulator), the Node
 * flags a shard is started with, and the entry's refusal of several shards without Redis.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnvConfig } from "../../src/config/env.js";
import { resolveShardCount, shardExecArgv } from "../../src/discord/shard-manager.js";
import { shardScope } from "../../src/discord/shard-scope.js";
import { DiscordEmulator, shardOfGuild, snowflakeOnShard } from "../discord-emulator/index.js";
import { TEST_TOKEN } from "../helpers/bot-process.js";

describe("shard scope", () => {
  it("owns exactly the servers Discord places on its shards; shard 0 leads", () => {
    const ids = Array.from({ length: 40 }, (_, i) => snowflakeOnShard(i % 4, 4));
    const scopes = [0, 1, 2, 3].map((s) => shardScope([s], 4));
    for (const id of ids) {
      const owners = scopes.filter((s) => s.owns(id)).map((s) => s.shards[0]);
      expect(owners).toEqual([shardOfGuild(id, 4)]);
    }
    expect(scopes.map((s) => s.leader)).toEqual([true, false, false, false]);
    // One process holding shards 1 and 3 of 4.
    const two = shardScope([3, 1], 4);
    expect(ids.filter((id) => two.owns(id))).toHaveLength(20);
    expect(two.shards).toEqual([1, 3]);
    // Unsharded: everything, and it leads.
    const one = shardScope([0], 1);
    expect(ids.every((id) => one.owns(id)) && one.leader).toBe(true);
    // Not a snowflake: looked after by shard 0 only.
    expect(scopes.map((s) => s.owns("not-an-id"))).toEqual([true, false, false, false]);
  });
});

describe("shard count and flags", () => {
  let emu: DiscordEmulator;
  beforeAll(async () => {
    emu = await DiscordEmulator.start({ token: TEST_TOKEN, shards: 3 });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it("resolves auto to Discord's recommendation at DISCORD_API_URL, a number to itself", async () => {
    const env = { DISCORD_TOKEN: TEST_TOKEN, DISCORD_API_URL: emu.apiUrl };
    expect(await resolveShardCount(loadEnvConfig(env))).toBe(3);
    expect(await resolveShardCount(loadEnvConfig({ ...env, SHARD_COUNT: "2" }))).toBe(2);
    const asked = emu.requests.filter((r) => r.path === "/gateway/bot");
    expect(asked).toHaveLength(1);
  });

  it("starts shards with the tsx loader, once, keeping the parent's other flags", () => {
    expect(shardExecArgv([])).toEqual(["--import", "tsx"]);
    expect(shardExecArgv(["--import", "tsx", "--max-old-space-size=384"])).toEqual([
      "--import",
      "tsx",
      "--max-old-space-size=384",
    ]);
  });
});

describe("npm run start:sharded", () => {
  it("refuses two shards on SQLite before starting any, naming the fix", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/sharded.ts"], {
      env: {
        ...process.env,
        DISCORD_TOKEN: TEST_TOKEN,
        SHARD_COUNT: "2",
        STORAGE_URL: "sqlite://:memory:",
        QUEUE_URL: "",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^error: bad configuration: SHARD_COUNT: 2 shards need shared state; set STORAGE_URL=redis:\/\/… \(or QUEUE_URL\), or SHARD_COUNT=1/,
    );
    expect(run.stderr + run.stdout).not.toContain(TEST_TOKEN);
  }, 40_000);
});
