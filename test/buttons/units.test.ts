/**
 * The parts of the alert buttons that need no Discord: custom_ids, the "more like this"
 * ranking, muting one subscription, and what the outbox does with stories logged while a
 * subscription was muted once it is switched back on.
 */
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { DiscordSink } from "../../src/deliver/discord-sink.js";
import { Outbox } from "../../src/deliver/outbox.js";
import { buttonId, CUSTOM_ID_MAX, parseButtonId } from "../../src/discord/buttons/custom-id.js";
import { storyLinks } from "../../src/discord/buttons/message-stories.js";
import { statusReasonText } from "../../src/discord/status-reason.js";
import { loadMessages } from "../../src/i18n/messages.js";
import type { IndexedStory } from "../../src/search/index.js";
import { similarStories } from "../../src/search/similar.js";
import { SubscriptionStore } from "../../src/subscriptions/store.js";
import { FEED, silentLog, story, sub, tag, taxonomy } from "../deliver/fixtures.js";

const isTopic = (id: string) => taxonomy.topics.some((t) => t.id === id);

describe("custom_ids", () => {
  it("round-trips every action, within Discord's 100 characters", () => {
    for (const action of [
      { kind: "why" as const },
      { kind: "more" as const },
      { kind: "mute" as const, topic: "russia-ukraine" },
      { kind: "undo" as const, topic: "climate" },
    ]) {
      const id = buttonId(action);
      expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
      expect(parseButtonId(id, isTopic)).toEqual({ ok: true, action });
    }
    expect(buttonId({ kind: "mute", topic: "climate" })).toBe("fd1:mute:climate");
  });

  it.each([
    ["fd2:why", "version"],
    ["fd9:mute:climate", "version"],
    ["fd1:nope", "action"],
    ["fd1:mute:not-a-topic", "topic"],
    ["fd1:undo:Climate", "topic"],
    ["fd1:mute", "malformed"],
    ["fd1:mute:climate:x", "malformed"],
    ["fd1:why:x", "malformed"],
    ["fd1", "malformed"],
    ["fd1:", "malformed"],
    ["garbage", "malformed"],
    ["", "malformed"],
    ["fd1:why\u0000", "malformed"],
    ["fd1:mute:clïmate", "malformed"],
    [`fd1:mute:${"a".repeat(100)}`, "malformed"],
  ])("refuses %j as %s", (raw, problem) => {
    expect(parseButtonId(raw, isTopic)).toEqual({ ok: false, problem });
  });

  it("refuses what is not a string", () => {
    expect(parseButtonId(42, isTopic)).toEqual({ ok: false, problem: "malformed" });
  });
});

describe("the stories of a message", () => {
  it("an alert card's link; a roll-up's listed links (decoded); other links ignored", () => {
    expect(
      storyLinks([
        { url: "https://a.example/1", description: "see [x](https://b.example/2)" },
        {
          description:
            "• [One](https://a.example/x%28y%29)\n• [Two](https://a.example/2)\nand 3 more",
          footer: { text: "Hourly alert limit reached for this channel" },
        },
        { description: "[not a roll-up](https://c.example/3)" },
      ]),
    ).toEqual(["https://a.example/1", "https://a.example/x(y)", "https://a.example/2"]);
  });
});

describe("more like this: the ranking", () => {
  const doc = (id: string, o: Partial<IndexedStory>): IndexedStory => ({
    id,
    title: id,
    feedId: "f",
    feedName: "Wire",
    publishedAt: "2025-01-01T00:00:00Z",
    summary: "",
    language: "en",
    topics: [],
    countries: [],
    ...o,
  });
  const source = {
    id: "src",
    title: "Sanctions on Iranian oil tankers widened",
    summary: "",
    topics: [{ id: "trade-sanctions" }, { id: "middle-east" }],
    countries: ["IR"],
    cluster: "ev-src",
  };

  it("topics (2 each), then countries (1 each), then shared words; newer first on a tie", () => {
    const hits = similarStories(
      source,
      [
        doc("country-only", { countries: ["IR"] }),
        doc("one-topic-old", { topics: [{ id: "middle-east", score: 1 }] }),
        doc("one-topic-new", {
          topics: [{ id: "middle-east", score: 1 }],
          publishedAt: "2025-01-02T00:00:00Z",
        }),
        doc("two-topics", {
          topics: [
            { id: "trade-sanctions", score: 1 },
            { id: "middle-east", score: 1 },
          ],
        }),
        doc("two-topics-words", {
          title: "Iranian oil tankers face widened sanctions",
          topics: [
            { id: "trade-sanctions", score: 1 },
            { id: "middle-east", score: 1 },
          ],
        }),
        doc("same-event", { topics: [{ id: "middle-east", score: 1 }], cluster: "ev-src" }),
        doc("nothing-shared", { topics: [{ id: "climate", score: 1 }], countries: ["BR"] }),
      ],
      5,
    );
    expect(hits.map((h) => h.story.id)).toEqual([
      "two-topics-words",
      "two-topics",
      "one-topic-new",
      "one-topic-old",
      "country-only",
    ]);
  });

  it("shows each other event once, by its best report", () => {
    const hits = similarStories(
      source,
      [
        doc("weak", { topics: [{ id: "middle-east", score: 1 }], cluster: "ev-x" }),
        doc("strong", {
          topics: [
            { id: "middle-east", score: 1 },
            { id: "trade-sanctions", score: 1 },
          ],
          cluster: "ev-x",
        }),
      ],
      5,
    );
    expect(hits.map((h) => h.story.id)).toEqual(["strong"]);
  });
});

describe("muting one subscription", () => {
  it("changes only that channel's topic; undefined when there is none", async () => {
    const subs = new SubscriptionStore(new Keyv());
    await subs.load();
    await subs.upsert(sub({ guildId: "g", channelId: "c1", topic: "climate" }));
    await subs.upsert(sub({ guildId: "g", channelId: "c1", topic: "energy" }));
    await subs.upsert(sub({ guildId: "g", channelId: "c2", topic: "climate" }));
    const why = { code: "muted" as const, by: "u1", byName: "editor", at: 1_700_000_000_000 };
    const before = await subs.setTopicStatus("g", "c1", "climate", {
      status: "paused",
      reason: "muted",
      why,
    });
    expect(before?.status).toBe("active");
    const byPlace = (c: string, t: string) =>
      subs.forGuild("g").find((s) => s.channelId === c && s.topic === t);
    expect(byPlace("c1", "climate")).toMatchObject({ status: "paused", statusWhy: why });
    expect(byPlace("c1", "energy")?.status).toBe("active");
    expect(byPlace("c2", "climate")?.status).toBe("active");
    expect(
      await subs.setTopicStatus("g", "c3", "climate", { status: "active", since: 5 }),
    ).toBeUndefined();
    await subs.setTopicStatus("g", "c1", "climate", { status: "active", since: 5 });
    expect(byPlace("c1", "climate")).toMatchObject({ status: "active", activeSince: 5 });
    expect(byPlace("c1", "climate")?.statusWhy).toBeUndefined();
  });

  it("/subscriptions words: who muted it and when, in each language", () => {
    const s = {
      statusWhy: { code: "muted" as const, by: "1", byName: "editor", at: 1_700_000_000_000 },
    };
    const i18n = loadMessages();
    expect(statusReasonText(s, i18n.for("en"))).toBe("muted by editor on <t:1700000000:f>");
    expect(statusReasonText(s, i18n.for("de"))).toBe(
      "stummgeschaltet von editor am <t:1700000000:f>",
    );
  });

  it("switched back on, a subscription gets nothing logged while it was muted, even from a held queue", async () => {
    const kv = new Keyv();
    const subs = new SubscriptionStore(kv);
    await subs.load();
    let now = 1_000_000;
    const clock = () => now;
    // #held: climate muted and energy paused for a lost permission (which holds the queue);
    // #other keeps climate stories coming.
    await subs.upsert(sub({ guildId: "g", channelId: "held", topic: "climate" }));
    await subs.upsert(
      sub({
        guildId: "g",
        channelId: "held",
        topic: "energy",
        status: "paused",
        statusWhy: { code: "missing-permissions", permissions: ["Send Messages"] },
      }),
    );
    await subs.upsert(sub({ guildId: "g", channelId: "other", topic: "climate" }));
    await subs.setTopicStatus("g", "held", "climate", {
      status: "paused",
      reason: "muted",
      why: { code: "muted", by: "u", at: now },
    });
    const outbox = new Outbox(
      { kv, subscriptions: subs, taxonomy, now: clock },
      { retentionMs: 86_400_000 },
    );
    const sink = new DiscordSink({
      outbox,
      subscriptions: subs,
      sender: { notify() {} },
      log: silentLog,
    });
    await outbox.take("held", { now, hourlyCap: 30 }); // the channel's cursor starts here
    const climate = (n: number) => story(n, { topics: [tag("climate", 0.9)] });
    await sink.accept([climate(1), climate(2)], FEED);

    now += 1000;
    await subs.setTopicStatus("g", "held", "climate", { status: "active", since: now });
    now += 1000;
    await sink.accept([climate(3)], FEED);
    const taken = await outbox.take("held", { now, hourlyCap: 30 });
    expect(taken.type).toBe("batch");
    if (taken.type !== "batch") return;
    expect(taken.batch.items.map((i) => i.storyId)).toEqual([climate(3).id]);
  });
});
