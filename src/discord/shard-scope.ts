/**
 * Which servers a gateway process answers for. Under `npm run start:sharded` each shard is its
 * own process reading the same storage, so the jobs that walk every stored server (digests,
 * health checks, permission sweeps) run in each process for its own servers only: the shard
 * Discord places the server on, `(guild_id >> 22) % count`. That holds for a server the bot has
 * left or that is unavailable too, so every server has exactly one owner. Jobs that are not a
 * server's (registering commands, back-filling trend counts) run in the shard holding shard 0.
 */
import { type Client, ShardClientUtil } from "discord.js";

export interface ShardScope {
  /** The shards this process holds, and of how many. */
  shards: readonly number[];
  count: number;
  /** Whether this process runs the server's guild-scoped jobs. */
  owns(guildId: string): boolean;
  /** Whether this process runs the jobs done once for the whole bot. */
  leader: boolean;
}

export function shardScope(shards: readonly number[], count: number): ShardScope {
  const held = new Set(shards);
  return {
    shards: [...held].sort((a, b) => a - b),
    count,
    owns(guildId) {
      if (count <= 1) return true;
      try {
        return held.has(ShardClientUtil.shardIdForGuildId(guildId, count));
      } catch {
        // Not a snowflake (never written by Discord): one process still looks after it.
        return held.has(0);
      }
    },
    leader: held.has(0),
  };
}

/** The client's scope: its shards under a ShardingManager, every server otherwise. */
export function clientShardScope(client: Pick<Client, "shard">): ShardScope {
  const util = client.shard;
  if (!util) return shardScope([0], 1);
  return shardScope(util.ids, util.count);
}
