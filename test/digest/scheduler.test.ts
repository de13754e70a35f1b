/**
 * The digest scheduler with a fake cron, a test clock and a recording poster: a slot is posted
 * once, a restart does not repeat it, a crashed post is resumed under its nonce, a late slot is
 * skipped, and Discord's refusals disable, pause or retry.
 */
import type { RESTPostAPIChannelMessageJSONBody } from "discord.js";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/classify/index.js";
import { type ChannelPoster, PostError } from "../../src/deliver/poster.js";
import { type NewSchedule, ScheduleStore } from "../../src/digest/schedule-store.js";
import { DigestScheduler, digestNonce } from "../../src/digest/scheduler.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { loadMessages } from "../../src/i18n/messages.js";
import { openStorage, type Storage } from "../../src/store/open.js";
import type { StoryQuery } from "../../src/store/stories.js";
import { FakeCron, TestClock } from "../helpers/fake-cron.js";

const taxonomy = loadTaxonomy();
const messages = loadMessages();
const GUILD = "100000000000000001";
const CHANNEL = "200000000000000001";
/** 08:30 in Berlin on Tuesday 2025-06-03. */
const SLOT = Date.parse("2025-06-03T06:30:00Z");
const MIN = 60_000;
const HOUR = 3600_000;

let seq = 0;
function story(title: string, feed: string, at: number, topic: string): TaggedStory {
  seq++;
  const iso = new Date(at).toISOString();
  return {
    id: `s${seq}`,
    feedId: feed.toLowerCase(),
    feedName: feed,
    title,
    text: `${title}.`,
    url: `https://${feed.toLowerCase()}.example/${seq}`,
    publishedAt: iso,
    publishedEstimated: false,
    firstSeenAt: iso,
    categories: [],
    topics: [{ id: topic, score: 0.8, evidence: [] }],
    countries: [],
    language: "en",
    summary: `Summary of ${title}.`,
  };
}

class RecordingPoster implements ChannelPoster {
  posts: Array<{ channelId: string; body: RESTPostAPIChannelMessageJSONBody }> = [];
  attempts = 0;
  /** Thrown by the next posts, in order; then posts succeed. */
  failures: unknown[] = [];
  found: { id: string } | undefined;
  findCalls: number[] = [];

  async post(channelId: string, body: RESTPostAPIChannelMessageJSONBody) {
    this.attempts++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.posts.push({ channelId, body });
    return { id: String(this.posts.length) };
  }

  async findPosted(_channelId: string, _body: RESTPostAPIChannelMessageJSONBody, since: number) {
    this.findCalls.push(since);
    return this.found;
  }
}

interface World {
  storage: Storage;
  stories: TaggedStory[];
  poster: RecordingPoster;
  clock: TestClock;
  logs: Array<Record<string, unknown>>;
  make(owns?: (guildId: string) => boolean): { scheduler: DigestScheduler; cron: FakeCron };
}

function world(storage: Storage): World {
  const w: World = {
    storage,
    stories: [],
    poster: new RecordingPoster(),
    clock: new TestClock(SLOT - HOUR),
    logs: [],
    make(owns) {
      const cron = new FakeCron();
      const log = pino(
        { level: "debug" },
        { write: (line: string) => void w.logs.push(JSON.parse(line)) },
      );
      const scheduler = new DigestScheduler(
        {
          store: new ScheduleStore(storage.kv, log),
          stories: {
            latest: async (q: StoryQuery) =>
              w.stories.filter(
                (s) =>
                  Date.parse(s.publishedAt) >= (q.since ?? 0) &&
                  (!q.topic || s.topics.some((t) => t.id === q.topic)),
              ),
          },
          taxonomy,
          poster: w.poster,
          language: () => messages.for("en"),
          cron,
          now: w.clock.now,
          log,
          sleep: async () => {},
          ...(owns ? { owns } : {}),
        },
        { retryDelaysMs: [1000, 1000] },
      );
      return { scheduler, cron };
    },
  };
  return w;
}

const berlinWeekdays: Omit<NewSchedule, "createdAt"> = {
  guildId: GUILD,
  channelId: CHANNEL,
  hour: 8,
  minute: 30,
  timezone: "Europe/Berlin",
  every: "weekday",
  createdBy: "300000000000000001",
};

describe("DigestScheduler", () => {
  let storage: Storage;
  let w: World;
  beforeEach(async () => {
    storage = await openStorage("sqlite://:memory:");
    w = world(storage);
    w.stories.push(
      story(
        "EU agrees new sanctions package against Russia",
        "Brussels Wire",
        SLOT - 3 * HOUR,
        "russia-ukraine",
      ),
      story(
        "EU agrees new sanctions package against Russia",
        "Continental Post",
        SLOT - 2 * HOUR,
        "russia-ukraine",
      ),
      story(
        "Beijing rejects criticism over Xinjiang detentions",
        "Asia Desk",
        SLOT - 5 * HOUR,
        "china",
      ),
      story("Taiwan reports Chinese drills near the strait", "Asia Desk", SLOT - 4 * HOUR, "china"),
      story("Too late for this digest", "Asia Desk", SLOT + MIN, "china"),
      story("Too old for this digest", "Asia Desk", SLOT - 30 * HOUR, "china"),
    );
  });
  afterEach(async () => {
    await storage.close();
  });

  /** A scheduler started an hour before the slot, with one schedule; the clock then at `firedAt`. */
  async function scheduled(firedAt = SLOT + 2_000) {
    const made = w.make();
    await made.scheduler.start();
    const schedule = await made.scheduler.add(berlinWeekdays);
    w.clock.ms = firedAt;
    return { ...made, schedule };
  }

  it("posts the slot's digest once: nonce, no pings, counts per topic, only the period's stories", async () => {
    const { scheduler, cron, schedule } = await scheduled();
    expect(cron.live.map((t) => [t.expression, t.timezone])).toEqual([
      ["30 8 * * 1-5", "Europe/Berlin"],
    ]);
    cron.fireAll();
    await scheduler.idle();
    cron.fireAll();
    await scheduler.idle();
    expect(w.poster.posts).toHaveLength(1);
    const { channelId, body } = w.poster.posts[0] ?? { channelId: "", body: {} };
    expect(channelId).toBe(CHANNEL);
    expect(body.nonce).toBe(digestNonce(schedule.id, SLOT));
    expect(String(body.nonce).length).toBeLessThanOrEqual(25);
    expect(body.enforce_nonce).toBe(true);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.content?.split("\n")[0]).toMatch(/^\*\*By topic:\*\* .*China 2 · .*Russia.* 1$/);
    expect(body.content).toContain("3 stories from 4 reports by 3 outlets");
    const titles = (body.embeds ?? []).map((e) => e.title);
    expect(titles).toHaveLength(3);
    expect(titles.join()).not.toMatch(/Too late|Too old/);
    expect(
      await new ScheduleStore(storage.kv, pino({ level: "silent" })).runState(schedule.id),
    ).toMatchObject({ lastSlot: SLOT, lastOutcome: "posted", lastDigestSlot: SLOT });
    await scheduler.stop();
    expect(cron.live).toEqual([]);
  });

  it("runs a schedule only in the process that owns its server (one shard of several)", async () => {
    const first = await scheduled(SLOT - MIN);
    await first.scheduler.stop();
    w.clock.ms = SLOT - 30_000;
    // Two shards: the one holding GUILD and one that does not, reading the same schedules.
    const holder = w.make((g) => g === GUILD);
    const other = w.make((g) => g !== GUILD);
    await holder.scheduler.start();
    await other.scheduler.start();
    expect(holder.cron.live).toHaveLength(1);
    expect(other.cron.live).toEqual([]);
    w.clock.ms = SLOT + 2_000;
    holder.cron.fireAll();
    other.cron.fireAll();
    await Promise.all([holder.scheduler.idle(), other.scheduler.idle()]);
    expect(w.poster.posts).toHaveLength(1);
    // A schedule added through the other shard (not its server's) is not armed there either.
    await other.scheduler.add({ ...berlinWeekdays, hour: 9 });
    expect(other.cron.live).toEqual([]);
    await Promise.all([holder.scheduler.stop(), other.scheduler.stop()]);
  });

  it("a restart within the hour does not post the slot again", async () => {
    const first = await scheduled();
    first.cron.fireAll();
    await first.scheduler.idle();
    await first.scheduler.stop();
    w.clock.ms = SLOT + 10 * MIN;
    const second = w.make();
    await second.scheduler.start();
    await second.scheduler.idle();
    second.cron.fireAll();
    await second.scheduler.idle();
    expect(w.poster.posts).toHaveLength(1);
  });

  it("catches up at start a slot missed by less than an hour", async () => {
    const first = await scheduled(SLOT - MIN);
    await first.scheduler.stop();
    w.clock.ms = SLOT + 40 * MIN;
    const second = w.make();
    await second.scheduler.start();
    await second.scheduler.idle();
    expect(w.poster.posts).toHaveLength(1);
  });

  it("skips a slot missed by more than an hour, with a log line, and never reconsiders it", async () => {
    const first = await scheduled(SLOT - MIN);
    await first.scheduler.stop();
    w.clock.ms = SLOT + 2 * HOUR;
    const second = w.make();
    await second.scheduler.start();
    await second.scheduler.idle();
    expect(w.poster.posts).toEqual([]);
    const skipped = w.logs.filter((l) => String(l.msg).includes("skipped"));
    expect(skipped).toEqual([
      expect.objectContaining({ guildId: GUILD, scheduleId: first.schedule.id, slot: SLOT }),
    ]);
    w.clock.ms = SLOT + 2 * HOUR + MIN;
    const third = w.make();
    await third.scheduler.start();
    await third.scheduler.idle();
    expect(w.logs.filter((l) => String(l.msg).includes("skipped"))).toHaveLength(1);
    expect(w.poster.posts).toEqual([]);
  });

  it("does not post a slot that passed before the schedule was made", async () => {
    const made = w.make();
    await made.scheduler.start();
    w.clock.ms = SLOT + 5 * MIN;
    await made.scheduler.add(berlinWeekdays);
    made.cron.fireAll();
    await made.scheduler.idle();
    expect(w.poster.posts).toEqual([]);
    expect(made.scheduler.nextRun(made.scheduler.list(GUILD)[0] as never)).toBe(SLOT + 24 * HOUR);
  });

  it("resumes a post a crash interrupted: same body and nonce, or the message found in the channel", async () => {
    const first = await scheduled();
    // The crash: the in-flight record is written, the process dies before Discord answers.
    w.poster.failures.push(new Error("socket hang up"), new Error("x"), new Error("y"));
    first.cron.fireAll();
    await first.scheduler.idle();
    expect(w.poster.attempts).toBe(3);
    // Bounded retries ended in "failed"; a crash leaves the in-flight record instead. Recreate that.
    const store = new ScheduleStore(storage.kv, pino({ level: "silent" }));
    const nonce = digestNonce(first.schedule.id, SLOT);
    const body = { content: "**By topic:** x\nDigest", embeds: [{ title: "EU agrees" }] };
    await store.setRunState(first.schedule.id, {
      inFlight: { slot: SLOT, nonce, createdAt: SLOT + 2_000, body },
    });
    await first.scheduler.stop();

    // Within Discord's nonce memory the same nonce makes the repeat harmless: post again.
    w.clock.ms = SLOT + MIN;
    const second = w.make();
    await second.scheduler.start();
    await second.scheduler.idle();
    expect(w.poster.findCalls).toEqual([]);
    expect(w.poster.posts.map((p) => [p.body.nonce, p.body.content])).toEqual([
      [nonce, body.content],
    ]);

    // Later than that, the channel is searched first; a message found there settles the slot.
    await store.setRunState(first.schedule.id, {
      inFlight: { slot: SLOT, nonce, createdAt: SLOT + 2_000, body },
    });
    await second.scheduler.stop();
    w.clock.ms = SLOT + 20 * MIN;
    w.poster.found = { id: "999" };
    const third = w.make();
    await third.scheduler.start();
    await third.scheduler.idle();
    expect(w.poster.findCalls).toEqual([SLOT + 2_000 - MIN]);
    expect(w.poster.posts).toHaveLength(1);
    expect(await store.runState(first.schedule.id)).toMatchObject({
      lastSlot: SLOT,
      lastOutcome: "posted",
    });
  });

  it("retries a transient failure a bounded number of times", async () => {
    const { scheduler, cron } = await scheduled();
    w.poster.failures.push(new PostError("transient", "502"), new PostError("transient", "502"));
    cron.fireAll();
    await scheduler.idle();
    expect(w.poster.attempts).toBe(3);
    expect(w.poster.posts).toHaveLength(1);
  });

  it("disables a schedule whose channel is gone, and lists it as disabled", async () => {
    const { scheduler, cron, schedule } = await scheduled();
    w.poster.failures.push(new PostError("channel-gone", "Unknown Channel", { code: 10003 }));
    cron.fireAll();
    await scheduler.idle();
    const [listed] = scheduler.list(GUILD);
    expect(listed?.status).toBe("disabled");
    expect(listed?.statusWhy).toEqual({ code: "channel-deleted" });
    expect(cron.live).toEqual([]);
    expect(w.logs.some((l) => l.scheduleId === schedule.id && l.kind === "channel-gone")).toBe(
      true,
    );
  });

  it("pauses on a missing permission and becomes active again once a post works", async () => {
    const { scheduler, cron } = await scheduled();
    w.poster.failures.push(
      new PostError("forbidden", "Missing Permissions", {
        code: 50013,
        missingPermissions: ["Embed Links"],
      }),
    );
    cron.fireAll();
    await scheduler.idle();
    expect(scheduler.list(GUILD)[0]).toMatchObject({
      status: "paused",
      statusWhy: { code: "missing-permissions", permissions: ["Embed Links"] },
    });
    expect(w.poster.attempts).toBe(1);
    // The next weekday: still armed, the post goes out, the pause is lifted.
    w.stories.push(story("Talks resume in Geneva", "Brussels Wire", SLOT + HOUR, "russia-ukraine"));
    w.clock.ms = SLOT + 24 * HOUR + 1_000;
    cron.fireAll();
    await scheduler.idle();
    expect(w.poster.posts).toHaveLength(1);
    expect(scheduler.list(GUILD)[0]?.status).toBe("active");
  });

  it("the next digest covers the stories since the previous one", async () => {
    const { scheduler, cron } = await scheduled();
    cron.fireAll();
    await scheduler.idle();
    w.clock.ms = SLOT + 24 * HOUR + 1_000;
    cron.fireAll();
    await scheduler.idle();
    expect(w.poster.posts).toHaveLength(2);
    const second = w.poster.posts[1]?.body.embeds?.map((e) => e.title) ?? [];
    expect(second).toEqual(["Too late for this digest"]);
  });

  it("a story published before a slot but first seen after it goes into the next digest", async () => {
    const late = story(
      "Back-dated report read after the slot",
      "Slow Wire",
      SLOT - 2 * HOUR,
      "china",
    );
    late.firstSeenAt = new Date(SLOT + 10 * MIN).toISOString();
    w.stories.push(late);
    const { scheduler, cron } = await scheduled();
    cron.fireAll();
    await scheduler.idle();
    const first = w.poster.posts[0]?.body.embeds?.map((e) => e.title) ?? [];
    expect(first).not.toContain(late.title);
    w.clock.ms = SLOT + 24 * HOUR + 1_000;
    cron.fireAll();
    await scheduler.idle();
    const second = w.poster.posts[1]?.body.embeds?.map((e) => e.title) ?? [];
    expect(second.sort()).toEqual([late.title, "Too late for this digest"].sort());
  });

  it("posts nothing for a period without stories, and records the slot", async () => {
    w.stories.length = 0;
    const { scheduler, cron, schedule } = await scheduled();
    cron.fireAll();
    await scheduler.idle();
    expect(w.poster.attempts).toBe(0);
    expect(
      await new ScheduleStore(storage.kv, pino({ level: "silent" })).runState(schedule.id),
    ).toMatchObject({ lastSlot: SLOT, lastOutcome: "empty" });
  });

  it("removing a schedule stops its task at once", async () => {
    const { scheduler, cron, schedule } = await scheduled();
    expect(await scheduler.remove(GUILD, schedule.id)).toMatchObject({ id: schedule.id });
    expect(cron.live).toEqual([]);
    expect(scheduler.list(GUILD)).toEqual([]);
    expect(await scheduler.remove(GUILD, schedule.id)).toBeUndefined();
  });
});
