import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import { type SlashCommand, UserError } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  EPHEMERAL,
  joinLines,
  LIMITS,
  NO_MENTIONS,
  relativeTime,
  safeText,
  truncate,
} from "../src/discord/format.js";
import { requireGuild, requireManageGuild } from "../src/discord/permissions.js";
import { feedProblemOf, feedText, problemText, userTextOf } from "../src/feeds/errors.js";
import {
  type GuildFeed,
  GuildFeedError,
  type ValidatedFeed,
  validateFeed,
} from "../src/feeds/guild-feeds.js";
import { feedIdFor } from "../src/feeds/id.js";
import { foldText } from "../src/search/topics.js";

/** A URL shown as inline code: not a clickable preview, and no Markdown inside it. */
function codeUrl(url: string): string {
  return `\`${url.replace(/`/g, "%60").slice(0, 300)}\``;
}

/** Refuses a URL this server or the operator already reads (typed, or found on a page). */
function refuseKnown(ctx: BotContext, guildId: string, url: string): void {
  const id = feedIdFor(url);
  if (ctx.operatorFeeds.some((f) => f.id === id || f.url === url)) {
    throw new UserError("ForeignDesk already reads that feed for every server; nothing to add.");
  }
  if (ctx.guildFeeds.forGuild(guildId).some((f) => f.id === id)) {
    throw new UserError("This server has added that feed already.");
  }
}

/** Fetches and parses the address now; a refusal is logged in full and answered in plain words. */
async function validate(
  interaction: ChatInputCommandInteraction,
  ctx: BotContext,
  url: string,
): Promise<ValidatedFeed> {
  try {
    return await validateFeed(ctx.fetcher, url);
  } catch (error) {
    const reason = feedProblemOf(error);
    if (!reason || reason === "storage-unavailable") throw error;
    ctx.log.info(
      {
        guildId: interaction.guildId,
        userId: interaction.user.id,
        feedId: feedIdFor(url),
        url,
        reason,
        err: error instanceof Error ? error.message : String(error),
      },
      "guild feed refused",
    );
    throw new UserError(userTextOf(error));
  }
}

function addedText(feed: GuildFeed, checked: ValidatedFeed): string {
  if (!checked.discovery) {
    return `✅ Added **${safeText(feed.name, 100, true)}** (${checked.items} ${checked.items === 1 ? "item" : "items"} right now). Its stories are tagged like every other feed's and reach this server's subscriptions from the next poll on.`;
  }
  const lines = [
    feedText("discovered-added", {
      name: safeText(feed.name, 100, true),
      url: codeUrl(feed.url),
      items: checked.items,
    }),
  ];
  const others = checked.discovery.others.slice(0, 5);
  if (others.length > 0) {
    const list = others.map((o) =>
      o.title ? `${safeText(o.title, 60, true)} ${codeUrl(o.url)}` : codeUrl(o.url),
    );
    lines.push(feedText("discovered-others", { list: list.join(", ") }));
  }
  return truncate(lines.join("\n"), LIMITS.content);
}

async function add(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const guild = requireGuild(interaction);
  const url = interaction.options.getString("url", true).trim();
  const name = interaction.options.getString("name")?.trim();
  refuseKnown(ctx, guild.id, url);
  if (ctx.guildFeeds.forGuild(guild.id).length >= ctx.guildFeeds.maxPerGuild) {
    throw new UserError(
      `This server already has ${ctx.guildFeeds.maxPerGuild} feeds of its own, the most it may have; remove one with /feeds remove first.`,
    );
  }
  // Fetching can take up to the fetch timeout; Discord wants an answer within 3 s.
  await interaction.deferReply({ flags: EPHEMERAL });
  const checked = await validate(interaction, ctx, url);
  if (checked.url !== url) refuseKnown(ctx, guild.id, checked.url);
  try {
    const { feed } = await ctx.guildFeeds.add(guild.id, {
      url: checked.url,
      name: name || checked.title || new URL(checked.url).hostname,
      addedBy: interaction.user.id,
    });
    ctx.log.info(
      {
        guildId: guild.id,
        feedId: feed.id,
        url: feed.url,
        userId: interaction.user.id,
        ...(checked.discovery
          ? { discoveredOn: checked.discovery.page, skipped: checked.discovery.failed }
          : {}),
      },
      "guild feed added",
    );
    await interaction.editReply({
      content: addedText(feed, checked),
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    if (error instanceof GuildFeedError) throw new UserError(error.message);
    throw error;
  }
}

async function remove(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const guild = requireGuild(interaction);
  const typed = interaction.options.getString("feed", true);
  const own = ctx.guildFeeds.forGuild(guild.id);
  // Autocomplete submits the id; a pasted URL or an exact name works too.
  const target = own.find(
    (f) => f.id === typed || f.url === typed.trim() || foldText(f.name) === foldText(typed),
  );
  if (!target) throw new UserError("This server has no such feed; /feeds list shows its feeds.");
  await ctx.guildFeeds.remove(guild.id, target.id);
  ctx.log.info(
    { guildId: guild.id, feedId: target.id, userId: interaction.user.id },
    "guild feed removed",
  );
  await interaction.reply({
    content: `Removed **${safeText(target.name, 100, true)}**. Stories already posted stay where they are.`,
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

async function list(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const guild = requireGuild(interaction);
  const own = ctx.guildFeeds.forGuild(guild.id);
  if (own.length === 0) {
    await interaction.reply({
      content: "This server has added no feeds of its own. Add one with /feeds add.",
      flags: EPHEMERAL,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const states = await ctx.states.getMany(own.map((f) => f.id));
  const lines = own.map((f) => {
    const state = states.get(f.id);
    const health = !state?.lastPollAt
      ? "not polled yet"
      : state.consecutiveFailures > 0
        ? `failing: ${problemText(state.lastErrorReason)}`
        : `ok, polled ${relativeTime(state.lastPollAt)}`;
    return `**${safeText(f.name, 80, true)}** ${codeUrl(f.url)} · added ${relativeTime(f.addedAt)} · ${health}`;
  });
  await interaction.reply({
    content: `**${own.length} of ${ctx.guildFeeds.maxPerGuild} feeds** added by this server:`,
    embeds: [{ description: joinLines(lines, 4096) }],
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  cooldownMs: 10_000,
  cooldownSubcommands: ["add"],
  data: new SlashCommandBuilder()
    .setName("feeds")
    .setDescription("This server's own extra feeds")
    .setContexts(InteractionContextType.Guild)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((s) =>
      s
        .setName("add")
        .setDescription("Add an RSS or Atom feed for this server")
        .addStringOption((o) =>
          o
            .setName("url")
            .setDescription("The feed's address (http or https)")
            .setRequired(true)
            .setMaxLength(2048),
        )
        .addStringOption((o) =>
          o
            .setName("name")
            .setDescription("A name for it (default: the feed's own title)")
            .setMaxLength(100),
        ),
    )
    .addSubcommand((s) =>
      s
        .setName("remove")
        .setDescription("Remove one of this server's feeds")
        .addStringOption((o) =>
          o
            .setName("feed")
            .setDescription("The feed")
            .setRequired(true)
            .setAutocomplete(true)
            .setMaxLength(2048),
        ),
    )
    .addSubcommand((s) => s.setName("list").setDescription("This server's feeds and their health")),
  async execute(interaction, ctx) {
    requireManageGuild(interaction);
    const sub = interaction.options.getSubcommand(true);
    if (sub === "add") await add(interaction, ctx);
    else if (sub === "remove") await remove(interaction, ctx);
    else await list(interaction, ctx);
  },
  async autocomplete(interaction, ctx) {
    const typed = foldText(interaction.options.getFocused());
    const own = interaction.guildId ? ctx.guildFeeds.forGuild(interaction.guildId) : [];
    const choices = own
      .filter((f) => !typed || foldText(`${f.name} ${f.url}`).includes(typed))
      .slice(0, 25)
      .map((f) => ({
        name: `${f.name} (${new URL(f.url).hostname})`.slice(0, 100),
        value: f.id,
      }));
    await interaction.respond(choices);
  },
};

export default command;
