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
  escapeText,
  joinLines,
  relativeTime,
  safeText,
  topicName,
} from "../src/discord/format.js";
import { answerInTime } from "../src/discord/interactions.js";
import { requireGuild } from "../src/discord/permissions.js";
import { feedText, problemText } from "../src/feeds/errors.js";
import { mergeFeeds } from "../src/feeds/guild-feeds.js";

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const guild = requireGuild(interaction);
  await answerInTime(interaction, true, async () => {
    const guildFeeds = ctx.guildFeeds.allFeeds();
    const feeds = mergeFeeds(ctx.operatorFeeds, guildFeeds);
    const names = new Map(feeds.map((f) => [f.id, f.name]));
    const states = [...(await ctx.states.getMany(feeds.map((f) => f.id))).values()];
    const failing = states
      .filter((s) => s.consecutiveFailures > 0)
      .sort((a, b) => b.consecutiveFailures - a.consecutiveFailures);
    const lastPoll = Math.max(0, ...states.map((s) => s.lastPollAt ?? 0));
    const subs = ctx.subscriptions.forGuild(guild.id);
    const alerts = subs.reduce((n, s) => n + s.alertsSent, 0);
    const inactive = subs.filter((s) => s.status !== "active");
    const mine = ctx.guildFeeds.forGuild(guild.id).length;

    const fields: APIEmbedField[] = [
      {
        name: "Feeds",
        value:
          feeds.length === 0
            ? feedText("no-feeds")
            : `${feeds.length} in all (${ctx.operatorFeeds.length} from the operator, ${feeds.length - ctx.operatorFeeds.length} added by servers, ${mine} by this one); ${failing.length} failing`,
      },
      { name: "Last poll", value: lastPoll > 0 ? relativeTime(lastPoll) : "not yet", inline: true },
      {
        name: "Stories stored",
        value: `≈ ${ctx.search.size} (kept ${ctx.config.RETENTION_DAYS} days)`,
        inline: true,
      },
      {
        name: "Alerts sent here",
        value: `${alerts} by ${subs.length} ${subs.length === 1 ? "subscription" : "subscriptions"}`,
        inline: true,
      },
    ];
    if (failing.length > 0) {
      fields.push({
        name: "Failing feeds",
        value: joinLines(
          failing.map((s) => {
            const name = safeText(names.get(s.feedId) ?? s.url, 80, true);
            // The plain reason only: the technical detail is in the log, for the operator.
            const error = problemText(s.lastErrorReason);
            const since = s.lastSuccessAt ? `; last success ${relativeTime(s.lastSuccessAt)}` : "";
            return `**${name}**: ${s.consecutiveFailures} ${s.consecutiveFailures === 1 ? "failure" : "failures"} in a row, last error: ${error}${since}`;
          }),
        ),
      });
    }
    if (inactive.length > 0) {
      fields.push({
        name: "Paused or disabled subscriptions",
        value: joinLines(
          inactive.map(
            (s) =>
              `${topicName(ctx.taxonomy, s.topic)} → ${channelMention(s.channelId)}: ${s.status}${s.statusReason ? ` (${escapeText(s.statusReason, true)})` : ""}`,
          ),
        ),
      });
    }
    return { embeds: [{ title: "ForeignDesk status", fields }] };
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
