/**
 * The buttons under alerts, through the emulator and the real discord.js client: the whole bot
 * context (test/helpers/bot-harness.ts) with the delivery pipeline as run.ts wires it
 * (test/deliver/fixtures.ts), stories stored and indexed as the pipeline stores them, and users
 * pressing buttons on the alerts Discord received.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { APOLOGY } from "../../src/discord/interactions.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import { urlKeyFor } from "../../src/feeds/id.js";
import { StorageUnavailableError } from "../../src/store/unavailable.js";
import { deliveryPipeline, FEED, story, sub, tag } from "../deliver/fixtures.js";
import type { EmulatedMessage } from "../discord-emulator/index.js";
import {
  ADMIN,
  type BotHarness,
  EPHEMERAL_FLAG,
  MEMBER,
  startBotHarness,
  textOf,
} from "../helpers/bot-harness.js";

const until = async (check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
};

const minutesAgo = (m: number): string => new Date(Date.now() - m * 60_000).toISOString();

/** Buttons of a message: [custom_id, label] per button of each row. */
function buttonsOf(m: EmulatedMessage | undefined): Array<[string, string]> {
  const rows = (m?.components ?? []) as Array<{
    type: number;
    components: Array<{ custom_id?: string; label?: string }>;
  }>;
  return rows.flatMap((r) =>
    r.components.map((c): [string, string] => [c.custom_id ?? "", c.label ?? ""]),
  );
}

describe("buttons on alerts", () => {
  let h: BotHarness;
  let pipeline: ReturnType<typeof deliveryPipeline>;
  let asiaId = "";
  let forumId = "";
  const APOLOGY_WORDS = "Something went wrong";

  const put = async (stories: TaggedStory[]): Promise<void> => {
    await h.ctx.stories.put(stories);
    h.ctx.search.add(stories);
    await pipeline.sink.accept(stories, FEED);
  };

  /** The live message in `channelId` that is the alert for `s`. */
  const alertFor = (channelId: string, s: TaggedStory): EmulatedMessage | undefined =>
    h.emu.messages(channelId).find((m) => m.embeds.some((e) => e.url === s.url));

  const waitForAlert = async (channelId: string, s: TaggedStory): Promise<EmulatedMessage> => {
    await until(() => alertFor(channelId, s) !== undefined);
    return alertFor(channelId, s) as EmulatedMessage;
  };

  const press = async (
    message: { id: string; channel_id: string },
    customId: string,
    opts: { as?: "admin" | "member"; locale?: string; forge?: boolean } = {},
  ) => {
    const user = opts.as === "member" ? MEMBER : ADMIN;
    const record = await h.emu.pressButton({
      guildId: h.guildId,
      channelId: message.channel_id,
      messageId: message.id,
      customId,
      userId: user.id,
      ...(opts.locale ? { locale: opts.locale } : {}),
      ...(opts.forge ? { forge: true } : {}),
    });
    const outcome = await record.waitForResponse(4000);
    return { record, outcome, text: textOf(outcome) };
  };

  const subOf = (channelId: string, topic: string) =>
    h.ctx.subscriptions.forChannel(channelId).find((s) => s.topic === topic);

  beforeAll(async () => {
    h = await startBotHarness();
    const asia = h.emu.addChannel(h.guildId, { name: "asia" });
    asiaId = asia.id;
    forumId = h.emu.addChannel(h.guildId, { name: "briefings", type: 15 }).id;
    await until(() => h.client.channels.cache.has(asiaId) && h.client.channels.cache.has(forumId));
    const createdAt = Date.now() - 1000;
    for (const [channelId, topic] of [
      [h.newsId, "climate"],
      [h.newsId, "energy"],
      [h.alertsId, "climate"],
      [asiaId, "china"],
    ] as const) {
      await h.ctx.subscriptions.upsert(sub({ guildId: h.guildId, channelId, topic, createdAt }));
    }
    await h.ctx.subscriptions.upsert(
      sub({
        guildId: h.guildId,
        channelId: forumId,
        topic: "migration",
        createdAt,
        target: "forum",
      }),
    );
    const poster = new DiscordJsPoster(h.client.rest, { client: h.client });
    pipeline = deliveryPipeline(
      {
        kv: h.storage.kv,
        subs: h.ctx.subscriptions,
        poster,
        clock: { now: Date.now },
      },
      { sender: { idleMs: 200 }, forums: poster },
    );
    pipeline.sender.start();
  }, 60_000);

  afterAll(async () => {
    await pipeline?.sender.stop();
    await h?.close();
  });

  // The first report of an event, and a later one from another outlet.
  const cop = story(1, {
    title: "COP30 talks stall over emissions finance",
    topics: [tag("climate", 0.82, ["emissions", "COP30"])],
    countries: ["BR"],
    cluster: "ev-cop",
    publishedAt: minutesAgo(30),
  });
  const copLater = story(2, {
    title: "Climate summit deadlocked on finance for emissions cuts",
    feedName: "Daily Two",
    topics: [tag("climate", 0.7, ["emissions"])],
    countries: ["BR"],
    cluster: "ev-cop",
    publishedAt: minutesAgo(20),
  });

  it("an alert carries one row: Why?, Mute <topic> here, More like this; an edit keeps it", async () => {
    await put([cop]);
    const first = await waitForAlert(h.newsId, cop);
    expect(buttonsOf(first)).toEqual([
      ["fd1:why", "Why?"],
      ["fd1:mute:climate", "Mute Climate here"],
      ["fd1:more", "More like this"],
    ]);
    // Posted with the row: the request Discord got, not only what it stored.
    const posted = h.emu.requests.find(
      (r) => r.method === "POST" && r.path === `/channels/${h.newsId}/messages`,
    );
    expect(JSON.stringify(posted?.body)).toContain('"custom_id":"fd1:mute:climate"');

    await put([copLater]);
    await until(() => (alertFor(h.newsId, cop)?.edited_timestamp ?? null) !== null);
    const edited = alertFor(h.newsId, cop);
    expect(JSON.stringify(edited?.embeds)).toContain("Daily Two");
    expect(buttonsOf(edited)).toEqual(buttonsOf(first));
    // The edit did not send components: Discord (and the emulator) kept them.
    const patch = h.emu.requests.find(
      (r) => r.method === "PATCH" && r.path === `/channels/${h.newsId}/messages/${first.id}`,
    );
    expect(patch).toBeDefined();
    expect(JSON.stringify(patch?.body)).not.toContain("components");
    expect(h.emu.messages(h.newsId)).toHaveLength(1);
  });

  it("Why? lists topics with scores and evidence, countries and the event's other outlets", async () => {
    const alert = alertFor(h.newsId, cop) as EmulatedMessage;
    const { outcome, text } = await press(alert, "fd1:why", { as: "member" });
    expect(outcome.callbackType).toBe(4);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(outcome.message?.content).toBe("Why ForeignDesk posted this story:");
    const description = String(outcome.message?.embeds[0]?.description ?? "");
    expect(outcome.message?.embeds[0]?.title).toBe(cop.title);
    expect(description).toContain("🌍 Climate — score 0.82 — found: emissions, COP30");
    expect(description).toContain("Countries: 🇧🇷 Brazil");
    expect(description).toContain("also reported by: Daily Two");
    expect(text).not.toContain(APOLOGY_WORDS);

    // In the presser's language.
    const de = await press(alert, "fd1:why", { as: "member", locale: "de" });
    const deText = String(de.outcome.message?.embeds[0]?.description ?? "");
    expect(de.outcome.message?.content).toBe("Warum ForeignDesk diese Meldung gepostet hat:");
    expect(deText).toContain("Klima — Wertung 0,82");
    expect(deText).toContain("Länder: 🇧🇷 Brasilien");
  });

  const energyStory = (n: number) =>
    story(n, {
      title: `Norway approves new offshore wind tender number ${n}`,
      topics: [tag("energy", 0.9, ["offshore wind"])],
      countries: ["NO"],
      publishedAt: minutesAgo(10),
    });
  const climateStory = (n: number) =>
    story(n, {
      title: `Heatwave study number ${n} links records to warming`,
      topics: [tag("climate", 0.9, ["warming"])],
      countries: ["IN"],
      publishedAt: minutesAgo(10),
    });

  it("Mute by a member without Manage Server is refused; nothing changes", async () => {
    const alert = alertFor(h.newsId, cop) as EmulatedMessage;
    const before = structuredClone(h.ctx.subscriptions.forGuild(h.guildId));
    const { outcome } = await press(alert, "fd1:mute:climate", { as: "member" });
    expect(outcome.message?.content).toBe(
      "Only members with the Manage Server permission can mute a topic or switch it back on.",
    );
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(h.ctx.subscriptions.forGuild(h.guildId)).toEqual(before);
  });

  let undoNews: EmulatedMessage | undefined;

  it("Mute by an admin pauses exactly that topic in that channel; its later stories are not posted there", async () => {
    const alert = alertFor(h.newsId, cop) as EmulatedMessage;
    const { outcome } = await press(alert, "fd1:mute:climate");
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(outcome.message?.content).toContain(`Muted 🌍 Climate in <#${h.newsId}>`);
    expect(buttonsOf(outcome.message)).toEqual([["fd1:undo:climate", "Undo"]]);
    undoNews = outcome.message;

    expect(subOf(h.newsId, "climate")).toMatchObject({
      status: "paused",
      statusWhy: { code: "muted", by: ADMIN.id, byName: ADMIN.username },
    });
    expect(subOf(h.newsId, "energy")?.status).toBe("active");
    expect(subOf(h.alertsId, "climate")?.status).toBe("active");
    expect(subOf(asiaId, "china")?.status).toBe("active");

    // /subscriptions says who muted it.
    const listed = await h.run({ name: "subscriptions" });
    expect(textOf(listed.outcome)).toMatch(/paused: muted by editor on <t:\d+:f>/);

    // A climate story goes to #alerts only; a later energy story still reaches #news.
    const muted = climateStory(10);
    const energy = energyStory(11);
    await put([muted, energy]);
    await waitForAlert(h.alertsId, muted);
    await waitForAlert(h.newsId, energy);
    expect(alertFor(h.newsId, muted)).toBeUndefined();
  });

  it("a channel whose subscriptions are all muted moves on instead of holding a queue", async () => {
    const last = alertFor(h.alertsId, climateStory(10)) as EmulatedMessage;
    const { outcome } = await press(last, "fd1:mute:climate");
    expect(outcome.message?.content).toContain(`Muted 🌍 Climate in <#${h.alertsId}>`);
    const undoAlerts = outcome.message as EmulatedMessage;

    // Logged (#news still wants energy), but #alerts' only subscription is muted.
    const whileMuted = story(12, {
      title: "Heatwave strains the power grid",
      topics: [tag("climate", 0.9, ["heatwave"]), tag("energy", 0.8, ["grid"])],
      countries: ["IN"],
      publishedAt: minutesAgo(10),
    });
    await put([whileMuted]);
    await waitForAlert(h.newsId, whileMuted);
    // The sender skips the muted channel's cursor to the end of the log (the old gate held it).
    const next = await pipeline.outbox.log.next();
    await until(async () => ((await pipeline.outbox.state(h.alertsId))?.cursor ?? 0) >= next);
    expect(await pipeline.outbox.backlog(h.alertsId)).toBe(0);

    // Undo: back on, and only what comes after is posted.
    const undone = await press(undoAlerts, "fd1:undo:climate");
    expect(undone.outcome.message?.content).toBe(
      `🌍 Climate is back on in <#${h.alertsId}>: new stories will be posted here again.`,
    );
    expect(subOf(h.alertsId, "climate")?.status).toBe("active");
    const after = climateStory(13);
    await put([after]);
    await waitForAlert(h.alertsId, after);
    expect(alertFor(h.alertsId, whileMuted)).toBeUndefined();
  });

  it("Undo re-activates; stories from while it was muted never arrive; later ones do", async () => {
    const undo = undoNews as EmulatedMessage;
    const member = await press(undo, "fd1:undo:climate", { as: "member" });
    expect(member.outcome.message?.content).toContain("Only members with the Manage Server");
    expect(subOf(h.newsId, "climate")?.status).toBe("paused");

    const { outcome } = await press(undo, "fd1:undo:climate");
    expect(outcome.message?.content).toBe(
      `🌍 Climate is back on in <#${h.newsId}>: new stories will be posted here again.`,
    );
    expect(subOf(h.newsId, "climate")?.status).toBe("active");
    expect(subOf(h.newsId, "climate")?.statusWhy).toBeUndefined();
    // Idempotent.
    const again = await press(undo, "fd1:undo:climate");
    expect(again.outcome.message?.content).toBe(
      `🌍 Climate is already on in <#${h.newsId}>; there is nothing to undo.`,
    );

    const later = climateStory(14);
    await put([later]);
    await waitForAlert(h.newsId, later);
    expect(alertFor(h.newsId, climateStory(10))).toBeUndefined();
  });

  it("Undo after the subscription was removed says so", async () => {
    const alert = alertFor(h.newsId, climateStory(14)) as EmulatedMessage;
    const { outcome } = await press(alert, "fd1:mute:climate");
    await h.ctx.subscriptions.remove(
      h.guildId,
      (s) => s.channelId === h.newsId && s.topic === "climate",
    );
    const undo = await press(outcome.message as EmulatedMessage, "fd1:undo:climate");
    expect(undo.outcome.message?.content).toBe(
      `<#${h.newsId}> has no subscription to 🌍 Climate any more (it was removed), so there is nothing to switch back on. /subscribe adds it again.`,
    );
    expect(subOf(h.newsId, "energy")?.status).toBe("active");
  });

  it("a forum post's first message has the row, and Mute there pauses the forum's subscription", async () => {
    const asylum = story(50, {
      title: "EU ministers agree asylum screening rules",
      topics: [tag("migration", 0.9, ["asylum"])],
      countries: ["BE"],
      publishedAt: minutesAgo(15),
    });
    await put([asylum]);
    const [post] = await h.emu.waitForThreads(forumId, 1, 8000);
    const threadId = (post as { id: string }).id;
    await until(() => h.client.channels.cache.has(threadId));
    const first = h.emu.messages(threadId)[0] as EmulatedMessage;
    expect(buttonsOf(first).map(([id]) => id)).toEqual([
      "fd1:why",
      "fd1:mute:migration",
      "fd1:more",
    ]);
    const { outcome } = await press(first, "fd1:mute:migration");
    expect(outcome.message?.content).toContain(`Muted 🧳`);
    expect(subOf(forumId, "migration")).toMatchObject({
      status: "paused",
      statusWhy: { code: "muted" },
    });
  });

  // "More like this": a fixture with one right order (see src/search/similar.ts).
  const source = story(100, {
    title: "China curbs rare earth exports to the United States",
    summary: "Beijing restricts rare earth magnet exports amid the tariff dispute with Washington.",
    topics: [tag("china", 0.9), tag("trade-sanctions", 0.7)],
    countries: ["CN", "US"],
    cluster: "ev-s",
    publishedAt: minutesAgo(60),
  });
  const related = (n: number, o: Partial<TaggedStory>) =>
    story(n, { publishedAt: minutesAgo(120 + n), summary: "", ...o });
  const A = related(101, {
    title: "Beijing tightens rare earth export curbs on US buyers",
    summary: "New licences restrict rare earth magnets sold to US firms in the tariff dispute.",
    topics: [tag("china", 0.8), tag("trade-sanctions", 0.8)],
    countries: ["CN", "US"],
    cluster: "ev-a",
  });
  const A2 = related(102, {
    title: "Rare earth curbs noted",
    topics: [tag("china", 0.5)],
    countries: ["CN"],
    cluster: "ev-a",
  });
  const B = related(103, {
    title: "Negotiators meet in Geneva on semiconductors",
    summary: "Chip talks resume.",
    topics: [tag("china", 0.6), tag("trade-sanctions", 0.6)],
    countries: ["CN", "US"],
  });
  const C = related(104, {
    title: "Shanghai port volumes hit record",
    summary: "Container throughput rose.",
    topics: [tag("china", 0.6)],
    countries: ["CN"],
  });
  const D = related(105, {
    title: "EU adopts new steel safeguard",
    summary: "Quotas extended.",
    topics: [tag("trade-sanctions", 0.6)],
    countries: [],
  });
  const E = related(106, {
    title: "Activists detained in Hong Kong",
    summary: "Police arrested four.",
    topics: [tag("human-rights", 0.6)],
    countries: ["CN"],
  });
  const unrelated = related(107, {
    title: "Amazon deforestation slows",
    topics: [tag("climate", 0.6)],
    countries: ["BR"],
  });
  const sameEvent = related(108, {
    title: "China curbs rare earth exports to the US",
    summary: "Beijing restricts rare earth magnet exports amid the tariff dispute with Washington.",
    feedName: "Daily Two",
    topics: [tag("china", 0.9), tag("trade-sanctions", 0.7)],
    countries: ["CN", "US"],
    cluster: "ev-s",
  });

  it("More like this lists the 5 most similar stories, best first, without the story's own event", async () => {
    // Stored (and indexed) only: older stories, no alerts of their own.
    const others = [A, A2, B, C, D, E, unrelated, sameEvent];
    await h.ctx.stories.put(others);
    h.ctx.search.add(others);
    await put([source]);
    const alert = await waitForAlert(asiaId, source);
    const { outcome } = await press(alert, "fd1:more", { as: "member" });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(outcome.message?.content).toBe(`The 5 stored stories most like “${source.title}”:`);
    const lines = String(outcome.message?.embeds[0]?.description ?? "").split("\n");
    const urls = lines.map((l) => /\]\((https:[^)]+)\)/.exec(l)?.[1]);
    expect(urls).toEqual([A.url, B.url, C.url, D.url, E.url]);
    // Each a short line: link, outlet, date (a Discord timestamp).
    expect(lines[0]).toMatch(
      /^• \[Beijing tightens rare earth export curbs on US buyers\]\(https:\/\/example\.org\/news\/101\) — Wire, <t:\d+:d>$/,
    );
  });

  it("a forged or unknown custom_id gets a clear ephemeral answer, no exception, no apology", async () => {
    const alert = alertFor(asiaId, source) as EmulatedMessage;
    const errorsBefore = h.logs.filter((l) => l.level >= 50).length;
    const cases: Array<[string, string]> = [
      ["fd9:why", "This button comes from another version of ForeignDesk"],
      ["fd1:mute:not-a-topic", "This button names a topic ForeignDesk does not know"],
      ["fd1:nope", "This button asks for something ForeignDesk does not do"],
      ["garbage", "This button is not one of ForeignDesk's"],
      ["fd1:why:extra", "This button is not one of ForeignDesk's"],
      ["fd1:mute:Climate!", "This button names a topic ForeignDesk does not know"],
    ];
    for (const [customId, expected] of cases) {
      const { outcome, text } = await press(alert, customId, { forge: true });
      expect(outcome.message?.content, customId).toContain(expected);
      expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG, customId).toBe(EPHEMERAL_FLAG);
      expect(text, customId).not.toContain(APOLOGY_WORDS);
    }
    expect(h.logs.filter((l) => l.level >= 50)).toHaveLength(errorsBefore);
    const refused = h.logs.filter((l) => l.msg === "button refused");
    expect(refused.map((l) => l.customId)).toEqual(cases.map(([id]) => id));
    expect(refused.every((l) => l.level === 40 && l.messageId === alert.id)).toBe(true);
  });

  it("the error boundary: storage down gets the storage notice, a bug the apology and a log line", async () => {
    const alert = alertFor(asiaId, source) as EmulatedMessage;
    const stories = h.ctx.stories;
    const original = stories.knownUrls.bind(stories);
    try {
      stories.knownUrls = async () => {
        throw new StorageUnavailableError("getMany", new Error("connection refused"));
      };
      const down = await press(alert, "fd1:why");
      expect(down.outcome.message?.content).toBe(
        "Storage is unavailable right now; try again in a minute.",
      );
      stories.knownUrls = async () => {
        throw new TypeError("boom");
      };
      const bug = await press(alert, "fd1:more");
      expect(bug.outcome.message?.content).toBe(APOLOGY);
      expect((bug.outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    } finally {
      stories.knownUrls = original;
    }
    const failed = h.logs.filter((l) => l.msg === "button failed");
    expect(failed.map((l) => [l.level, l.customId, l.messageId])).toEqual([
      [50, "fd1:why", alert.id],
      [50, "fd1:more", alert.id],
    ]);
    expect(failed[0]?.reason).toBe("storage-unavailable");
  });

  it("a button on an alert whose story has expired says so", async () => {
    const gone = story(200, {
      title: "Taiwan strait patrol reported",
      topics: [tag("china", 0.8)],
      countries: ["TW"],
      publishedAt: minutesAgo(5),
    });
    await put([gone]);
    const alert = await waitForAlert(asiaId, gone);
    // What the retention window's expiry does to a story's keys.
    await h.storage.kv.delete(`story:${gone.id}`);
    await h.storage.kv.delete(`url:${urlKeyFor(gone.url as string)}`);
    for (const id of ["fd1:why", "fd1:more"]) {
      const { outcome } = await press(alert, id);
      expect(outcome.message?.content, id).toBe(
        "This alert's story is no longer stored (ForeignDesk keeps stories for a limited time), so there is nothing more to show.",
      );
    }
  });
});
