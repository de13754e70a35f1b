/**
 * Finding topics by what a user typed: for autocomplete and for resolving a typed topic option.
 * Users may type the id ("russia-ukraine"), the label ("Russia & Ukraine") or a word in their
 * own language ("Klima", "réfugiés"): the taxonomy's lexicon terms in every language count.
 */
import type { Taxonomy, TopicDef } from "../classify/index.js";
import { truncateText } from "../text/truncate.js";

/** Lower case, accents folded, anything but letters and digits turned into single spaces. */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

interface TopicKeys {
  topic: TopicDef;
  /** Folded id and label. */
  names: string[];
  /** Folded lexicon terms of every language, wildcards removed. */
  terms: string[];
}

const keyCache = new WeakMap<Taxonomy, TopicKeys[]>();

function keysOf(taxonomy: Taxonomy): TopicKeys[] {
  let keys = keyCache.get(taxonomy);
  if (!keys) {
    keys = taxonomy.topics.map((topic) => ({
      topic,
      names: [foldText(topic.id), foldText(topic.label)],
      terms: [
        ...new Set(
          Object.values(topic.terms)
            .flatMap((byTerm) => Object.keys(byTerm))
            .map((t) => foldText(t.replace(/\*/g, "")))
            .filter((t) => t.length >= 3),
        ),
      ],
    }));
    keyCache.set(taxonomy, keys);
  }
  return keys;
}

/** How well `query` names a topic: 0 not at all, higher is better. */
function rankOf(keys: TopicKeys, query: string): number {
  if (!query) return 1;
  if (keys.names.some((n) => n === query)) return 6;
  if (keys.names.some((n) => n.startsWith(query))) return 5;
  if (keys.names.some((n) => n.split(" ").some((w) => w.startsWith(query)))) return 4;
  if (keys.names.some((n) => n.includes(query))) return 3;
  if (query.length < 3) return 0;
  // Lexicon terms are mostly stems ("flüchtling*"), so a typed inflection may extend one.
  const matchesTerm = (t: string) =>
    t.startsWith(query) ||
    t.split(" ").some((w) => w.startsWith(query)) ||
    (t.length >= 4 && query.startsWith(t));
  if (keys.terms.some(matchesTerm)) return 2;
  if (foldText(keys.topic.description).includes(query)) return 1;
  return 0;
}

/**
 * Topics matching what was typed, best first, in taxonomy order among equals. An empty query
 * lists every topic. `among` restricts the candidates (e.g. topics a server subscribed to).
 */
export function matchTopics(
  taxonomy: Taxonomy,
  typed: string,
  options: { limit?: number; among?: ReadonlySet<string> } = {},
): TopicDef[] {
  const query = foldText(typed).slice(0, 100);
  return keysOf(taxonomy)
    .filter((k) => !options.among || options.among.has(k.topic.id))
    .map((k, order) => ({ topic: k.topic, rank: rankOf(k, query), order }))
    .filter((r) => r.rank > 0)
    .sort((a, b) => b.rank - a.rank || a.order - b.order)
    .slice(0, options.limit ?? 25)
    .map((r) => r.topic);
}

/**
 * The topic a submitted option names. Autocomplete submits the id, but a user may also press
 * enter on what they typed, so an exact label or a single unambiguous match is accepted too.
 */
export function resolveTopic(taxonomy: Taxonomy, input: string): TopicDef | undefined {
  const query = foldText(input);
  if (!query) return undefined;
  const keys = keysOf(taxonomy);
  const exact = keys.find((k) => k.names.includes(query));
  if (exact) return exact.topic;
  const named = keys.filter((k) => rankOf(k, query) >= 4);
  return named.length === 1 ? named[0]?.topic : undefined;
}

/** Autocomplete choices for topics: "🌍 Climate" → "climate", at most 25. */
export function topicChoices(
  taxonomy: Taxonomy,
  typed: string,
  among?: ReadonlySet<string>,
): Array<{ name: string; value: string }> {
  return matchTopics(taxonomy, typed, { limit: 25, among }).map((t) => ({
    name: truncateText(`${t.emoji} ${t.label}`, 100),
    value: t.id,
  }));
}
