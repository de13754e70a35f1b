/**
 * `npm run start:sharded`: discord.js's ShardingManager runs one child process per gateway shard,
 * each the normal gateway start (src/main.ts, ROLE=all) with discord.js's SHARDS / SHARD_COUNT in
 * its environment; a shard that dies is started again (the manager's respawn). Work (polls,
 * deliveries) is shared through the BullMQ fleet as with any other processes, and each shard runs
 * the guild-scoped jobs of its own servers only (src/discord/shard-scope.ts).
 */
import { fileURLToPath } from "node:url";
import { REST, Routes, type Shard, ShardingManager } from "discord.js";
import type { Logger } from "pino";
import { z } from "zod";
import type { EnvConfig } from "../config/env.js";

/** The shard file: the normal entry point, which becomes a shard under the manager's env. */
export const SHARD_FILE = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Discord lets a bot identify once per 5 s (max_concurrency 1): shards start that far apart. */
const SPAWN_DELAY_MS = 5_500;
/** A shard loads the classifier and storage before it logs in: a generous wait for its READY. */
const READY_TIMEOUT_MS = 180_000;
/** A shard's own shutdown takes at most 10 s (src/main.ts); then it is killed. */
const STOP_GRACE_MS = 15_000;

const gatewayBot = z.object({ shards: z.number().int().min(1) });

/**
 * The shard count: SHARD_COUNT, or for `auto` what Discord recommends on GET /gateway/bot,
 * asked at DISCORD_API_URL (discord.js's own `auto` would always ask discord.com).
 */
export async function resolveShardCount(
  config: Pick<EnvConfig, "SHARD_COUNT" | "DISCORD_API_URL" | "DISCORD_TOKEN">,
): Promise<number> {
  if (config.SHARD_COUNT !== "auto") return config.SHARD_COUNT;
  const rest = new REST({ api: config.DISCORD_API_URL }).setToken(config.DISCORD_TOKEN ?? "");
  try {
    return gatewayBot.parse(await rest.get(Routes.gatewayBot())).shards;
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

/** Node's flags for a shard: this process's, with the tsx loader the .ts shard file needs. */
export function shardExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const hasTsx = parent.some((arg, i) => arg === "tsx" && parent[i - 1] === "--import");
  return hasTsx ? [...parent] : [...parent, "--import", "tsx"];
}

export interface RunningShards {
  count: number;
  /** Resolves once every shard has connected; rejects when one could not be started. */
  started: Promise<void>;
  /** Stops every shard (each finishes or hands back its work) without respawning any. */
  stop(): Promise<void>;
}

export interface ShardManagerOptions {
  file?: string;
  spawnDelayMs?: number;
  readyTimeoutMs?: number;
}

export async function startShardManager(
  config: EnvConfig,
  log: Logger,
  options: ShardManagerOptions = {},
): Promise<RunningShards> {
  const count = await resolveShardCount(config);
  const manager = new ShardingManager(options.file ?? SHARD_FILE, {
    totalShards: count,
    mode: "process",
    respawn: true,
    execArgv: shardExecArgv(),
    // The token reaches each shard in its environment, as DISCORD_TOKEN; it is never logged.
    ...(config.DISCORD_TOKEN ? { token: config.DISCORD_TOKEN } : {}),
  });
  let stopping = false;
  manager.on("shardCreate", (shard: Shard) => {
    // discord.js types it `unknown`: it is the object the child's environment is copied from.
    const env = shard.env as Record<string, string | undefined>;
    // Each shard is a gateway process (ROLE=all); one metrics port each, counted from the base.
    env.ROLE = "all";
    if (config.METRICS_PORT) env.METRICS_PORT = String(config.METRICS_PORT + shard.id);
    const where = { shard: shard.id, shardCount: count };
    shard.on("spawn", () => {
      // Started by a spawn loop still under way when the stop came: it stops at once.
      if (stopping) void stopShard(shard, log);
      else log.info({ ...where, pid: shard.process?.pid }, "shard started");
    });
    shard.on("ready", () => log.info(where, "shard connected to Discord"));
    shard.on("death", (child) => {
      if (stopping || !("exitCode" in child)) return;
      log.warn(
        { ...where, pid: child.pid, exitCode: child.exitCode, signal: child.signalCode },
        "shard exited; starting it again",
      );
    });
    shard.on("error", (err: Error) => log.error({ ...where, err }, "shard error"));
  });
  log.info({ shardCount: count, asked: config.SHARD_COUNT }, "starting shards");
  const started = manager
    .spawn({
      amount: count,
      delay: options.spawnDelayMs ?? SPAWN_DELAY_MS,
      timeout: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
    })
    .then(() => {
      if (!stopping) log.info({ shardCount: count }, "every shard started");
    });

  return {
    count,
    started,
    async stop() {
      stopping = true;
      manager.respawn = false;
      await Promise.all([...manager.shards.values()].map((shard) => stopShard(shard, log)));
      log.info({ shardCount: count }, "every shard stopped");
    },
  };
}

/** SIGTERM to the shard's process (its own clean shutdown), SIGKILL after the grace time. */
async function stopShard(shard: Shard, log: Logger): Promise<void> {
  const child = shard.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    log.warn({ shard: shard.id, pid: child.pid }, "shard did not stop in time; killed");
    child.kill("SIGKILL");
  }, STOP_GRACE_MS);
  await exited.finally(() => clearTimeout(timer));
  const code = child.exitCode;
  if (code !== 0) log.warn({ shard: shard.id, pid: child.pid, exitCode: code }, "shard stopped");
}
