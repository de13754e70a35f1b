/**
 * One event, one alert, through the whole bot: five outlets' feeds on loopback, the bot as a
 * process (`npm start`'s entry) with the real classifier and clustering model, and the Discord
 * emulator. The first report is alerted; the bot is then killed (SIGKILL) and restarted, and the
 * four later reports, worded differently, edit that one message instead of posting. Two other
 * events of the same topic and day give two more messages.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordEmulator, type EmulatedMessage } from "../discord-emulator/index.js";
import {
  BotProcess,
  COMMAND_COUNT,
  fastPollingEnv,
  TEST_TOKEN,
  until,
} from "../helpers/bot-process.js";
import { FeedServer, serve } from "../helpers/feed-server.js";

const ADMIN = "500000000000000001";
const dir = mkdtempSync(join(tmpdir(), "fd-clusters-"));

interface Item {
  id: string;
  title: string;
  text: string;
  minutesAgo: number;
}

const OUTLETS = ["Wire One", "Daily Two", "Courier Three", "Herald Four", "Post Five"] as const;

/** The G7 loan in five wordings, as five outlets wrote it. */
const SUMMIT: Array<[string, string]> = [
  [
    "G7 leaders agree $50 billion loan for Ukraine backed by frozen Russian assets",
    "Leaders of the Group of Seven agreed in Apulia on a $50 billion loan for Ukraine, to be repaid from the profits of frozen Russian assets.",
  ],
  [
    "G7 backs $50bn Ukraine loan from frozen Russian assets",
    "The Group of Seven nations meeting in Apulia, Italy, backed a $50 billion loan to Ukraine using interest on frozen Russian assets.",
  ],
  [
    "Ukraine to get $50 billion G7 loan from frozen Russian assets' profits",
    "G7 leaders at their summit in Apulia said Ukraine would receive a $50 billion loan, financed by profits on immobilised Russian assets.",
  ],
  [
    "Frozen Russian assets: G7 approves $50 billion for Ukraine",
    "Meeting in Apulia, the G7 approved a loan of $50 billion for Kyiv, to be repaid with the profits of frozen Russian central bank assets.",
  ],
  [
    "Kyiv wins $50bn G7 loan tied to Russia's frozen assets",
    "Ukraine secured a $50 billion loan from the G7 at the Apulia summit, to be serviced by windfall profits from frozen Russian assets.",
  ],
];

function rss(outlet: string, items: Item[]): string {
  const slug = outlet.toLowerCase().replace(/ /g, "-");
  const body = items
    .map(
      (it) => `<item><title>${it.title}</title><link>https://${slug}.example/${it.id}</link>
<guid>urn:${slug}:${it.id}</guid><pubDate>${new Date(Date.now() - it.minutesAgo * 60_000).toUTCString()}</pubDate>
<description>${it.text}</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${outlet}</title><link>https://${slug}.example/</link>${body}</channel></rss>`;
}

const alsoField = (m: EmulatedMessage | undefined, embed = 0): string => {
  const fields = (m?.embeds[embed]?.fields ?? []) as Array<{ name: string; value: string }>;
  return fields.find((f) => f.name === "Also reported by")?.value ?? "";
};

describe("one event, one alert: the bot against the emulator", () => {
  let emu: DiscordEmulator;
  let feeds: FeedServer;
  let bot: BotProcess;
  let guildId = "";
  let desk = "";
  const published = new Map<string, Item[]>(OUTLETS.map((o) => [o, []]));

  const publish = (outlet: (typeof OUTLETS)[number], item: Item) => {
    const items = [...(published.get(outlet) ?? []), item];
    published.set(outlet, items);
    feeds.route(`/${OUTLETS.indexOf(outlet)}.xml`, serve(rss(outlet, items)));
  };

  beforeAll(async () => {
    emu = await DiscordEmulator.start({ token: TEST_TOKEN });
    const guild = emu.addGuild({ name: "Desk", channels: [{ name: "desk" }] });
    guildId = guild.id;
    desk = guild.channelId("desk");
    emu.addMember(
      guildId,
      { id: ADMIN, username: "editor" },
      PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages,
    );
    feeds = await FeedServer.start();
    OUTLETS.forEach((o, i) => {
      feeds.route(`/${i}.xml`, serve(rss(o, [])));
    });
    const feedsFile = join(dir, "feeds.json");
    writeFileSync(
      feedsFile,
      JSON.stringify(
        OUTLETS.map((name, i) => ({ name, url: feeds.url(`/${i}.xml`), language: "en" })),
      ),
    );
    bot = new BotProcess(fastPollingEnv(emu.apiUrl, feedsFile, join(dir, "bot.sqlite")));
    bot.start();
    await until("commands", () => emu.commands().length === COMMAND_COUNT, 30_000, bot);
    await until(
      "every feed's first poll",
      () => OUTLETS.every((_, i) => feeds.requestsTo(`/${i}.xml`).length > 0),
      15_000,
      bot,
    );
    const answer = await emu
      .sendSlashCommand({
        guildId,
        channelId: desk,
        userId: ADMIN,
        name: "subscribe",
        options: [
          { name: "topic", type: 3, value: "russia-ukraine" },
          { name: "channel", type: 7, value: desk },
        ],
      })
      .then((r) => r.waitForResponse(15_000));
    expect(JSON.stringify(answer.message)).toMatch(/Russia/);
  }, 90_000);

  afterAll(async () => {
    await bot?.kill("SIGKILL");
    await feeds?.close();
    await emu?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("five outlets' reports of one event give one message, edited to list the other four, across a kill -9", async () => {
    const [title, text] = SUMMIT[0] as [string, string];
    publish("Wire One", { id: "g7", title, text, minutesAgo: 50 });
    await until("the first alert", () => emu.messages(desk).length === 1, 20_000, bot);
    // Killed outright and started again: the clusters come back from storage.
    await bot.kill("SIGKILL");
    bot.start();
    await until("the restart", () => bot.ready, 30_000, bot);
    OUTLETS.slice(1).forEach((outlet, i) => {
      const [t, x] = SUMMIT[i + 1] as [string, string];
      publish(outlet, { id: `g7-${i}`, title: t, text: x, minutesAgo: 40 - i });
    });
    await until(
      "the alert to list four more outlets",
      () => OUTLETS.slice(1).every((o) => alsoField(emu.messages(desk)[0]).includes(`[${o}]`)),
      30_000,
      bot,
    );
    await new Promise((r) => setTimeout(r, 2500)); // anything extra would arrive by now
    const messages = emu.messages(desk);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.embeds).toHaveLength(1);
    expect(messages[0]?.embeds[0]?.title).toBe(title);
    expect(messages[0]?.edited_timestamp).not.toBeNull();
    expect(alsoField(messages[0])).not.toContain("Wire One");
  }, 90_000);

  it("two different events of the same topic and day give two messages", async () => {
    const before = emu.messages(desk).length;
    publish("Wire One", {
      id: "kharkiv",
      title: "Russian drone strike on Kharkiv apartment block kills 7",
      text: "A Russian drone hit a nine-storey apartment block in Kharkiv overnight, killing seven people, the regional governor said.",
      minutesAgo: 20,
    });
    publish("Daily Two", {
      id: "saratov",
      title: "Ukraine says it hit Russian oil refinery in Saratov",
      text: "Ukrainian drones struck an oil refinery in the Russian city of Saratov, setting it on fire, Ukraine's general staff said.",
      minutesAgo: 10,
    });
    await until(
      "two more alerts",
      () => emu.messages(desk).flatMap((m) => m.embeds).length >= before + 2,
      30_000,
      bot,
    );
    await new Promise((r) => setTimeout(r, 2500));
    const titles = emu
      .messages(desk)
      .flatMap((m) => m.embeds)
      .map((e) => e.title);
    expect(titles).toHaveLength(before + 2);
    expect(titles).toContain("Russian drone strike on Kharkiv apartment block kills 7");
    expect(titles).toContain("Ukraine says it hit Russian oil refinery in Saratov");
    const kharkiv = emu
      .messages(desk)
      .find((m) => m.embeds.some((e) => String(e.title).includes("Kharkiv")));
    expect(alsoField(kharkiv)).toBe("");
  }, 60_000);
});
