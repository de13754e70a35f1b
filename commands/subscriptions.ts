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
  linesToDescriptions,
  NO_MENTIONS,
  sanitize,
  topicName,
} from "../src/discord/format.js";
import { requireGuild } from "../src/discord/permissions.js";
import { roleMention } from "../src/discord/role-ping.js";
import { statusReasonText } from "../src/discord/status-reason.js";
import type { Translator } from "../src/i18n/messages.js";
import type { Subscription } from "../src/subscriptions/store.js";

/** A subscription's state in words: "active", "⏸️ paused: <why>", "⛔ disabled". */
function statusOf(s: Subscription, tr: Translator): string {
  if (s.status === "active") return tr.t("subscriptions.active");
  const icon = tr.t(s.status === "paused" ? "subscriptions.paused" : "subscriptions.disabled");
  const why = statusReasonText(s, tr);
  return why
    ? tr.t("subscriptions.stateWithReason", {
        state: icon,
        why: sanitize(why, { singleLine: true }),
      })
    : icon;
}

/** One line per subscription: where, what, filters, state, alerts sent. */
export function subscriptionLine(ctx: BotContext, s: Subscription, tr: Translator): string {
  const filters = [
    s.minScore > 0
      ? tr.t("subscriptions.minScore", { value: tr.number(s.minScore, 2) })
      : tr.t("subscriptions.anyScore"),
    s.keywords.length > 0
      ? tr.t("subscriptions.keywords", {
          value: s.keywords.map((k) => sanitize(k, { singleLine: true })).join(", "),
        })
      : tr.t("subscriptions.noKeywords"),
    ...(s.exclude && s.exclude.length > 0
      ? [
          tr.t("subscriptions.excluding", {
            value: s.exclude.map((k) => sanitize(k, { singleLine: true })).join(", "),
          }),
        ]
      : []),
    ...(s.target === "forum" ? [tr.t("subscriptions.postPerStory")] : []),
    ...(s.mention
      ? [
          tr.t("subscriptions.mention", {
            role: roleMention(s.mention.roleId),
            value: tr.number(s.mention.minScore, 2),
          }),
        ]
      : []),
  ];
  return [
    `${topicName(ctx.taxonomy, s.topic, tr.locale)} → ${channelMention(s.channelId)}`,
    ...filters,
    statusOf(s, tr),
    tr.t("subscriptions.alertsSent", { count: s.alertsSent }),
  ].join(" · ");
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  const subs = ctx.subscriptions
    .forGuild(guild.id)
    .sort((a, b) => a.channelId.localeCompare(b.channelId) || a.topic.localeCompare(b.topic));
  if (subs.length === 0) {
    await interaction.reply({
      content: tr.t("subscriptions.none"),
      flags: EPHEMERAL,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const { descriptions, omitted } = linesToDescriptions(
    subs.map((s) => subscriptionLine(ctx, s, tr)),
    { total: 5800 },
  );
  const total = subs.reduce((n, s) => n + s.alertsSent, 0);
  await interaction.reply({
    content: [
      tr.t("subscriptions.summary", {
        subscriptions: tr.t("subscriptions.count", { count: subs.length }),
        alerts: tr.t("subscriptions.alertsInAll", { count: total }),
      }),
      ...(omitted > 0 ? [tr.t("subscriptions.omitted", { count: omitted })] : []),
    ].join(" "),
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
