/**
 * The stories' index in a fleet: two processes (each with its own storage connection, StoryStore
 * and Redis lock client) store stories of the same hour at once. With the fleet's lock the index
 * lists every one of them; without it, concurrent rewrites of the hour's index head drop entries.
 */
import { afterAll, describe, expect, it } from "vitest";
import { StoryStore } from "../../src/store/stories.js";
import { fleetProcesses } from "../helpers/fleet-processes.js";
import { serviceAvailable } from "../helpers/services.js";
import { NOW, story } from "./fixtures.js";

const redisUp = await serviceAvailable("Redis", 6379);

describe.skipIf(!redisUp)("the stories' index shared by a fleet", () => {
  const fleet = fleetProcesses("index");
  afterAll(() => fleet.close());

  it("lists every story stored by processes writing the same hour at the same time", async () => {
    const [a, b] = await Promise.all(
      [0, 1].map(async () => {
        const { storage, lock } = await fleet.open();
        return new StoryStore(storage.kv, 86_400_000, () => NOW, { lock });
      }),
    );
    const at = new Date(NOW - 60_000).toISOString();
    await Promise.all(
      Array.from({ length: 30 }, (_, n) => [
        a?.put([story(`a${n}`, { publishedAt: at })]),
        b?.put([story(`b${n}`, { publishedAt: at })]),
      ]).flat(),
    );
    const ids = (await a?.idsPublished(NOW - 3_600_000, NOW + 1)) ?? [];
    expect(new Set(ids).size).toBe(60);
  }, 30_000);
});
