import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  channelMention,
  EPHEMERAL,
  escapeText,
  linesToDescriptions,
  NO_MENTIONS,
  topicName,
} from "../src/discord/format.js";
import { requireGuild } from "../src/discord/permissions.js";
import type { Subscription } from "../src/subscriptions/store.js";

function statusOf(s: Subscription): string {
  if (s.status === "active") return "active";
  const icon = s.status === "paused" ? "⏸️ paused" : "⛔ disabled";
  return s.statusReason ? `${icon}: ${escapeText(s.statusReason, true)}` : icon;
}

/** One line per subscription: where, what, filters, state, alerts sent. */
export function subscriptionLine(ctx: BotContext, s: Subscription): string {
  const filters = [
    s.minScore > 0 ? `min score ${s.minScore.toFixed(2)}` : "any score",
    s.keywords.length > 0
      ? `keywords: ${s.keywords.map((k) => escapeText(k, true)).join(", ")}`
      : "no keywords",
    ...(s.exclude && s.exclude.length > 0
      ? [`excluding: ${s.exclude.map((k) => escapeText(k, true)).join(", ")}`]
      : []),
    ...(s.target === "forum" ? ["a post per story"] : []),
  ];
  return `${topicName(ctx.taxonomy, s.topic)} → ${channelMention(s.channelId)} · ${filters.join(" · ")} · ${statusOf(s)} · ${s.alertsSent} ${s.alertsSent === 1 ? "alert" : "alerts"} sent`;
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const guild = requireGuild(interaction);
  const subs = ctx.subscriptions
    .forGuild(guild.id)
    .sort((a, b) => a.channelId.localeCompare(b.channelId) || a.topic.localeCompare(b.topic));
  if (subs.length === 0) {
    await interaction.reply({
      content: "This server has no subscriptions yet. Add one with /subscribe.",
      flags: EPHEMERAL,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const { descriptions, omitted } = linesToDescriptions(
    subs.map((s) => subscriptionLine(ctx, s)),
    { total: 5800 },
  );
  const total = subs.reduce((n, s) => n + s.alertsSent, 0);
  await interaction.reply({
    content: `**${subs.length} ${subs.length === 1 ? "subscription" : "subscriptions"}**, ${total} alerts sent in all.${omitted > 0 ? ` (${omitted} more not shown.)` : ""}`,
    embeds: descriptions.map((description) => ({ description })),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("subscriptions")
    .setDescription("This server's subscriptions, their state and alerts sent")
    .setContexts(InteractionContextType.Guild),
  execute,
};

export default command;
