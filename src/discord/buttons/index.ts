/**
 * Routes a button press to its handler after reading its custom_id (custom-id.ts). Errors are
 * left to the interaction handler's boundary (interactions.ts): a refused id or a refusal is a
 * UserError, shown to the presser only.
 */
import type { ButtonInteraction } from "discord.js";
import { UserError } from "../command.js";
import type { BotContext } from "../context.js";
import { answerInTime } from "../interactions.js";
import { parseButtonId } from "./custom-id.js";
import { storiesOfMessage } from "./message-stories.js";
import { moreAnswer } from "./more.js";
import { muteTopic, unmuteTopic } from "./mute.js";
import { whyAnswer } from "./why.js";

/** Ids of a press, for the log. */
export function pressIds(interaction: ButtonInteraction) {
  return {
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    messageId: interaction.message.id,
    interactionId: interaction.id,
    // Forged ids can be anything: the log keeps a bounded, printable prefix.
    customId: interaction.customId.slice(0, 100).replace(/[^\x20-\x7e]/g, "?"),
  };
}

export async function handleButton(interaction: ButtonInteraction, ctx: BotContext): Promise<void> {
  const tr = ctx.i18n.for(interaction.locale);
  const parsed = parseButtonId(interaction.customId, (id) =>
    ctx.taxonomy.topics.some((t) => t.id === id),
  );
  if (!parsed.ok) {
    ctx.log.warn({ ...pressIds(interaction), problem: parsed.problem }, "button refused");
    throw UserError.of(`button.invalid.${parsed.problem}`);
  }
  const { action } = parsed;
  ctx.log.info({ ...pressIds(interaction), action: action.kind }, "button pressed");
  // Every answer is the presser's alone: an alert's channel is not the place for it.
  await answerInTime(interaction, true, async () => {
    switch (action.kind) {
      case "why": {
        const stories = await storiesOfMessage(ctx.stories, interaction.message.embeds);
        return whyAnswer(stories, ctx.search.stories(), ctx.taxonomy, tr);
      }
      case "more": {
        const stories = await storiesOfMessage(ctx.stories, interaction.message.embeds);
        return moreAnswer(stories, ctx.search.stories(), tr);
      }
      case "mute":
        return muteTopic(interaction, ctx, action.topic, tr);
      case "undo":
        return unmuteTopic(interaction, ctx, action.topic, tr);
    }
  });
}
