/**
 * Scheduled digests through the Discord emulator and the real discord.js client: /digest
 * schedule saves one, its slot (fired by the test's cron at the test's clock) posts exactly one
 * digest message in the channel, a restart over the same storage does not post it again, a slot
 * missed by more than an hour is skipped with a log line, and set-up needs Manage Server.
 */
import { PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordJsPoster } from "../../src/deliver/poster.js";
import { MAX_SCHEDULES_PER_GUILD, ScheduleStore } from "../../src/digest/schedule-store.js";
import { DigestScheduler } from "../../src/digest/scheduler.js";
import { formatTime } from "../../src/digest/slots.js";
import { serverLanguage } from "../../src/discord/alert-language.js";
import { MANAGE_GUILD_REFUSAL } from "../../src/discord/permissions.js";
import type { CommandOptionInput } from "../discord-emulator/index.js";
import { type BotHarness, EPHEMERAL_FLAG, startBotHarness } from "../helpers/bot-harness.js";
import { FakeCron, TestClock } from "../helpers/fake-cron.js";

const MIN = 60_000;
const HOUR = 3600_000;

const STORIES = [
  {
    title: "Beijing rejects UN criticism over Xinjiang detention camps",
    text: "China's foreign ministry rejected a UN human rights report on the detention of Uyghurs in Xinjiang, calling it interference in China's internal affairs. Beijing said the camps were vocational centres.",
    feedName: "Asia Desk",
    url: "https://asia.example/xinjiang",
    minutesAgo: 40,
  },
  {
    title: "Climate talks at COP30 end with deal on emissions",
    text: "Negotiators at the COP30 climate summit agreed to cut greenhouse gas emissions faster, with new finance for adaptation in poor countries under the Paris Agreement.",
    feedName: "Planet Desk",
    url: "https://planet.example/cop30-deal",
    minutesAgo: 30,
  },
];

/** "HH:MM" in UTC of an instant. */
function utcTime(ms: number): string {
  const d = new Date(ms);
  return formatTime(d.getUTCHours(), d.getUTCMinutes());
}

const str = (name: string, value: string): CommandOptionInput => ({ name, type: 3, value });
const chan = (value: string): CommandOptionInput => ({ name: "channel", type: 7, value });

describe("/digest schedule through the emulator", () => {
  let h: BotHarness;
  const clock = new TestClock(Date.now());

  beforeAll(async () => {
    h = await startBotHarness({ digestNow: clock.now });
    await h.seed(STORIES);
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A second bot over the same storage and Discord: a restart, with the clock where it is. */
  async function restart(): Promise<{ scheduler: DigestScheduler; cron: FakeCron }> {
    await h.ctx.digests.stop();
    const cron = new FakeCron();
    const scheduler = new DigestScheduler({
      store: new ScheduleStore(h.storage.kv, h.ctx.log),
      stories: h.ctx.stories,
      taxonomy: h.ctx.taxonomy,
      poster: new DiscordJsPoster(h.client.rest, { client: h.client }),
      language: serverLanguage(h.client, h.ctx.i18n),
      cron,
      now: clock.now,
      log: h.ctx.log,
    });
    await scheduler.start();
    await scheduler.idle();
    h.ctx.digests = scheduler;
    return { scheduler, cron };
  }

  it("refuses set-up to a member without Manage Server, and saves nothing", async () => {
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "schedule",
      as: "member",
      options: [chan(h.alertsId), str("at", "08:30")],
    });
    expect(outcome.message?.content).toBe(MANAGE_GUILD_REFUSAL);
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(h.ctx.digests.list(h.guildId)).toEqual([]);
  });

  it("refuses a malformed time and an unknown zone in the user's language", async () => {
    const badTime = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(h.alertsId), str("at", "8h30")],
    });
    expect(badTime.outcome.message?.content).toBe(
      "“8h30” is not a time: give it as HH:MM on a 24-hour clock, e.g. 08:30 or 17:05.",
    );
    const german = await h.run({
      name: "digest",
      subcommand: "schedule",
      locale: "de",
      options: [chan(h.alertsId), str("at", "25:00")],
    });
    expect(german.outcome.message?.content).toMatch(/^„25:00“ ist keine Uhrzeit/);
    const zone = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(h.alertsId), str("at", "08:30"), str("timezone", "Europe/Atlantis")],
    });
    expect(zone.outcome.message?.content).toMatch(/^“Europe\/Atlantis” is not a time zone/);
    const dayWithoutWeek = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(h.alertsId), str("at", "08:30"), str("on", "fri")],
    });
    expect(dayWithoutWeek.outcome.message?.content).toMatch(/^A day applies only to a weekly/);
    expect(h.ctx.digests.list(h.guildId)).toEqual([]);
  });

  it("autocompletes time zones from what was typed", async () => {
    const choices = await h.autocomplete({
      name: "digest",
      subcommand: "schedule",
      options: [
        chan(h.alertsId),
        str("at", "08:30"),
        { name: "timezone", type: 3, value: "berl", focused: true },
      ],
    });
    expect(choices).toEqual([{ name: "Europe/Berlin", value: "Europe/Berlin" }]);
  });

  it("refuses a channel the bot cannot post embeds in, naming the permission", async () => {
    const locked = h.emu.addChannel(h.guildId, { name: "locked" }).id;
    const updated = new Promise<void>((resolve) => h.client.once("channelUpdate", () => resolve()));
    h.emu.setBotPermissions(
      locked,
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages,
    );
    await updated;
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(locked), str("at", "08:30")],
    });
    expect(outcome.message?.content).toContain("missing the Embed Links permission");
    expect(h.ctx.digests.list(h.guildId)).toEqual([]);
  });

  it("a schedule for the coming minute posts one digest; a restart right after posts no second", async () => {
    clock.ms = Date.now();
    const slot = (Math.floor(clock.ms / MIN) + 1) * MIN;
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(h.alertsId), str("at", utcTime(slot))],
    });
    expect((outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    const [saved] = h.ctx.digests.list(h.guildId);
    if (!saved) throw new Error(`not saved: ${outcome.message?.content}`);
    expect(outcome.message?.content).toBe(
      `Scheduled digest \`${saved.id}\`: all topics in <#${h.alertsId}>, ${utcTime(slot)} UTC, every day. The first one comes <t:${slot / 1000}:R>.`,
    );
    expect(h.cron.live.map((t) => [t.expression, t.timezone])).toEqual([
      [`${new Date(slot).getUTCMinutes()} ${new Date(slot).getUTCHours()} * * *`, "UTC"],
    ]);

    clock.ms = slot + 1_500;
    expect(h.cron.fireAll()).toBe(1);
    await h.ctx.digests.idle();
    const posted = h.emu.messages(h.alertsId);
    expect(posted).toHaveLength(1);
    const [message] = posted;
    const lines = String(message?.content).split("\n");
    expect(lines[0]).toMatch(/^\*\*By topic:\*\* .*(China|Human rights|Climate).* 1/);
    expect(lines[0]).toContain("China 1");
    expect(lines[0]).toContain("Climate 1");
    expect(lines[1]).toContain("2 stories from 2 reports by 2 outlets");
    const titles = (message?.embeds ?? []).map((e) => (e as { title?: string }).title);
    expect(titles.sort()).toEqual(STORIES.map((s) => s.title).sort());

    clock.ms = slot + 5 * MIN;
    const again = await restart();
    again.cron.fireAll();
    await again.scheduler.idle();
    expect(h.emu.messages(h.alertsId)).toHaveLength(1);

    const list = await h.run({ name: "digest", subcommand: "schedules", as: "member" });
    expect((list.outcome.message?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    expect(list.outcome.message?.content).toContain(
      `\`${saved.id}\` · <#${h.alertsId}> · all topics · ${utcTime(slot)} UTC, every day · next <t:${(slot + 24 * HOUR) / 1000}:R>`,
    );
  });

  it("a slot missed by more than an hour is skipped with a log line, not posted", async () => {
    // A story from before the slot: had the slot not been skipped, it would have been posted.
    await h.seed([
      {
        title: "Glaciers in the Alps lost a record share of their ice",
        text: "Swiss and Austrian glaciers lost a record share of their ice this summer, climate scientists said, blaming heatwaves driven by global warming and greenhouse gas emissions.",
        feedName: "Planet Desk",
        url: "https://planet.example/glaciers",
        minutesAgo: 150,
      },
    ]);
    const real = Date.now();
    const slot = Math.floor((real - 2 * HOUR) / MIN) * MIN;
    clock.ms = real - 3 * HOUR;
    const { outcome } = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(h.newsId), str("at", utcTime(slot)), str("topic", "climate")],
    });
    expect(outcome.message?.content).toMatch(/^Scheduled digest/);
    const late = h.ctx.digests.list(h.guildId).find((s) => s.channelId === h.newsId);
    if (!late) throw new Error("not saved");
    // The bot was down at the slot; it comes back two hours later.
    clock.ms = real;
    h.logs.length = 0;
    const before = h.emu.messages(h.newsId).length;
    await restart();
    expect(h.emu.messages(h.newsId)).toHaveLength(before);
    expect(h.logs.filter((l) => l.scheduleId === late.id && l.slot === slot)).toEqual([
      expect.objectContaining({ guildId: h.guildId, level: 40 }),
    ]);
  });

  it("unschedules by id, and refuses the schedule past the per-server limit", async () => {
    const before = h.ctx.digests.list(h.guildId);
    for (let i = before.length; i < MAX_SCHEDULES_PER_GUILD; i++) {
      await h.ctx.digests.add({
        guildId: h.guildId,
        channelId: h.alertsId,
        hour: 6,
        minute: i,
        timezone: "UTC",
        every: "day",
        createdBy: "x",
      });
    }
    const refused = await h.run({
      name: "digest",
      subcommand: "schedule",
      options: [chan(h.alertsId), str("at", "07:00")],
    });
    expect(refused.outcome.message?.content).toBe(
      "This server already has 10 scheduled digests, the most it may have. Remove one with /digest unschedule first.",
    );
    const target = before[0];
    if (!target) throw new Error("no schedule");
    const choices = await h.autocomplete({
      name: "digest",
      subcommand: "unschedule",
      options: [{ name: "id", type: 3, value: target.id.slice(0, 4), focused: true }],
    });
    expect(choices.map((c) => c.value)).toContain(target.id);
    const removed = await h.run({
      name: "digest",
      subcommand: "unschedule",
      options: [str("id", target.id)],
    });
    expect(removed.outcome.message?.content).toMatch(
      new RegExp(`^Removed the scheduled digest \`${target.id}\``),
    );
    expect(h.ctx.digests.list(h.guildId).map((s) => s.id)).not.toContain(target.id);
    const unknown = await h.run({
      name: "digest",
      subcommand: "unschedule",
      options: [str("id", "nope")],
    });
    expect(unknown.outcome.message?.content).toBe(
      "This server has no scheduled digest `nope`. /digest schedules lists them.",
    );
  });
});
