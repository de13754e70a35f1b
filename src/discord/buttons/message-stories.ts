/**
 * The stored stories an alert message shows, found from the message itself: each alert card
 * links its story (the embed's url), a roll-up lists its stories as links in its description.
 * A link leads to the story through the store's URL key (`stories.knownUrls`), which lives as
 * long as the story does, so this works for every alert the bot ever posted, while its stories
 * are kept, without a record per message.
 */
import type { TaggedStory } from "../../enrich/types.js";
import type { StoryStore } from "../../store/stories.js";
import { UserError } from "../command.js";

/** What of an embed is read (discord.js `Embed` and API embeds both fit). */
export interface EmbedLike {
  url?: string | null;
  description?: string | null;
  footer?: unknown;
}

/** A roll-up lists at most this many stories worth explaining. */
export const MAX_STORIES = 10;

/** `](…)` targets of masked links, as `linkTarget` wrote them (parentheses and spaces encoded). */
const LINK = /\]\((https?:\/\/[^\s)]+)\)/g;

function unmask(target: string): string {
  return target.replace(/%28/g, "(").replace(/%29/g, ")").replace(/%20/g, " ");
}

/**
 * The story links of a message, in order, each once: an alert card's url; a roll-up's (a card
 * without a url but with the roll-up's footer) listed links.
 */
export function storyLinks(embeds: readonly EmbedLike[]): string[] {
  const out: string[] = [];
  for (const e of embeds) {
    if (e.url) out.push(e.url);
    else if (e.footer && e.description) {
      for (const m of e.description.matchAll(LINK)) out.push(unmask(m[1] as string));
    }
  }
  return [...new Set(out)].slice(0, MAX_STORIES);
}

/**
 * The message's stories still stored, in the message's order. Throws the "expired" answer when
 * none is: older than the retention window, or a message that never linked one.
 */
export async function storiesOfMessage(
  stories: StoryStore,
  embeds: readonly EmbedLike[],
): Promise<TaggedStory[]> {
  const links = storyLinks(embeds);
  const ids = links.length > 0 ? await stories.knownUrls(links) : new Map<string, string>();
  const wanted = [...new Set(links.flatMap((u) => (ids.has(u) ? [ids.get(u) as string] : [])))];
  const found = (await stories.getMany(wanted)).filter((s): s is TaggedStory => s !== undefined);
  if (found.length === 0) throw UserError.of("button.expired");
  return found;
}
