import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { checkAlertChannel, fetchGuildChannel } from "../src/discord/alert-channel-check.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { channelMention, EPHEMERAL, NO_MENTIONS } from "../src/discord/format.js";
import { DELIVERY_PAUSE_CODES, pausedFor } from "../src/discord/permission-recovery.js";
import {
  ALERT_CHANNEL_TYPES,
  requireGuild,
  requireManageGuild,
} from "../src/discord/permissions.js";

/** Paused for a problem in the channel; a topic an admin muted is left as it is. */
const resumable = pausedFor(DELIVERY_PAUSE_CODES);

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  requireManageGuild(interaction);
  const guild = requireGuild(interaction);
  const channelId = interaction.options.getChannel("channel")?.id ?? interaction.channelId;
  const where = channelMention(channelId);
  const paused = ctx.subscriptions
    .forChannel(channelId)
    .filter((s) => s.guildId === guild.id && resumable(s));
  if (paused.length === 0) throw UserError.of("resume.nothingPaused", { channel: where });
  const channel = await fetchGuildChannel(guild, channelId);
  if (!channel) throw UserError.of("resume.gone", { channel: where });
  const topics = ctx.taxonomy.topics.filter((t) => paused.some((s) => s.topic === t.id));
  await checkAlertChannel(channel, guild, topics, tr, "resume.lockedThread");
  const count = await ctx.subscriptions.activateChannel(guild.id, channelId, resumable);
  ctx.wakeDelivery?.(channelId);
  ctx.log.info(
    { guildId: guild.id, channelId, resumed: count, userId: interaction.user.id },
    "alerts resumed by an admin",
  );
  await interaction.reply({
    content: tr.t("resume.done", { channel: where, count }),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("resume")
    .setDescription("Resume a channel's alerts paused for a problem that is now fixed")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addChannelOption((o) =>
      o
        .setName("channel")
        .setDescription("The channel whose alerts are paused (default: this channel)")
        .addChannelTypes(...ALERT_CHANNEL_TYPES),
    ),
  execute,
};

export default command;
