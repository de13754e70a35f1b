/** "More like this": the stored stories closest to the alert's (first) story, as short lines. */

import { linkTarget, linkText } from "../../deliver/embed.js";
import type { TaggedStory } from "../../enrich/types.js";
import type { Translator } from "../../i18n/messages.js";
import type { IndexedStory } from "../../search/index.js";
import { similarStories } from "../../search/similar.js";
import type { Answer } from "../interactions.js";
import { safeText, safeUrl } from "../safe-text.js";
import { EMBED_LIMITS, joinWithin } from "../story-card.js";

export const MORE_LIMIT = 5;

/** "• [Headline](link) — Outlet, <date>" (Discord shows the date in the reader's zone and language). */
function hitLine(s: IndexedStory): string {
  const url = safeUrl(s.url);
  const title = linkText(s.title);
  const head = url ? `[${title}](${linkTarget(url)})` : title;
  const outlet = safeText(s.feedName, 80, { singleLine: true });
  const time = Date.parse(s.publishedAt);
  const date = Number.isFinite(time) ? `, <t:${Math.floor(time / 1000)}:d>` : "";
  return `• ${head} — ${outlet}${date}`;
}

/** The answer for an alert's stories: the first is the one compared, none of them is offered. */
export function moreAnswer(
  stories: readonly TaggedStory[],
  stored: Iterable<IndexedStory>,
  tr: Translator,
): Answer {
  const source = stories[0] as TaggedStory;
  const shown = new Set(stories.flatMap((s) => [s.id, s.cluster ?? s.id]));
  const hits = similarStories(source, stored, MORE_LIMIT + stories.length)
    .filter((h) => !shown.has(h.story.id) && !shown.has(h.story.cluster ?? h.story.id))
    .slice(0, MORE_LIMIT);
  const title = safeText(source.title, 200, { singleLine: true, fallback: tr.t("card.untitled") });
  if (hits.length === 0) return { content: tr.t("button.more.none", { title }) };
  return {
    content: tr.t("button.more.heading", { title, count: hits.length }),
    embeds: [
      {
        description: joinWithin(
          hits.map((h) => hitLine(h.story)),
          "\n",
          EMBED_LIMITS.description,
        ),
      },
    ],
  };
}
