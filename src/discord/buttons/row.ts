/** The row of buttons under every alert: Why?, Mute <topic> here, More like this. */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  ButtonStyle,
  ComponentType,
} from "discord.js";
import type { TopicDef } from "../../classify/taxonomy.js";
import type { Translator } from "../../i18n/messages.js";
import { topicLabel } from "../../search/topics.js";
import { truncate } from "../safe-text.js";
import { buttonId } from "./custom-id.js";

/** Discord's limit on a button label. */
export const LABEL_MAX = 80;

function button(customId: string, label: string, emoji: string): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id: customId,
    label: truncate(label, LABEL_MAX),
    emoji: { name: emoji },
  };
}

/**
 * The alert's buttons, labelled in the alert's language. Mute needs the message's focus topic;
 * without one (a topic the taxonomy no longer has) the row has the other two.
 */
export function alertButtons(
  tr: Translator,
  focus: TopicDef | undefined,
): APIActionRowComponent<APIButtonComponent> {
  const components = [button(buttonId({ kind: "why" }), tr.t("button.why.label"), "❔")];
  if (focus) {
    const topic = topicLabel(focus, tr.locale);
    components.push(
      button(
        buttonId({ kind: "mute", topic: focus.id }),
        tr.t("button.mute.label", { topic }),
        "🔕",
      ),
    );
  }
  components.push(button(buttonId({ kind: "more" }), tr.t("button.more.label"), "🔎"));
  return { type: ComponentType.ActionRow, components };
}

/** The Undo button under a mute's answer. */
export function undoButtons(
  tr: Translator,
  topic: string,
): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [button(buttonId({ kind: "undo", topic }), tr.t("button.undo.label"), "↩️")],
  };
}
