/** The outbox's storage state machine on its own: idempotence and crash points. */
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { buildAlertEmbed } from "../../src/deliver/embed.js";
import {
  itemKey,
  nonceFor,
  Outbox,
  type OutboxDelivery,
  type OutboxItem,
} from "../../src/deliver/outbox.js";
import { story, taxonomy } from "./fixtures.js";

const NOW = Date.UTC(2025, 0, 1, 12, 30);
const opts = { now: NOW, hourlyCap: 30 };

function delivery(n: number, channelId = "c1"): OutboxDelivery {
  const s = story(n);
  return {
    storyId: s.id,
    guildId: "g1",
    channelId,
    topics: ["climate"],
    embed: buildAlertEmbed(s, { taxonomy, summary: s.summary }),
    title: s.title,
  };
}

describe("Outbox", () => {
  it("enqueues idempotently and keeps order", async () => {
    const box = new Outbox(new Keyv(), { retentionMs: 1000 }, () => NOW);
    expect(await box.enqueue([delivery(1), delivery(2)])).toBe(2);
    expect(await box.enqueue([delivery(2), delivery(1), delivery(3)])).toBe(1);
    expect((await box.record("c1"))?.queue).toEqual(["s0001", "s0002", "s0003"]);
    expect(await box.channels()).toEqual(["c1"]);
  });

  it("re-links an item stored before a crash that kept it out of the queue", async () => {
    const kv = new Keyv();
    const box = new Outbox(kv, { retentionMs: 1000 }, () => NOW);
    const orphan: OutboxItem = { ...delivery(1), state: "queued", enqueuedAt: NOW };
    await kv.set(itemKey("c1", "s0001"), orphan);
    expect(await box.enqueue([delivery(1)])).toBe(1);
    expect((await box.record("c1"))?.queue).toEqual(["s0001"]);
  });

  it("persists the batch with a ≤ 25-char nonce before handing it out, and resumes it", async () => {
    const kv = new Keyv();
    const box = new Outbox(kv, { retentionMs: 1000 }, () => NOW);
    await box.enqueue([delivery(1), delivery(2)]);
    const taken = await box.take("c1", opts);
    if (taken.type !== "batch") throw new Error("expected a batch");
    expect(taken.batch.flight.nonce.length).toBeLessThanOrEqual(25);
    expect(taken.batch.flight.nonce).toBe(nonceFor("c1", taken.batch.flight.batchId));
    // "Restart": a new outbox over the same storage resumes the same batch.
    const again = await new Outbox(kv, { retentionMs: 1000 }, () => NOW).take("c1", opts);
    if (again.type !== "batch") throw new Error("expected a batch");
    expect(again.batch.resumed).toBe(true);
    expect(again.batch.flight.nonce).toBe(taken.batch.flight.nonce);
  });

  it("a crash after marking items sent completes the batch without sending it again", async () => {
    const kv = new Keyv();
    const box = new Outbox(kv, { retentionMs: 1000 }, () => NOW);
    await box.enqueue([delivery(1), delivery(2)]);
    const taken = await box.take("c1", opts);
    if (taken.type !== "batch") throw new Error("expected a batch");
    // Simulate the first half of complete(): items marked, channel record not yet rewritten.
    for (const item of taken.batch.items) {
      await kv.set(itemKey("c1", item.storyId), { ...item, state: "sent" });
    }
    const resumed = await new Outbox(kv, { retentionMs: 1000 }, () => NOW).take("c1", opts);
    if (resumed.type !== "batch") throw new Error("expected a batch");
    expect(resumed.batch.alreadySent).toBe(true);
    await box.complete(resumed.batch);
    expect(await box.take("c1", opts)).toEqual({ type: "empty" });
    expect(await box.channels()).toEqual([]);
    // Sent items are remembered: offering them again queues nothing.
    expect(await box.enqueue([delivery(1), delivery(2)])).toBe(0);
  });

  it("caps alerts per hour and rolls the held-back stories up once the hour is over", async () => {
    let now = NOW;
    const box = new Outbox(new Keyv(), { retentionMs: 1000 }, () => now);
    await box.enqueue([1, 2, 3, 4, 5].map((n) => delivery(n)));
    const first = await box.take("c1", { now, hourlyCap: 2 });
    if (first.type !== "batch") throw new Error("expected a batch");
    expect(first.batch.flight.storyIds).toEqual(["s0001", "s0002"]);
    await box.complete(first.batch);
    const capped = await box.take("c1", { now, hourlyCap: 2 });
    expect(capped).toEqual({ type: "capped", until: Date.UTC(2025, 0, 1, 13) });
    now = Date.UTC(2025, 0, 1, 13, 1);
    await box.enqueue([delivery(6)]); // arrives in the new hour: a normal alert later
    const rollup = await box.take("c1", { now, hourlyCap: 2 });
    if (rollup.type !== "batch") throw new Error("expected a batch");
    expect(rollup.batch.flight.kind).toBe("rollup");
    expect(rollup.batch.flight.storyIds).toEqual(["s0003", "s0004", "s0005"]);
    await box.complete(rollup.batch);
    const next = await box.take("c1", { now, hourlyCap: 2 });
    if (next.type !== "batch") throw new Error("expected a batch");
    expect(next.batch.flight).toMatchObject({ kind: "alerts", storyIds: ["s0006"] });
  });
});
