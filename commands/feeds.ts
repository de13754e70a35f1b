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
import { feedProblemOf, problemText, userTextOf } from "../src/feeds/errors.js";
import {
  type GuildFeed,
  GuildFeedError,
  type ValidatedFeed,
  validateFeed,
} from "../src/feeds/guild-feeds.js";
import { feedIdFor } from "../src/feeds/id.js";
import type { Translator } from "../src/i18n/messages.js";
import { foldForSearch } from "../src/text/fold.js";
import { truncateText } from "../src/text/truncate.js";

const URL_SHOWN = 300;

/**
 * A URL shown as inline code: not a clickable preview, and no Markdown inside it. A longer one
 * ends in "…", so nobody copies a cut address for the real one.
 */
export function codeUrl(url: string): string {
  const safe = url.replace(/`/g, "%60");
  const shown = safe.length > URL_SHOWN ? `${safe.slice(0, URL_SHOWN - 1)}…` : safe;
  return `\`${shown}\``;
}

/** Refuses a URL this server or the operator already reads (typed, or found on a page). */
function refuseKnown(ctx: BotContext, guildId: string, url: string): void {
  const id = feedIdFor(url);
  if (ctx.operatorFeeds.some((f) => f.id === id || f.url === url)) {
    throw UserError.of("feeds.operatorFeed");
  }
  if (ctx.guildFeeds.forGuild(guildId).some((f) => f.id === id)) {
    throw UserError.of("feeds.duplicate");
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
    throw new UserError(userTextOf(error, ctx.i18n.for(interaction.locale)));
  }
}

function addedText(feed: GuildFeed, checked: ValidatedFeed, tr: Translator): string {
  if (!checked.discovery) {
    return tr.t("feeds.added", {
      name: safeText(feed.name, 100, { singleLine: true }),
      items: tr.t("feeds.items", { count: checked.items }),
    });
  }
  const lines = [
    tr.t("feeds.discovered", {
      name: safeText(feed.name, 100, { singleLine: true }),
      url: codeUrl(feed.url),
      items: checked.items,
    }),
  ];
  const others = checked.discovery.others.slice(0, 5);
  if (others.length > 0) {
    const list = others.map((o) =>
      o.title ? `${safeText(o.title, 60, { singleLine: true })} ${codeUrl(o.url)}` : codeUrl(o.url),
    );
    lines.push(tr.t("feeds.discoveredOthers", { list: list.join(", ") }));
  }
  return truncate(lines.join("\n"), LIMITS.content);
}

async function add(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  const url = interaction.options.getString("url", true).trim();
  const name = interaction.options.getString("name")?.trim();
  refuseKnown(ctx, guild.id, url);
  if (ctx.guildFeeds.forGuild(guild.id).length >= ctx.guildFeeds.maxPerGuild) {
    throw UserError.of("feeds.limit", { max: ctx.guildFeeds.maxPerGuild });
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
      content: addedText(feed, checked, tr),
      allowedMentions: NO_MENTIONS,
    });
  } catch (error) {
    if (error instanceof GuildFeedError) throw UserError.of(error.key, error.vars);
    throw error;
  }
}

async function remove(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  const typed = interaction.options.getString("feed", true);
  const own = ctx.guildFeeds.forGuild(guild.id);
  // Autocomplete submits the id; a pasted URL or an exact name works too.
  const target = own.find(
    (f) =>
      f.id === typed || f.url === typed.trim() || foldForSearch(f.name) === foldForSearch(typed),
  );
  if (!target) throw UserError.of("feeds.noSuchFeed");
  await ctx.guildFeeds.remove(guild.id, target.id);
  ctx.log.info(
    { guildId: guild.id, feedId: target.id, userId: interaction.user.id },
    "guild feed removed",
  );
  await interaction.reply({
    content: tr.t("feeds.removed", { name: safeText(target.name, 100, { singleLine: true }) }),
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

async function list(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const guild = requireGuild(interaction);
  const own = ctx.guildFeeds.forGuild(guild.id);
  if (own.length === 0) {
    await interaction.reply({
      content: tr.t("feeds.none"),
      flags: EPHEMERAL,
      allowedMentions: NO_MENTIONS,
    });
    return;
  }
  const states = await ctx.states.getMany(own.map((f) => f.id));
  const lines = own.map((f) => {
    const state = states.get(f.id);
    const health = !state?.lastPollAt
      ? tr.t("feeds.notPolled")
      : state.consecutiveFailures > 0
        ? tr.t("feeds.failing", { error: problemText(tr, state.lastErrorReason) })
        : tr.t("feeds.ok", { when: relativeTime(state.lastPollAt) });
    const added = tr.t("feeds.addedAt", { when: relativeTime(f.addedAt) });
    return `**${safeText(f.name, 80, { singleLine: true })}** ${codeUrl(f.url)} · ${added} · ${health}`;
  });
  await interaction.reply({
    content: tr.t("feeds.list", { count: own.length, max: ctx.guildFeeds.maxPerGuild }),
    embeds: [{ description: joinLines(lines, 4096, (count) => tr.t("list.more", { count })) }],
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
    else if (sub === "list") await list(interaction, ctx);
    else throw UserError.of("feeds.noSuchSubcommand");
  },
  async autocomplete(interaction, ctx) {
    const typed = foldForSearch(interaction.options.getFocused());
    const own = interaction.guildId ? ctx.guildFeeds.forGuild(interaction.guildId) : [];
    const choices = own
      .filter((f) => !typed || foldForSearch(`${f.name} ${f.url}`).includes(typed))
      .slice(0, 25)
      .map((f) => ({
        name: truncateText(`${f.name} (${new URL(f.url).hostname})`, 100),
        value: f.id,
      }));
    await interaction.respond(choices);
  },
};

export default command;
