import {
  type AutocompleteInteraction,
  ChannelType,
  type ChatInputCommandInteraction,
  type Guild,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import { buildDigest } from "../src/digest/digest.js";
import { digestMessage } from "../src/digest/format.js";
import { MAX_SCHEDULES_PER_GUILD, ScheduleLimitError } from "../src/digest/schedule-store.js";
import { cadenceText, scheduleLine, scopeText, whenText } from "../src/digest/schedule-text.js";
import {
  CADENCES,
  canonicalZone,
  formatTime,
  matchZones,
  parseTime,
  WEEKDAYS,
  type Weekday,
} from "../src/digest/slots.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  channelMention,
  EPHEMERAL,
  NO_MENTIONS,
  relativeTime,
  requireTopic,
  safeText,
} from "../src/discord/format.js";
import { answerInTime, answersPrivately } from "../src/discord/interactions.js";
import {
  checkMessageChannel,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import { autocompleteTopic } from "../src/discord/topic-autocomplete.js";
import type { Translator } from "../src/i18n/messages.js";
import { truncateText } from "../src/text/truncate.js";

/** Reports read per digest: enough for a busy day on every topic, bounded for the 3 s budget. */
const MAX_REPORTS = 500;

/** Scheduled digests are messages in a channel: forums and threads are not offered. */
const DIGEST_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** The `on` choices in English; the catalogue has them in German and French. */
const DAY_NAMES: Record<Weekday, string> = {
  sun: "Sunday",
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
};

async function now(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const typed = interaction.options.getString("topic");
  const topic = typed ? requireTopic(ctx.taxonomy, typed, tr) : undefined;
  const hours = interaction.options.getInteger("hours") ?? 24;
  await answerInTime(interaction, answersPrivately(interaction), async () => {
    const since = ctx.now() - hours * 3600_000;
    const stories = await ctx.stories.latest({ topic: topic?.id, since, limit: MAX_REPORTS });
    const groups = buildDigest(stories, { topic: topic?.id });
    const message = digestMessage(groups, ctx.taxonomy, { topic: topic?.id, hours, tr });
    return { ...message, private: groups.length === 0 };
  });
}

function oneOf<T extends string>(values: readonly T[], raw: string | null): T | undefined {
  return values.find((v) => v === raw);
}

/** The options of /digest schedule that need checking beyond Discord's own, as a schedule's fields. */
function readWhen(interaction: ChatInputCommandInteraction) {
  const at = interaction.options.getString("at", true);
  const time = parseTime(at);
  if (!time) {
    throw UserError.of("digestSchedule.badTime", { value: safeText(at, 40, { singleLine: true }) });
  }
  const zoneTyped = interaction.options.getString("timezone") ?? "UTC";
  const timezone = canonicalZone(zoneTyped);
  if (!timezone) {
    throw UserError.of("digestSchedule.badZone", {
      value: safeText(zoneTyped, 64, { singleLine: true }),
    });
  }
  // Discord offers only the choices; anything else (an old client, a hand-made request) is the default.
  const every = oneOf(CADENCES, interaction.options.getString("every")) ?? "day";
  const on = oneOf(WEEKDAYS, interaction.options.getString("on"));
  if (on && every !== "week") throw UserError.of("digestSchedule.onNeedsWeek");
  return { ...time, timezone, every, ...(every === "week" ? { on: on ?? "mon" } : {}) };
}

/** The channel a schedule would post in, or a UserError saying why it cannot. */
async function checkChannel(guild: Guild, channelId: string, tr: Translator) {
  await checkMessageChannel(
    guild,
    channelId,
    DIGEST_CHANNEL_TYPES,
    "digestSchedule.badChannel",
    tr,
  );
}

async function schedule(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const when = readWhen(interaction);
  const typed = interaction.options.getString("topic");
  const topic = typed ? requireTopic(ctx.taxonomy, typed, tr) : undefined;
  const channelId = interaction.options.getChannel("channel", true).id;
  await checkChannel(guild, channelId, tr);
  let saved: Awaited<ReturnType<BotContext["digests"]["add"]>>;
  try {
    saved = await ctx.digests.add({
      guildId: guild.id,
      channelId,
      ...(topic ? { topic: topic.id } : {}),
      ...when,
      createdBy: interaction.user.id,
    });
  } catch (error) {
    if (error instanceof ScheduleLimitError) {
      throw UserError.of("digestSchedule.limit", { max: MAX_SCHEDULES_PER_GUILD });
    }
    throw error;
  }
  ctx.log.info(
    { guildId: guild.id, scheduleId: saved.id, channelId, userId: interaction.user.id },
    "digest scheduled",
  );
  await interaction.reply({
    content: tr.t("digestSchedule.saved", {
      id: saved.id,
      scope: scopeText(saved, ctx.taxonomy, tr),
      channel: channelMention(channelId),
      when: whenText(saved, tr),
      next: relativeTime(ctx.digests.nextRun(saved)),
    }),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

async function unschedule(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const id = interaction.options.getString("id", true).trim().toLowerCase();
  const removed = await ctx.digests.remove(guild.id, id);
  if (!removed) {
    throw UserError.of("digestSchedule.noSuch", { id: safeText(id, 20, { singleLine: true }) });
  }
  ctx.log.info(
    { guildId: guild.id, scheduleId: id, userId: interaction.user.id },
    "digest unscheduled",
  );
  await interaction.reply({
    content: tr.t("digestSchedule.removed", {
      id,
      channel: channelMention(removed.channelId),
      when: whenText(removed, tr),
    }),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

async function list(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  const schedules = ctx.digests.list(guild.id);
  const content =
    schedules.length === 0
      ? tr.t("digestSchedule.none")
      : [
          tr.t("digestSchedule.list", { count: schedules.length, max: MAX_SCHEDULES_PER_GUILD }),
          ...schedules.map((s) => scheduleLine(s, ctx.taxonomy, tr, ctx.digests.nextRun(s))),
        ].join("\n");
  await interaction.reply({ content, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext) {
  const focused = interaction.options.getFocused(true);
  if (focused.name === "timezone") {
    await interaction.respond(matchZones(focused.value).map((z) => ({ name: z, value: z })));
    return;
  }
  if (focused.name === "id") {
    const tr = ctx.i18n.for(interaction.locale);
    const typed = focused.value.trim().toLowerCase();
    const schedules = interaction.guildId ? ctx.digests.list(interaction.guildId) : [];
    const choices = schedules
      .map((s) => {
        const channel = interaction.guild?.channels.cache.get(s.channelId)?.name ?? s.channelId;
        const label = `${s.id} · #${channel} · ${scopeText(s, ctx.taxonomy, tr)} · ${formatTime(s.hour, s.minute)} ${s.timezone} · ${cadenceText(s, tr)}`;
        return { name: truncateText(label, 100), value: s.id };
      })
      .filter((c) => !typed || c.name.toLowerCase().includes(typed))
      .slice(0, 25);
    await interaction.respond(choices);
    return;
  }
  await autocompleteTopic(interaction, ctx);
}

const command: SlashCommand = {
  cooldownMs: 10_000,
  cooldownSubcommands: ["now"],
  data: new SlashCommandBuilder()
    .setName("digest")
    .setDescription("The period's top stories, now or on a schedule")
    .setContexts(InteractionContextType.Guild)
    .addSubcommand((s) =>
      s
        .setName("now")
        .setDescription("The period's top stories, duplicates from several outlets merged")
        .addStringOption((o) =>
          o
            .setName("topic")
            .setDescription("Only this topic (default: all)")
            .setAutocomplete(true)
            .setMaxLength(100),
        )
        .addIntegerOption((o) =>
          o
            .setName("hours")
            .setDescription("How far back (1–168 hours, default 24)")
            .setMinValue(1)
            .setMaxValue(168),
        )
        .addBooleanOption((o) =>
          o
            .setName("public")
            .setDescription("Post the answer for the whole channel (default: only you)"),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("schedule")
        .setDescription("Post a digest in a channel every day, weekday or week")
        .addChannelOption((o) =>
          o
            .setName("channel")
            .setDescription("Where the digest goes")
            .setRequired(true)
            .addChannelTypes(...DIGEST_CHANNEL_TYPES),
        )
        .addStringOption((o) =>
          o
            .setName("at")
            .setDescription("The time, HH:MM on a 24-hour clock (e.g. 08:30)")
            .setRequired(true)
            .setMinLength(3)
            .setMaxLength(5),
        )
        .addStringOption((o) =>
          o
            .setName("topic")
            .setDescription("Only this topic (default: all)")
            .setAutocomplete(true)
            .setMaxLength(100),
        )
        .addStringOption((o) =>
          o
            .setName("timezone")
            .setDescription("The time zone of the time, e.g. Europe/Berlin (default: UTC)")
            .setAutocomplete(true)
            .setMaxLength(64),
        )
        .addStringOption((o) =>
          o
            .setName("every")
            .setDescription("How often (default: every day)")
            .addChoices(
              { name: "every day", value: "day" },
              { name: "Monday to Friday", value: "weekday" },
              { name: "once a week", value: "week" },
            ),
        )
        .addStringOption((o) =>
          o
            .setName("on")
            .setDescription("The day, for once a week (default: Monday)")
            .addChoices(
              ...[1, 2, 3, 4, 5, 6, 0].map((i) => {
                const value = WEEKDAYS[i] as Weekday;
                return { name: DAY_NAMES[value], value };
              }),
            ),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("unschedule")
        .setDescription("Stop one of this server's scheduled digests")
        .addStringOption((o) =>
          o
            .setName("id")
            .setDescription("The schedule")
            .setRequired(true)
            .setAutocomplete(true)
            .setMaxLength(16),
        ),
    )
    .addSubcommand((s) =>
      s.setName("schedules").setDescription("This server's scheduled digests and their next run"),
    ),
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand(true);
    if (sub === "now") await now(interaction, ctx);
    else if (sub === "schedule") await schedule(interaction, ctx);
    else if (sub === "unschedule") await unschedule(interaction, ctx);
    else if (sub === "schedules") await list(interaction, ctx);
    else throw UserError.of("digestSchedule.noSuchSubcommand");
  },
  autocomplete,
};

export default command;
