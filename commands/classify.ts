import {
  type APIEmbedField,
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { TopicScore } from "../src/classify/index.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  EPHEMERAL,
  escapeText,
  NO_MENTIONS,
  safeText,
  topicName,
  truncate,
} from "../src/discord/format.js";

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const languageNames = new Intl.DisplayNames(["en"], { type: "language" });

function nameOf(names: Intl.DisplayNames, code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

function evidenceOf(score: TopicScore): string {
  const terms = score.evidence
    .slice(0, 8)
    .map(
      (e) => `${escapeText(e.term.replace(/\*/g, ""), true)}${e.count > 1 ? ` ×${e.count}` : ""}`,
    );
  return terms.length > 0 ? terms.join(", ") : "—";
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const text = interaction.options.getString("text", true);
  const result = ctx.classifier.classify({ title: "", text });
  const fields: APIEmbedField[] = result.topics.slice(0, 6).map((t) => ({
    name: `${topicName(ctx.taxonomy, t.id)} — ${t.score.toFixed(2)}`,
    value: truncate(`evidence: ${evidenceOf(t)}`, 1024),
  }));
  if (fields.length === 0) {
    const closest = ctx.classifier.allScores({ title: "", text })[0];
    fields.push({
      name: "No topic",
      value:
        closest && closest.score > 0
          ? `No topic reached its threshold; closest: ${topicName(ctx.taxonomy, closest.id)} (${closest.score.toFixed(2)}).`
          : "No topic's terms were found in the text.",
    });
  }
  const countries = result.countries.slice(0, 10).map((c) => nameOf(regionNames, c));
  fields.push(
    {
      name: "Countries",
      value: countries.length > 0 ? countries.join(", ") : "none",
      inline: true,
    },
    {
      name: "Language",
      value: result.language === "und" ? "undetermined" : nameOf(languageNames, result.language),
      inline: true,
    },
  );
  const summary = ctx.summarize({
    title: "",
    text,
    language: result.language === "und" ? undefined : result.language,
    budget: 400,
    boostTerms: result.topics.flatMap((t) => t.evidence.map((e) => e.term)),
  });
  await interaction.reply({
    embeds: [
      {
        title: "How ForeignDesk reads this text",
        description: summary ? `**Summary:** ${safeText(summary, 1000)}` : undefined,
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
