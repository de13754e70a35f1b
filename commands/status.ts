import {
  type APIEmbedField,
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  channelMention,
  joinLines,
  relativeTime,
  safeText,
  sanitize,
  topicName,
} from "../src/discord/format.js";
import { answerInTime } from "../src/discord/interactions.js";
import { requireGuild } from "../src/discord/permissions.js";
import { statusReasonText } from "../src/discord/status-reason.js";
import { problemText } from "../src/feeds/errors.js";
import { mergeFeeds } from "../src/feeds/guild-feeds.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  await answerInTime(interaction, true, async () => {
    const guildFeeds = ctx.guildFeeds.allFeeds();
    const feeds = mergeFeeds(ctx.operatorFeeds, guildFeeds);
    const names = new Map(feeds.map((f) => [f.id, f.name]));
    const states = [...(await ctx.states.getMany(feeds.map((f) => f.id))).values()];
    // Feeds another server added are its own business: their names and addresses stay there.
    const visible = new Set(
      [...ctx.operatorFeeds, ...ctx.guildFeeds.forGuild(guild.id)].map((f) => f.id),
    );
    const failing = states
      .filter((s) => s.consecutiveFailures > 0 && visible.has(s.feedId))
      .sort((a, b) => b.consecutiveFailures - a.consecutiveFailures);
    const lastPoll = Math.max(0, ...states.map((s) => s.lastPollAt ?? 0));
    const subs = ctx.subscriptions.forGuild(guild.id);
    const alerts = subs.reduce((n, s) => n + s.alertsSent, 0);
    const inactive = subs.filter((s) => s.status !== "active");
    const mine = ctx.guildFeeds.forGuild(guild.id).length;

    const fields: APIEmbedField[] = [
      {
        name: tr.t("status.feeds"),
        value:
          feeds.length === 0
            ? tr.t("status.noFeeds")
            : tr.t("status.feedsValue", {
                count: feeds.length,
                operator: ctx.operatorFeeds.length,
                servers: feeds.length - ctx.operatorFeeds.length,
                mine,
                failing: failing.length,
              }),
      },
      {
        name: tr.t("status.lastPoll"),
        value: lastPoll > 0 ? relativeTime(lastPoll) : tr.t("status.notYet"),
        inline: true,
      },
      {
        name: tr.t("status.stored"),
        value: tr.t("status.storedValue", {
          count: ctx.search.size,
          days: ctx.config.RETENTION_DAYS,
        }),
        inline: true,
      },
      {
        name: tr.t("status.alertsHere"),
        value: tr.t("status.alertsHereValue", {
          alerts: alerts,
          subscriptions: tr.t("status.subscriptions", { count: subs.length }),
        }),
        inline: true,
      },
    ];
    if (failing.length > 0) {
      fields.push({
        name: tr.t("status.failingFeeds"),
        value: joinLines(
          failing.map((s) => {
            const name = safeText(names.get(s.feedId) ?? s.url, 80, { singleLine: true });
            // The plain reason only: the technical detail is in the log, for the operator.
            const error = problemText(tr, s.lastErrorReason);
            const line = tr.t("status.failingLine", {
              name,
              failures: tr.t("status.failures", { count: s.consecutiveFailures }),
              error,
            });
            return s.lastSuccessAt
              ? `${line}${tr.t("status.lastSuccess", { when: relativeTime(s.lastSuccessAt) })}`
              : line;
          }),
          undefined,
          (count) => tr.t("list.more", { count }),
        ),
      });
    }
    if (inactive.length > 0) {
      fields.push({
        name: tr.t("status.inactive"),
        value: joinLines(
          inactive.map((s) => {
            const state = tr.t(s.status === "paused" ? "status.paused" : "status.disabled");
            const why = statusReasonText(s, tr);
            return `${topicName(ctx.taxonomy, s.topic, tr.locale)} → ${channelMention(s.channelId)}: ${state}${why ? ` (${sanitize(why, { singleLine: true })})` : ""}`;
          }),
          undefined,
          (count) => tr.t("list.more", { count }),
        ),
      });
    }
    return { embeds: [{ title: tr.t("status.title"), fields }] };
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("status")
    .setDescription("Feeds, failures, last poll, stories stored and this server's alerts")
    .setContexts(InteractionContextType.Guild),
  execute,
};

export default command;
