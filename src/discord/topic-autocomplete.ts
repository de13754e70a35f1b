import type { AutocompleteInteraction } from "discord.js";
import { topicChoices } from "../search/topics.js";
import type { BotContext } from "./context.js";

/**
 * The autocomplete of a command whose one autocompleted option is a topic: the topics ranked for
 * what was typed, labelled in the user's language. Resolution of a submitted word uses the same
 * ranking (src/search/topics.ts): a typed word means what is listed first, unless two topics
 * tie for first place, when the reply names both.
 */
export async function autocompleteTopic(
  interaction: AutocompleteInteraction,
  ctx: BotContext,
): Promise<void> {
  const language = ctx.i18n.for(interaction.locale).locale;
  await interaction.respond(
    topicChoices(ctx.taxonomy, interaction.options.getFocused(), undefined, language),
  );
}
