import {
  type APIEmbedField,
  ChannelType,
  type ChatInputCommandInteraction,
  type Guild,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { MAX_SCHEDULES_PER_GUILD } from "../src/digest/schedule-store.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import { loadCommands } from "../src/discord/commands.js";
import type { BotContext } from "../src/discord/context.js";
import { channelMention, EPHEMERAL, NO_MENTIONS } from "../src/discord/format.js";
import { answerInTime } from "../src/discord/interactions.js";
import {
  checkMessageChannel,
  permissionWord,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";
import { channelIncidents, FEED_FAILING_AFTER_MS, failingFeeds } from "../src/health/incidents.js";
import type { ServerSettings } from "../src/health/settings-store.js";
import type { Translator } from "../src/i18n/messages.js";
import { MAX_SUBSCRIPTIONS_PER_GUILD } from "../src/subscriptions/store.js";

/** Notices are messages with an embed: text and announcement channels only. */
const LOG_CHANNEL_TYPES = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;

/** The channel notices would go to, or a UserError naming what is wrong with it. */
async function checkLogChannel(guild: Guild, channelId: string, tr: Translator): Promise<void> {
  await checkMessageChannel(guild, channelId, LOG_CHANNEL_TYPES, "settings.badChannel", tr);
}

/** How many problems are open in the server now (the ones /status lists). */
async function openProblems(ctx: BotContext, guildId: string): Promise<number> {
  const feeds = ctx.guildFeeds.forGuild(guildId);
  const states = await ctx.states.getMany(feeds.map((f) => f.id));
  return (
    channelIncidents(ctx.subscriptions.forGuild(guildId)).length +
    failingFeeds(feeds, states, ctx.now()).length
  );
}

async function setLogChannel(interaction: ChatInputCommandInteraction, ctx: BotContext) {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const channelId = interaction.options.getChannel("channel", true).id;
  await checkLogChannel(guild, channelId, tr);
  await ctx.settings.setLogChannel(guild.id, channelId, interaction.user.id, ctx.now());
  ctx.log.info({ guildId: guild.id, channelId, userId: interaction.user.id }, "log channel chosen");
  const open = await openProblems(ctx, guild.id);
  const lines = [tr.t("settings.logChannelSet", { channel: channelMention(channelId) })];
  if (open > 0)
    lines.push(tr.t("settings.openNow", { count: open, status: `/${tr.command("status")}` }));
  await interaction.reply({
    content: lines.join("\n"),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

async function clearLogChannel(interaction: ChatInputCommandInteraction, ctx: BotContext) {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  await ctx.settings.clearLogChannel(guild.id, interaction.user.id, ctx.now());
  ctx.log.info({ guildId: guild.id, userId: interaction.user.id }, "log channel cleared");
  await interaction.reply({
    content: tr.t("settings.logChannelCleared"),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

function logChannelText(settings: ServerSettings, tr: Translator): string {
  const id = settings.logChannelId;
  if (!id)
    return tr.t("settings.noLogChannel", { command: `/${tr.command("settings", "log-channel")}` });
  const problem = settings.logChannelProblem;
  if (!problem) return channelMention(id);
  const why =
    problem.kind === "channel-gone"
      ? tr.t("settings.problemGone")
      : problem.missing && problem.missing.length > 0
        ? tr.t("settings.problemMissing", {
            permissions: tr.list(problem.missing.map((p) => permissionWord(p, tr))),
          })
        : tr.t("settings.problemForbidden");
  return tr.t("settings.logChannelBroken", {
    channel: channelMention(id),
    why,
    command: `/${tr.command("settings", "log-channel")}`,
  });
}

/** Each command's per-user wait, as the commands themselves declare it. */
async function cooldownText(tr: Translator): Promise<string> {
  const parts: string[] = [];
  for (const [name, c] of await loadCommands()) {
    if (!c.cooldownMs) continue;
    const seconds = tr.number(c.cooldownMs / 1000);
    for (const sub of c.cooldownSubcommands ?? [undefined]) {
      parts.push(tr.t("settings.cooldown", { command: `/${tr.command(name, sub)}`, seconds }));
    }
  }
  return parts.join(" · ");
}

async function show(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  await answerInTime(interaction, true, async () => {
    const settings = await ctx.settings.get(guild.id);
    const open = await openProblems(ctx, guild.id);
    const limits = [
      tr.t("settings.subscriptions", {
        count: ctx.subscriptions.forGuild(guild.id).length,
        max: MAX_SUBSCRIPTIONS_PER_GUILD,
      }),
      tr.t("settings.feeds", {
        count: ctx.guildFeeds.forGuild(guild.id).length,
        max: ctx.guildFeeds.maxPerGuild,
      }),
      tr.t("settings.schedules", {
        count: ctx.digests.list(guild.id).length,
        max: MAX_SCHEDULES_PER_GUILD,
      }),
      tr.t("settings.alertCap", { count: ctx.config.ALERTS_PER_CHANNEL_HOUR }),
      tr.t("settings.clusterEdit", { count: ctx.config.CLUSTER_EDIT_HOURS }),
      tr.t("settings.retention", { count: ctx.config.RETENTION_DAYS }),
      tr.t("settings.feedFailingAfter", { count: FEED_FAILING_AFTER_MS / 3_600_000 }),
    ];
    const fields: APIEmbedField[] = [
      { name: tr.t("settings.logChannel"), value: logChannelText(settings, tr) },
      { name: tr.t("settings.limits"), value: limits.map((l) => `• ${l}`).join("\n") },
    ];
    const cooldowns = await cooldownText(tr);
    if (cooldowns) fields.push({ name: tr.t("settings.cooldowns"), value: cooldowns });
    fields.push({
      name: tr.t("settings.problems"),
      value: tr.t("settings.problemsValue", { count: open, status: `/${tr.command("status")}` }),
    });
    return { embeds: [{ title: tr.t("settings.title"), fields }] };
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("settings")
    .setDescription("This server's ForeignDesk settings, limits and usage")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s.setName("show").setDescription("The log channel, and this server's limits and usage"),
    )
    .addSubcommand((s) =>
      s
        .setName("log-channel")
        .setDescription("Where ForeignDesk reports problems that need an admin")
        .addChannelOption((o) =>
          o
            .setName("channel")
            .setDescription("A text or announcement channel ForeignDesk may post in")
            .setRequired(true)
            .addChannelTypes(...LOG_CHANNEL_TYPES),
        ),
    )
    .addSubcommand((s) =>
      s.setName("clear-log-channel").setDescription("Stop reporting problems in a channel"),
    ),
  async execute(interaction, ctx) {
    const sub = interaction.options.getSubcommand(true);
    if (sub === "show") await show(interaction, ctx);
    else if (sub === "log-channel") await setLogChannel(interaction, ctx);
    else if (sub === "clear-log-channel") await clearLogChannel(interaction, ctx);
    else throw UserError.of("settings.noSuchSubcommand");
  },
};

export default command;
