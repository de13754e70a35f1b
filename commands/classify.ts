import {
  type APIEmbedField,
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { TopicScore } from "../src/classify/index.js";
import { ALERT_SUMMARY_BUDGET } from "../src/deliver/embed.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { evidenceLine, regionNamer } from "../src/discord/evidence.js";
import { EPHEMERAL, NO_MENTIONS, safeText, topicName, truncate } from "../src/discord/format.js";
import { summaryInputFor } from "../src/summarize/input.js";

function nameOf(names: Intl.DisplayNames, code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

function evidenceOf(score: TopicScore, regionName: (code: string) => string): string {
  return evidenceLine(score.evidence, { limit: 8, regionName }) || "—";
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const regionNames = new Intl.DisplayNames([tr.locale], { type: "region" });
  const regionName = regionNamer(tr.locale);
  const languageNames = new Intl.DisplayNames([tr.locale], { type: "language" });
  const text = interaction.options.getString("text", true);
  const result = ctx.classifier.classify({ title: "", text });
  const fields: APIEmbedField[] = result.topics.slice(0, 6).map((t) => ({
    name: `${topicName(ctx.taxonomy, t.id, tr.locale)} — ${tr.number(t.score, 2)}`,
    value: truncate(tr.t("classify.evidence", { terms: evidenceOf(t, regionName) }), 1024),
  }));
  if (fields.length === 0) {
    const closest = ctx.classifier.allScores({ title: "", text })[0];
    fields.push({
      name: tr.t("classify.noTopic"),
      value:
        closest && closest.score > 0
          ? tr.t("classify.closest", {
              topic: topicName(ctx.taxonomy, closest.id, tr.locale),
              score: tr.number(closest.score, 2),
            })
          : tr.t("classify.noTerms"),
    });
  }
  const countries = result.countries.slice(0, 10).map((c) => nameOf(regionNames, c));
  fields.push(
    {
      name: tr.t("card.countries"),
      value: countries.length > 0 ? countries.join(", ") : tr.t("classify.none"),
      inline: true,
    },
    {
      name: tr.t("classify.language"),
      value:
        result.language === "und"
          ? tr.t("classify.undetermined")
          : nameOf(languageNames, result.language),
      inline: true,
    },
  );
  const summary = ctx.summarize(
    summaryInputFor(
      {
        title: "",
        text,
        language: result.language === "und" ? undefined : result.language,
        topics: result.topics,
      },
      ALERT_SUMMARY_BUDGET,
    ),
  );
  await interaction.reply({
    embeds: [
      {
        title: tr.t("classify.title"),
        description: summary
          ? `**${tr.t("classify.summary")}** ${safeText(summary, 1000)}`
          : undefined,
        fields,
        ...(result.topics[0]
          ? { color: ctx.taxonomy.topics.find((t) => t.id === result.topics[0]?.id)?.color }
          : {}),
      },
    ],
    flags: EPHEMERAL,
    allowedMentions: NO_MENTIONS,
  });
}

const command: SlashCommand = {
  cooldownMs: 5_000,
  data: new SlashCommandBuilder()
    .setName("classify")
    .setDescription("Show the topics, countries, language and summary ForeignDesk finds in a text")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("text")
        .setDescription("A headline or article text")
        .setRequired(true)
        .setMinLength(3)
        .setMaxLength(4000),
    ),
  execute,
};

export default command;
