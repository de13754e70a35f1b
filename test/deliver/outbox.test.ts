/** The outbox's storage state machine on its own: the log, cursors, idempotence, crash points. */
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import type { AlertEntryInput } from "../../src/deliver/alert-log.js";
import type { AlertLanguage } from "../../src/deliver/embed.js";
import { channelKey, nonceFor, Outbox } from "../../src/deliver/outbox.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { story, sub, tag, taxonomy } from "./fixtures.js";

const NOW = Date.UTC(2025, 0, 1, 12, 30);
const opts = { now: NOW, hourlyCap: 30 };

function entry(s: TaggedStory, keywordHits: string[] = []): AlertEntryInput {
  const { text: _text, ...lite } = s;
  return {
    storyId: s.id,
    story: lite,
    summaries: { climate: `Climate view of ${s.id}` },
    keywordHits,
  };
}
const entries = (...ns: number[]) => ns.map((n) => entry(story(n)));

async function setup(
  channels = ["c1"],
  now: () => number = () => NOW,
  kv = new Keyv(),
  language?: AlertLanguage,
) {
  const subs = new SubscriptionStore(kv);
  await subs.load();
  for (const channelId of channels) await subs.upsert(sub({ channelId }));
  const box = new Outbox(
    { kv, subscriptions: subs, taxonomy, now, ...(language ? { language } : {}) },
    { retentionMs: 86_400_000 },
  );
  return { kv, subs, box };
}

async function batchOf(box: Outbox, channelId = "c1", o = opts) {
  const taken = await box.take(channelId, o);
  if (taken.type !== "batch") throw new Error(`expected a batch, got ${taken.type}`);
  return taken.batch;
}

describe("Outbox", () => {
  it("logs each story once, in order, whatever is offered again", async () => {
    const { box } = await setup();
    expect(await box.enqueue(entries(1, 2))).toBe(2);
    expect(await box.enqueue(entries(2, 1, 3))).toBe(1);
    const batch = await batchOf(box);
    expect(batch.flight.storyIds).toEqual(["s0001", "s0002", "s0003"]);
    expect(batch.items[0]?.embed?.description).toBe("Climate view of s0001");
  });

  it("one log entry serves every channel: each gets it once", async () => {
    const { box, kv } = await setup(["c1", "c2", "c3"]);
    await box.enqueue(entries(1));
    for (const c of ["c1", "c2", "c3"]) {
      const b = await batchOf(box, c);
      expect(b.flight.storyIds).toEqual(["s0001"]);
      await box.complete(b);
      expect(await box.take(c, opts)).toEqual({ type: "empty" });
    }
    const keys: string[] = [];
    for await (const [key] of kv.iterator?.(undefined) ?? []) keys.push(String(key));
    expect(keys.filter((k) => k.startsWith("ob:log:") && k !== "ob:log:meta")).toHaveLength(1);
  });

  it("a crash after writing entries but before committing them: offered again, logged once", async () => {
    const kv = new Keyv();
    const { box } = await setup(["c1"], () => NOW, kv);
    await box.enqueue(entries(1));
    // Entries and markers for s0002 written, the meta (commit point) not: as after a kill -9.
    await kv.set("ob:log:1", { ...entry(story(2)), seq: 1, at: NOW });
    await kv.set("ob:seen:s0002", 1);
    const { box: again } = await setup(["c1"], () => NOW, kv);
    expect(await again.enqueue(entries(3, 2))).toBe(2);
    expect((await batchOf(again)).flight.storyIds).toEqual(["s0001", "s0003", "s0002"]);
  });

  it("matches per channel when the batch is taken: topic, min score, keywords, subscription age", async () => {
    const { box, subs } = await setup([]);
    await subs.upsert(sub({ channelId: "strict", minScore: 0.9 }));
    await subs.upsert(sub({ channelId: "energy", topic: "energy" }));
    await subs.upsert(sub({ channelId: "kw", keywords: ["Pacific  Islands"] }));
    await subs.upsert(sub({ channelId: "late", createdAt: NOW + 1 }));
    await box.enqueue([
      entry(story(1, { topics: [tag("climate", 0.95), tag("energy", 0.5)] }), ["pacific islands"]),
      entry(story(2, { topics: [tag("climate", 0.6)] })),
    ]);
    const ids = async (c: string) => {
      const t = await box.take(c, opts);
      return t.type === "batch" ? t.batch.flight.storyIds : [];
    };
    expect(await ids("strict")).toEqual(["s0001"]);
    expect(await ids("energy")).toEqual(["s0001"]);
    expect(await ids("kw")).toEqual(["s0001"]);
    expect(await ids("late")).toEqual([]);
  });

  it("persists the batch with a ≤ 25-char nonce before handing it out, and resumes it", async () => {
    const { box, kv } = await setup();
    await box.enqueue(entries(1, 2));
    const taken = await batchOf(box);
    expect(taken.flight.nonce.length).toBeLessThanOrEqual(25);
    expect(taken.flight.nonce).toBe(nonceFor("c1", taken.flight.batchId));
    expect((await kv.get(channelKey("c1")))?.flight?.nonce).toBe(taken.flight.nonce);
    // "Restart": a new outbox over the same storage resumes the same batch.
    const { box: again } = await setup(["c1"], () => NOW, kv);
    const resumed = await batchOf(again);
    expect(resumed.resumed).toBe(true);
    expect(resumed.flight.nonce).toBe(taken.flight.nonce);
    expect(resumed.items.map((i) => i.embed?.title)).toEqual(
      taken.items.map((i) => i.embed?.title),
    );
    await again.complete(resumed);
    expect(await again.take("c1", opts)).toEqual({ type: "empty" });
    // Completed stories offered again are not logged again.
    expect(await again.enqueue(entries(1, 2))).toBe(0);
  });

  it("a resumed batch keeps the language it was started in, even if the server's changed", async () => {
    const messages = loadMessages();
    let serverLocale = "de";
    const language: AlertLanguage = (_guild, locale) => messages.for(locale ?? serverLocale);
    const { box, kv } = await setup(["c1"], () => NOW, new Keyv(), language);
    await box.enqueue(entries(1, 2));
    const taken = await batchOf(box);
    expect(taken.flight.locale).toBe("de");
    expect(taken.items[0]?.embed?.fields?.[0]?.value).toMatch(/^🌍 Klima/);
    // The server switches to English while the bot is down; the batch is rebuilt word for word,
    // so that looking for it among the channel's messages finds what was posted.
    serverLocale = "en-US";
    const { box: again } = await setup(["c1"], () => NOW, kv, language);
    const resumed = await batchOf(again);
    expect(resumed.resumed).toBe(true);
    expect(resumed.items.map((i) => i.embed)).toEqual(taken.items.map((i) => i.embed));
    await again.complete(resumed);
    // The next batch takes the server's language as it is now.
    await again.enqueue(entries(3));
    const next = await batchOf(again);
    expect(next.flight.locale).toBe("en");
    expect(next.items[0]?.embed?.fields?.[0]?.value).toMatch(/^🌍 Climate/);
  });

  it("asks languageReady about the server before a batch fixes its language", async () => {
    const messages = loadMessages();
    // What this process knows of servers' locales: nothing until languageReady reads it.
    const known = new Map<string, string>();
    const kv = new Keyv();
    const subs = new SubscriptionStore(kv);
    await subs.load();
    await subs.upsert(sub({ channelId: "c1" }));
    const box = new Outbox(
      {
        kv,
        subscriptions: subs,
        taxonomy,
        now: () => NOW,
        language: (guild, locale) => messages.for(locale ?? known.get(guild)),
        languageReady: async (guild) => {
          known.set(guild, "de");
        },
      },
      { retentionMs: 86_400_000 },
    );
    await box.enqueue(entries(1));
    const taken = await batchOf(box);
    expect(taken.flight.locale).toBe("de");
    expect(taken.items[0]?.embed?.fields?.[0]?.value).toMatch(/^🌍 Klima/);
  });

  it("a batch stored before alerts had a language resumes in English", async () => {
    const messages = loadMessages();
    const german: AlertLanguage = (_guild, locale) => messages.for(locale ?? "de");
    const { box, kv } = await setup();
    await box.enqueue(entries(1));
    const taken = await batchOf(box);
    const state = await kv.get(channelKey("c1"));
    delete state.flight.locale;
    await kv.set(channelKey("c1"), state);
    const { box: again } = await setup(["c1"], () => NOW, kv, german);
    const resumed = await batchOf(again);
    expect(resumed.items.map((i) => i.embed)).toEqual(taken.items.map((i) => i.embed));
  });

  it("a storage failure while saving a batch leaves memory as storage is", async () => {
    const { box, kv } = await setup();
    await box.enqueue(entries(1));
    const set = kv.set.bind(kv);
    kv.set = async () => {
      throw new Error("disk full");
    };
    await expect(box.take("c1", opts)).rejects.toThrow("disk full");
    kv.set = set;
    const batch = await batchOf(box);
    expect(batch.resumed).toBe(false);
  });

  it("a rejected batch is retried one by one and only the culprit is skipped", async () => {
    const { box } = await setup();
    await box.enqueue(entries(1, 2, 3));
    const all = await batchOf(box);
    expect(await box.reject(all)).toEqual([]);
    const one = await batchOf(box);
    expect(one.flight.storyIds).toEqual(["s0001"]);
    await box.complete(one);
    const culprit = await batchOf(box);
    expect((await box.reject(culprit)).map((i) => i.storyId)).toEqual(["s0002"]);
    const rest = await batchOf(box);
    expect(rest.flight.storyIds).toEqual(["s0003"]);
  });

  it("caps alerts per hour and rolls the held-back stories up once the hour is over", async () => {
    let now = NOW;
    const { box } = await setup(["c1"], () => now);
    await box.enqueue(entries(1, 2, 3, 4, 5));
    const first = await batchOf(box, "c1", { now, hourlyCap: 2 });
    expect(first.flight.storyIds).toEqual(["s0001", "s0002"]);
    await box.complete(first);
    const capped = await box.take("c1", { now, hourlyCap: 2 });
    expect(capped).toEqual({ type: "capped", until: Date.UTC(2025, 0, 1, 13) });
    now = Date.UTC(2025, 0, 1, 13, 1);
    await box.enqueue(entries(6)); // arrives in the new hour: a normal alert later
    const rollup = await batchOf(box, "c1", { now, hourlyCap: 2 });
    expect(rollup.flight.kind).toBe("rollup");
    expect(rollup.flight.storyIds).toEqual(["s0003", "s0004", "s0005"]);
    expect(await box.backlog("c1")).toBe(4);
    await box.complete(rollup);
    const next = await batchOf(box, "c1", { now, hourlyCap: 2 });
    expect(next.flight).toMatchObject({ kind: "alerts", storyIds: ["s0006"] });
  });

  it("a dropped channel forgets its batch and what is waiting", async () => {
    const { box } = await setup();
    await box.enqueue(entries(1, 2));
    await batchOf(box);
    expect(await box.dropChannel("c1")).toBe(2);
    expect(await box.backlog("c1")).toBe(0);
    await box.enqueue(entries(3));
    expect((await batchOf(box)).flight.storyIds).toEqual(["s0003"]);
  });

  it("cursors moved past unwanted stories are written by flush and survive a restart", async () => {
    const { box, kv } = await setup();
    await box.enqueue([entry(story(1, { topics: [tag("energy", 0.9)] }))]);
    expect(await box.take("c1", opts)).toEqual({ type: "empty" });
    expect(await box.state("c1")).toBeUndefined();
    await box.flush();
    expect((await box.state("c1"))?.cursor).toBe(1);
    const { box: again } = await setup(["c1"], () => NOW, kv);
    expect(await again.backlog("c1")).toBe(0);
  });
});
