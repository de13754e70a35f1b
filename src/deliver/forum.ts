/**
 * What a forum post made from an alert looks like: its title (the headline) and the forum tag it
 * wears (the one named after the alert's topic, if the forum has one).
 */
import type { TopicDef } from "../classify/taxonomy.js";
import { foldForSearch } from "../text/fold.js";
import { truncateText } from "../text/truncate.js";

/** Discord's limit on a thread's name. */
export const THREAD_NAME_MAX = 100;

/** A forum's tag as the API and discord.js's cache describe it. */
export interface ForumTag {
  id: string;
  name: string;
  /** Only members with Manage Threads may apply it. */
  moderated?: boolean;
}

/** ChannelFlags.RequireTag: a post in this forum must carry at least one tag. */
export const REQUIRE_TAG_FLAG = 1 << 4;

/**
 * A post title from a headline: one line, at most 100 UTF-16 units, cut at a word boundary ("…"
 * marks the cut), never inside a character or grapheme. A headline of one overlong word is cut
 * at a grapheme rather than lost; a blank one is titled `untitled` (the server's words for it).
 */
export function threadTitle(headline: string, untitled: string): string {
  const line = headline.replace(/\s+/g, " ").trim() || untitled.replace(/\s+/g, " ").trim();
  return truncateText(line, THREAD_NAME_MAX);
}

type TopicNames = Pick<TopicDef, "id" | "label"> & Partial<Pick<TopicDef, "labels">>;

/** "&" spelled out in the languages topic labels come in. */
const AND: Record<string, string> = { en: "and", de: "und", fr: "et" };

/**
 * The names a tag may have to stand for a topic: its id, and its label in every language the
 * taxonomy has (a German forum's "Klima", a French one's "Climat"), each also with "&" spelled
 * out in its language ("Handel und Sanktionen").
 */
function namesFor(topic: TopicNames): Set<string> {
  const labels: Array<[string, string]> = [
    ["en", topic.label],
    ...Object.entries(topic.labels ?? {}),
  ];
  return new Set(
    [
      topic.id,
      topic.id.replace(/-/g, " "),
      ...labels.flatMap(([lang, label]) => [
        label,
        label.replace(/\s*&\s*/g, ` ${AND[lang] ?? AND.en} `),
      ]),
    ]
      .map(foldForSearch)
      .filter((n) => n.length > 0),
  );
}

/**
 * The tag named after the topic in any language (case, accents and punctuation ignored;
 * "Climate", "klima", "Climat", "russia-ukraine", "Moyen Orient" for "Moyen-Orient"), skipping
 * tags only moderators may apply: the bot is not one.
 */
export function tagForTopic(
  tags: readonly ForumTag[],
  topic: TopicNames | undefined,
): ForumTag | undefined {
  if (!topic) return undefined;
  const names = namesFor(topic);
  return tags.find((t) => !t.moderated && names.has(foldForSearch(t.name)));
}
