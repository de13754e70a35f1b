/**
 * /trends counts in a fleet: two processes (each with its own storage connection, its own
 * DailyCounts and its own Redis lock client, as separate processes have) add stories to the same
 * day at once. With the fleet's lock every story counts once, and none is lost to a concurrent
 * read-modify-write of the day's record; the same story taken in by both counts once.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { TaggedStory } from "../../src/enrich/types.js";
import { DailyCounts, dayOf } from "../../src/trends/counts.js";
import { fleetProcesses } from "../helpers/fleet-processes.js";
import { serviceAvailable } from "../helpers/services.js";
import { story } from "../store/fixtures.js";

const redisUp = await serviceAvailable("Redis", 6379);
const NOON = Date.UTC(2026, 10, 28, 12);

function tagged(id: string): TaggedStory {
  return story(id, {
    publishedAt: new Date(NOON).toISOString(),
    topics: [{ id: "climate", score: 0.6, evidence: [] }],
    countries: ["BR"],
  });
}

describe.skipIf(!redisUp)("trend counts shared by a fleet", () => {
  const fleet = fleetProcesses("trends");
  afterAll(() => fleet.close());

  it("count every story once when processes add to the same day at the same time", async () => {
    const processes = await Promise.all(
      [0, 1].map(async () => {
        const { storage, lock } = await fleet.open();
        return new DailyCounts(storage.kv, () => NOON, lock);
      }),
    );
    const [a, b] = processes as [DailyCounts, DailyCounts];
    // 40 small batches from each process, interleaved, and one story both take in.
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => [
        a.add([tagged(`a${n}`), tagged("both")]),
        b.add([tagged(`b${n}`), tagged("both")]),
      ]).flat(),
    );
    const [day] = await a.days(dayOf(NOON), dayOf(NOON));
    expect(day?.total).toBe(81);
    expect(day?.topics.climate).toBe(81);
    expect(day?.pairs.climate?.BR).toBe(81);
  }, 30_000);
});
