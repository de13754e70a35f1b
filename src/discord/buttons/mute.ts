/**
 * "Mute <topic> here" and its "Undo": pause, and switch back on, one topic's subscription in the
 * channel the alert is in (a forum post's alerts belong to its forum). Set-up: Manage Server
 * only. A muted subscription keeps no queue (see the sender's gate) and, once back on, receives
 * only what arrives after (Subscription.activeSince): unmuting never floods the channel.
 */
import { type ButtonInteraction, PermissionFlagsBits } from "discord.js";
import type { Translator } from "../../i18n/messages.js";
import { isMuted, type Subscription } from "../../subscriptions/store.js";
import { UserError } from "../command.js";
import type { BotContext } from "../context.js";
import { channelMention, sanitize, topicName } from "../format.js";
import type { Answer } from "../interactions.js";
import { statusReasonText } from "../status-reason.js";
import { undoButtons } from "./row.js";

function requireManager(interaction: ButtonInteraction, ctx: BotContext, action: string): string {
  const guildId = interaction.guildId;
  if (!guildId) throw UserError.of("permission.guildOnly");
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    ctx.log.info(
      {
        guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        messageId: interaction.message.id,
        action,
      },
      "button refused: no Manage Server",
    );
    throw UserError.of("button.refused");
  }
  return guildId;
}

/**
 * The channel whose subscription to `topic` the button is about: the one it was pressed in, or
 * for a post in a forum (a thread), the forum's.
 */
function subscriptionHere(
  interaction: ButtonInteraction,
  ctx: BotContext,
  topic: string,
): Subscription | undefined {
  const channel = interaction.channel;
  const places = [interaction.channelId, channel?.isThread() ? channel.parentId : null];
  for (const place of places) {
    if (!place) continue;
    const found = ctx.subscriptions.forChannel(place).find((s) => s.topic === topic);
    if (found) return found;
  }
  return undefined;
}

const names = (ctx: BotContext, tr: Translator, s: { topic: string; channelId: string }) => ({
  topic: topicName(ctx.taxonomy, s.topic, tr.locale),
  channel: channelMention(s.channelId),
});

/** Mute: pauses the subscription as `muted` (who, when); answers with an Undo button. */
export async function muteTopic(
  interaction: ButtonInteraction,
  ctx: BotContext,
  topic: string,
  tr: Translator,
): Promise<Answer> {
  const guildId = requireManager(interaction, ctx, "mute");
  const found = subscriptionHere(interaction, ctx, topic);
  if (!found || found.guildId !== guildId) {
    throw UserError.of("button.mute.noSubscription", {
      topic: topicName(ctx.taxonomy, topic, tr.locale),
      channel: channelMention(interaction.channelId),
    });
  }
  const vars = names(ctx, tr, found);
  const undo = { components: [undoButtons(tr, topic)] };
  if (isMuted(found)) return { content: tr.t("button.mute.already", vars), ...undo };
  const at = ctx.now();
  const by = interaction.user.id;
  const before = await ctx.subscriptions.setTopicStatus(guildId, found.channelId, topic, {
    status: "paused",
    reason: `muted with an alert's button by ${by}`,
    why: { code: "muted", by, byName: interaction.user.displayName, at },
  });
  if (!before) throw UserError.of("button.mute.noSubscription", vars);
  ctx.log.info(
    { guildId, channelId: found.channelId, topic, userId: by, messageId: interaction.message.id },
    "topic muted in a channel",
  );
  return { content: tr.t("button.mute.done", vars), ...undo };
}

/** Undo: switches a muted subscription back on; idempotent; says so when it is gone. */
export async function unmuteTopic(
  interaction: ButtonInteraction,
  ctx: BotContext,
  topic: string,
  tr: Translator,
): Promise<Answer> {
  const guildId = requireManager(interaction, ctx, "undo");
  const found = subscriptionHere(interaction, ctx, topic);
  const where = { topic, channelId: found?.channelId ?? interaction.channelId };
  if (!found || found.guildId !== guildId) {
    return { content: tr.t("button.undo.gone", names(ctx, tr, where)) };
  }
  const vars = names(ctx, tr, found);
  if (found.status === "active") return { content: tr.t("button.undo.already", vars) };
  if (!isMuted(found)) {
    const why = statusReasonText(found, tr) ?? found.status;
    return {
      content: tr.t("button.undo.otherReason", {
        ...vars,
        why: sanitize(why, { singleLine: true }),
      }),
    };
  }
  const before = await ctx.subscriptions.setTopicStatus(guildId, found.channelId, topic, {
    status: "active",
    since: ctx.now(),
  });
  if (!before) return { content: tr.t("button.undo.gone", vars) };
  ctx.log.info(
    {
      guildId,
      channelId: found.channelId,
      topic,
      userId: interaction.user.id,
      messageId: interaction.message.id,
    },
    "topic unmuted in a channel",
  );
  return { content: tr.t("button.undo.done", vars) };
}
