/**
 * `npm run start:sharded`: the gateway as shards, one process each, under discord.js's
 * ShardingManager (src/discord/shard-manager.ts). This process logs in to nothing itself: it
 * starts the shards, starts again one that dies, and stops them all on SIGTERM or SIGINT.
 */
import { ConfigError, checkShardedConfig } from "./config/env.js";
import { failStartup, loadConfigOrExit } from "./config/startup.js";
import { type RunningShards, startShardManager } from "./discord/shard-manager.js";
import { createLogger } from "./log.js";

async function main(): Promise<void> {
  const config = loadConfigOrExit(checkShardedConfig);
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT }).child({
    role: "shard-manager",
  });
  let shards: RunningShards | undefined;
  let stopping = false;
  const stop = (signal: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    void (shards?.stop() ?? Promise.resolve()).then(
      () => process.exit(code),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // In before anything starts: a signal during start-up still stops what has started.
  process.on("SIGINT", () => stop("SIGINT", 0));
  process.on("SIGTERM", () => stop("SIGTERM", 0));
  shards = await startShardManager(config, log);
  if (stopping) {
    await shards.stop();
    return;
  }
  await shards.started.catch((err: unknown) => {
    if (stopping) return;
    // A shard that cannot come up at all (a bad token, storage down) would only loop.
    log.fatal({ err }, "a shard could not be started; stopping");
    stop("start-failed", 1);
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) failStartup(error.message);
  failStartup(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
