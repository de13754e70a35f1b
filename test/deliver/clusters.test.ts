/**
 * One alert per event per channel, through the outbox, the sender and the real discord.js REST
 * client against the Discord emulator: later reports of an event edit the first one's message,
 * within the edit window, once, across crashes; a deleted alert is not posted again.
 */
import { type RESTPostAPIChannelMessageJSONBody, Routes } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { type ChannelPoster, PostError } from "../../src/deliver/poster.js";
import type { TaggedStory } from "../../src/enrich/types.js";
import type { JsonObject } from "../discord-emulator/index.js";
import { type World as BaseWorld, deliveryWorld, sleep, until } from "./emulator-world.js";
import { deliveryPipeline, FEED, story } from "./fixtures.js";

const HOUR = 3_600_000;

type World = BaseWorld & { news: string };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function world(): Promise<World> {
  const w = await deliveryWorld(cleanups);
  return { ...w, news: w.guild.channelId("news") };
}

function pipeline(w: World, poster: ChannelPoster = w.poster) {
  const parts = deliveryPipeline(w, { poster });
  cleanups.push(() => parts.sender.stop());
  parts.sender.start();
  return parts;
}

const OUTLETS = ["Reuters", "AP", "Le Monde", "Tagesschau", "BBC"];

/** Report `n` of event `cluster` (its first report's id), from outlet `outlet`. */
function report(n: number, cluster: string, outlet: string): TaggedStory {
  return story(n, {
    feedId: `feed-${outlet}`,
    feedName: outlet,
    title: `${outlet}: G7 agrees $50bn Ukraine loan (${n})`,
    url: `https://${outlet.toLowerCase().replace(/ /g, "")}.example/g7-${n}`,
    cluster,
  });
}

const feedOf = (outlet: string) => ({ ...FEED, id: `feed-${outlet}`, name: outlet });

function alsoField(embed: JsonObject | undefined): string | undefined {
  const fields = (embed?.fields ?? []) as Array<{ name: string; value: string }>;
  return fields.find((f) => f.name === "Also reported by")?.value;
}

const patches = (w: World) =>
  w.emu.requests.filter((r) => r.method === "PATCH" && r.path.includes(w.news));

async function settled(w: World, parts: ReturnType<typeof pipeline>): Promise<void> {
  await until(async () => parts.sender.idle && (await parts.outbox.backlog(w.news)) === 0);
  await sleep(200);
}

describe("one alert per event per channel", () => {
  it("later reports edit the first alert to list their outlets, linked, and post nothing", async () => {
    const w = await world();
    const parts = pipeline(w);
    const head = report(1, "s0001", "Reuters");
    await parts.sink.accept([head], feedOf("Reuters"));
    await until(() => w.emu.messages(w.news).length === 1);
    for (const [i, outlet] of OUTLETS.slice(1).entries()) {
      await parts.sink.accept([report(i + 2, "s0001", outlet)], feedOf(outlet));
      await settled(w, parts);
    }
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    const embed = messages[0]?.embeds[0];
    expect(embed?.title).toBe(head.title);
    const also = alsoField(embed) ?? "";
    for (const outlet of OUTLETS.slice(1)) expect(also).toContain(`[${outlet}](https://`);
    expect(also).not.toContain("Reuters");
    expect(messages[0]?.edited_timestamp).not.toBeNull();
    expect(patches(w).length).toBe(4);
    // The edit keeps alerts from pinging.
    expect(messages[0]?.allowed_mentions).toEqual({ parse: [] });
    const [climate] = w.subs.forGuild(w.guild.id);
    expect(climate?.alertsSent).toBe(1);
  });

  it("reports arriving together become one alert that lists the others, without an edit", async () => {
    const w = await world();
    const parts = pipeline(w);
    await parts.sink.accept(
      OUTLETS.map((o, i) => report(i + 1, "s0001", o)),
      FEED,
    );
    await settled(w, parts);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds).toHaveLength(1);
    expect(alsoField(messages[0]?.embeds[0])).toMatch(/AP.*Le Monde.*Tagesschau.*BBC/);
    expect(patches(w)).toHaveLength(0);
  });

  it("two events give two alerts; a report of each edits its own", async () => {
    const w = await world();
    const parts = pipeline(w);
    const other = story(2, {
      feedId: "feed-AP",
      feedName: "AP",
      title: "Drone strike on Odesa port",
    });
    await parts.sink.accept([report(1, "s0001", "Reuters"), { ...other, cluster: "s0002" }], FEED);
    await settled(w, parts);
    expect(w.emu.messages(w.news).flatMap((m) => m.embeds)).toHaveLength(2);
    await parts.sink.accept(
      [report(3, "s0002", "BBC"), report(4, "s0001", "Le Monde")],
      feedOf("BBC"),
    );
    await settled(w, parts);
    const embeds = w.emu.messages(w.news).flatMap((m) => m.embeds);
    expect(embeds).toHaveLength(2);
    const byTitle = new Map(embeds.map((e) => [e.title, alsoField(e)]));
    expect(byTitle.get(other.title)).toContain("[BBC]");
    expect(byTitle.get(other.title)).not.toContain("Le Monde");
    expect(byTitle.get(report(1, "s0001", "Reuters").title)).toContain("[Le Monde]");
  });

  it("after the edit window a later report posts nothing and edits nothing", async () => {
    const w = await world();
    const parts = pipeline(w);
    await parts.sink.accept([report(1, "s0001", "Reuters")], FEED);
    await settled(w, parts);
    w.clock.offset = 12 * HOUR + 60_000;
    await parts.sink.accept([report(2, "s0001", "AP")], feedOf("AP"));
    await settled(w, parts);
    expect(w.emu.messages(w.news)).toHaveLength(1);
    expect(patches(w)).toHaveLength(0);
    expect(alsoField(w.emu.messages(w.news)[0]?.embeds[0])).toBeUndefined();
  });

  it("a deleted alert is not posted again, and its later reports are dropped quietly", async () => {
    const w = await world();
    const parts = pipeline(w);
    await parts.sink.accept([report(1, "s0001", "Reuters")], FEED);
    await settled(w, parts);
    const [message] = w.emu.messages(w.news);
    await w.rest.delete(Routes.channelMessage(w.news, message?.id ?? ""));
    await parts.sink.accept([report(2, "s0001", "AP")], feedOf("AP"));
    await settled(w, parts);
    await parts.sink.accept([report(3, "s0001", "BBC")], feedOf("BBC"));
    await settled(w, parts);
    expect(w.emu.messages(w.news)).toHaveLength(0);
    // One edit learnt that the message is gone; the next report did not try again.
    expect(patches(w)).toHaveLength(1);
    expect(w.subs.forGuild(w.guild.id)[0]?.status).toBe("active");
    expect((await parts.outbox.state(w.news))?.flight).toBeUndefined();
  });

  it("an edit interrupted by a crash is made once by the next process, listing each outlet once", async () => {
    const w = await world();
    let edits = 0;
    // Edits, then "dies": the process never learns the edit worked.
    const dying: ChannelPoster = {
      post: (channelId, body: RESTPostAPIChannelMessageJSONBody, signal) =>
        w.poster.post(channelId, body, signal),
      async edit(channelId, messageId, body, signal) {
        await w.poster.edit(channelId, messageId, body, signal);
        edits++;
        throw new Error("process killed");
      },
    };
    const first = deliveryPipeline(w, {
      poster: dying,
      sender: { backoffBaseMs: 60_000, backoffMaxMs: 60_000 },
    });
    first.sender.start();
    await first.sink.accept([report(1, "s0001", "Reuters")], FEED);
    await until(() => w.emu.messages(w.news).length === 1);
    await first.sink.accept([report(2, "s0001", "AP")], feedOf("AP"));
    await until(() => edits === 1);
    await first.sender.stop();
    expect((await first.outbox.state(w.news))?.flight?.kind).toBe("edit");

    const second = pipeline(w);
    await settled(w, second);
    await second.sink.accept([report(3, "s0001", "BBC")], feedOf("BBC"));
    await settled(w, second);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(1);
    const also = alsoField(messages[0]?.embeds[0]) ?? "";
    expect(also.match(/\[AP\]/g)).toHaveLength(1);
    expect(also).toContain("[BBC]");
  });

  it("an edit Discord refuses is dropped, not retried forever, and later alerts still go out", async () => {
    const w = await world();
    let refused = 0;
    const refusing: ChannelPoster = {
      post: (channelId, body: RESTPostAPIChannelMessageJSONBody, signal) =>
        w.poster.post(channelId, body, signal),
      async edit() {
        refused++;
        throw new PostError("rejected", "Invalid Form Body", { status: 400, code: 50035 });
      },
    };
    const parts = pipeline(w, refusing);
    await parts.sink.accept([report(1, "s0001", "Reuters")], FEED);
    await settled(w, parts);
    await parts.sink.accept(
      [report(2, "s0001", "AP"), report(3, "s0001", "BBC"), report(4, "s0001", "Le Monde")],
      feedOf("AP"),
    );
    await settled(w, parts);
    expect(refused).toBe(1);
    await parts.sink.accept([story(9, { title: "Another event", cluster: "s0009" })], FEED);
    await settled(w, parts);
    expect(w.emu.messages(w.news).flatMap((m) => m.embeds.map((e) => e.title))).toEqual([
      report(1, "s0001", "Reuters").title,
      "Another event",
    ]);
  });

  it("keeps an edited message within Discord's limits when many outlets report", async () => {
    const w = await world();
    const parts = pipeline(w);
    const long = "x".repeat(900);
    const heads = Array.from({ length: 6 }, (_, i) =>
      story(i + 1, { summary: `Summary ${i + 1} ${long}`, cluster: `s000${i + 1}` }),
    );
    await parts.sink.accept(heads, FEED);
    await settled(w, parts);
    const before = w.emu.messages(w.news).length;
    const later = Array.from({ length: 30 }, (_, i) =>
      story(100 + i, {
        feedId: `feed-${i}`,
        feedName: `Outlet number ${i} with a long name`,
        url: `https://outlet-${i}.example/a/rather/long/path/to/the/story/${i}`,
        cluster: "s0001",
      }),
    );
    await parts.sink.accept(later, FEED);
    await settled(w, parts);
    const messages = w.emu.messages(w.news);
    expect(messages).toHaveLength(before);
    const first = messages[0];
    expect(alsoField(first?.embeds[0])).toMatch(/and \d+ more$/);
    // The emulator refuses an edit over the limits; the outlets made it in.
    expect(patches(w).every((p) => p.status === 200)).toBe(true);
  });
});
