import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { TopicDef } from "../src/classify/index.js";
import { buildAlertEmbed } from "../src/deliver/embed.js";
import { focusedSummary } from "../src/deliver/focused-summary.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import { requireTopic, storyLabels } from "../src/discord/format.js";
import { answerInTime } from "../src/discord/interactions.js";
import { autocompleteTopic } from "../src/discord/topic-autocomplete.js";
import type { TaggedStory } from "../src/enrich/types.js";
import type { Translator } from "../src/i18n/messages.js";
import { topicDescription, topicLabel } from "../src/search/topics.js";

/**
 * A stand-in story when none of the topic is stored yet (a fresh install): marked as a sample in
 * its title and source, so it cannot be mistaken for news.
 */
function sampleStory(topic: TopicDef, tr: Translator, now: number): TaggedStory {
  const at = new Date(now).toISOString();
  const summary = tr.t("preview.sampleSummary", {
    description: topicDescription(topic, tr.locale),
  });
  return {
    id: `sample:${topic.id}`,
    feedId: "sample",
    feedName: tr.t("preview.sampleSource"),
    title: tr.t("preview.sampleTitle", { topic: topicLabel(topic, tr.locale) }),
    text: summary,
    publishedAt: at,
    publishedEstimated: false,
    firstSeenAt: at,
    categories: [],
    topics: [{ id: topic.id, score: 1, evidence: [] }],
    countries: [],
    language: tr.locale,
    summary,
  };
}

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("topic", true), tr);
  const name = `${topic.emoji} ${topicLabel(topic, tr.locale)}`;
  await answerInTime(interaction, true, async () => {
    const [latest] = await ctx.stories.latest({ topic: topic.id, limit: 1 });
    const story = latest ?? sampleStory(topic, tr, ctx.now());
    let summary = story.summary;
    try {
      summary = focusedSummary(story, topic.id, ctx.summarize);
    } catch (error) {
      ctx.log.warn(
        { err: error, storyId: story.id },
        "preview summary failed; using the stored one",
      );
    }
    // The card a channel subscribed to this topic alone would get for this story, in the
    // server's language as alerts are.
    const alertTr = ctx.i18n.for(interaction.guildLocale);
    const embed = buildAlertEmbed(story, {
      taxonomy: ctx.taxonomy,
      labels: storyLabels(alertTr),
      language: alertTr.locale,
      summary,
      focusTopic: topic.id,
      matchedTopics: [topic.id],
    });
    const content = latest
      ? tr.t("preview.latest", { topic: name })
      : tr.t("preview.sample", { topic: name });
    return { content, embeds: [embed] };
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("preview")
    .setDescription("See a sample alert for a topic before subscribing (only you see it)")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("topic")
        .setDescription("The topic")
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(100),
    ),
  execute,
  autocomplete: autocompleteTopic,
};

export default command;
