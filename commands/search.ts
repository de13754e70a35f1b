import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import { byEvent } from "../src/digest/digest.js";
import { alsoReportedBy } from "../src/digest/format.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { fitEmbeds, safeText, storyEmbed, storyLabels } from "../src/discord/format.js";
import { answerInTime, answersPrivately } from "../src/discord/interactions.js";

/** Hits read per requested event: other reports of the same events are folded in. */
const READ_PER_EVENT = 3;

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const query = interaction.options.getString("query", true).trim();
  const limit = interaction.options.getInteger("limit") ?? 5;
  const shown = safeText(query, 100, { singleLine: true });
  await answerInTime(interaction, answersPrivately(interaction), async () => {
    const hits = ctx.search.search(query, { limit: limit * READ_PER_EVENT });
    const events = byEvent(hits.map((h) => h.story)).slice(0, limit);
    if (events.length === 0) {
      return { content: tr.t("search.none", { query: shown }), private: true };
    }
    const labels = storyLabels(tr);
    const { embeds } = fitEmbeds(
      events.map((e) =>
        storyEmbed(e.lead, ctx.taxonomy, {
          summaryChars: 400,
          labels,
          language: tr.locale,
          extra: alsoReportedBy(e.outlets, tr),
        }),
      ),
    );
    return { content: tr.t("search.found", { count: embeds.length, query: shown }), embeds };
  });
}

const command: SlashCommand = {
  cooldownMs: 5_000,
  data: new SlashCommandBuilder()
    .setName("search")
    .setDescription("Search the stored stories")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("query")
        .setDescription("Words to look for (typos and word beginnings are fine)")
        .setRequired(true)
        .setMinLength(2)
        .setMaxLength(200),
    )
    .addIntegerOption((o) =>
      o
        .setName("limit")
        .setDescription("How many stories (1–10, default 5)")
        .setMinValue(1)
        .setMaxValue(10),
    )
    .addBooleanOption((o) =>
      o
        .setName("public")
        .setDescription("Post the answer for the whole channel (default: only you)"),
    ),
  execute,
};

export default command;
