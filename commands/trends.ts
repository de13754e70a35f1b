import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { EPHEMERAL, NO_MENTIONS, requireTopic } from "../src/discord/format.js";
import { answersPrivately } from "../src/discord/interactions.js";
import { autocompleteTopic } from "../src/discord/topic-autocomplete.js";
import { type Answer, trendAnswer } from "../src/trends/answer.js";
import { countryChoices, requireCountry } from "../src/trends/country-option.js";
import { MAX_DAYS } from "../src/trends/counts.js";
import { recentCountries } from "../src/trends/trend.js";

const DEFAULT_DAYS = 14;

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const typedTopic = interaction.options.getString("topic");
  const typedCountry = interaction.options.getString("country");
  const topic = typedTopic ? requireTopic(ctx.taxonomy, typedTopic, tr).id : undefined;
  const country = typedCountry ? requireCountry(typedCountry, tr) : undefined;
  const days = interaction.options.getInteger("days") ?? DEFAULT_DAYS;
  const hidden = answersPrivately(interaction);
  // Deferred at once: reading up to 90 days and drawing takes a few hundred ms, and a drawing
  // blocks the event loop, so a timer-based defer could fire too late.
  await interaction.deferReply(hidden ? { flags: EPHEMERAL } : {});
  const answer = await trendAnswer(ctx, tr, {
    ...(topic ? { topic } : {}),
    ...(country ? { country } : {}),
    days,
  });
  await deliver(interaction, answer, hidden);
}

/** Edits the deferred reply; an answer for the user alone replaces a public one (as answerInTime does). */
async function deliver(
  interaction: ChatInputCommandInteraction,
  answer: Answer,
  hidden: boolean,
): Promise<void> {
  const { private: only, ...message } = answer;
  if (only && !hidden) {
    await interaction.deleteReply();
    await interaction.followUp({ ...message, flags: EPHEMERAL, allowedMentions: NO_MENTIONS });
    return;
  }
  await interaction.editReply({ ...message, allowedMentions: NO_MENTIONS });
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  if (focused.name !== "country") {
    await autocompleteTopic(interaction, ctx);
    return;
  }
  const tr = ctx.i18n.for(interaction.locale);
  // With nothing typed, the countries most reported lately come first.
  const recent = focused.value.trim() ? [] : await recentCountries(ctx.trends, ctx.now());
  await interaction.respond(countryChoices(focused.value, tr, recent));
}

const command: SlashCommand = {
  cooldownMs: 5_000,
  data: new SlashCommandBuilder()
    .setName("trends")
    .setDescription("A chart of stories per day, by topic or country")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("The topic (default: the top 5 topics)")
        .setAutocomplete(true)
        .setMaxLength(100),
    )
    .addStringOption((o) =>
      o
        .setName("country")
        .setDescription("A country: its stories per topic; with a topic, the topic per country")
        .setAutocomplete(true)
        .setMaxLength(60),
    )
    .addIntegerOption((o) =>
      o
        .setName("days")
        .setDescription(`How many days (1–${MAX_DAYS}, default ${DEFAULT_DAYS})`)
        .setMinValue(1)
        .setMaxValue(MAX_DAYS),
    )
    .addBooleanOption((o) =>
      o
        .setName("public")
        .setDescription("Post the answer for the whole channel (default: only you)"),
    ),
  execute,
  autocomplete,
};

export default command;
