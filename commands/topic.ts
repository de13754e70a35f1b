import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import { byEvent } from "../src/digest/digest.js";
import { alsoReportedBy } from "../src/digest/format.js";
import type { SlashCommand } from "../src/discord/command.js";
import type { BotContext } from "../src/discord/context.js";
import {
  fitEmbeds,
  requireTopic,
  storyEmbed,
  storyLabels,
  topicName,
} from "../src/discord/format.js";
import { answerInTime, answersPrivately } from "../src/discord/interactions.js";
import { autocompleteTopic } from "../src/discord/topic-autocomplete.js";

/** Reports read per requested event: later reports of the same events are folded in. */
const READ_PER_EVENT = 4;

async function execute(interaction: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const topic = requireTopic(ctx.taxonomy, interaction.options.getString("name", true), tr);
  const limit = interaction.options.getInteger("limit") ?? 5;
  const name = topicName(ctx.taxonomy, topic.id, tr.locale);
  await answerInTime(interaction, answersPrivately(interaction), async () => {
    const read = await ctx.stories.latest({ topic: topic.id, limit: limit * READ_PER_EVENT });
    const events = byEvent(read).slice(0, limit);
    if (events.length === 0) {
      return { content: tr.t("topic.none", { topic: name }), private: true };
    }
    const labels = storyLabels(tr);
    const { embeds } = fitEmbeds(
      events.map((e) =>
        storyEmbed(e.lead, ctx.taxonomy, {
          topic: topic.id,
          summaryChars: 400,
          labels,
          language: tr.locale,
          extra: alsoReportedBy(e.outlets, tr),
        }),
      ),
    );
    return { content: tr.t("topic.latest", { topic: name, count: embeds.length }), embeds };
  });
}

const command: SlashCommand = {
  data: new SlashCommandBuilder()
    .setName("topic")
    .setDescription("The latest stories tagged with a topic")
    .setContexts(InteractionContextType.Guild)
    .addStringOption((o) =>
      o
        .setName("name")
        .setDescription("The topic")
        .setRequired(true)
        .setAutocomplete(true)
        .setMaxLength(100),
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
  autocomplete: autocompleteTopic,
};

export default command;
