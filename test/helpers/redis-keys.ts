import type { Redis } from "ioredis";

/**
 * Deletes every key matching the patterns (a test's or a bench's namespace on the shared Redis),
 * with SCAN rather than KEYS so a large namespace does not block the server. Returns how many.
 */
export async function deleteKeys(redis: Redis, patterns: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const pattern of patterns) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  }
  return deleted;
}
