/**
 * Finding topics by what a user typed: for autocomplete and for resolving a typed topic option.
 * Users may type the id ("russia-ukraine"), a label in any language ("Russia & Ukraine",
 * "Klima") or a word of the topic's lexicon ("réfugiés"). Autocomplete and resolution share one
 * ranking, so a word submitted without picking a choice means what autocomplete listed first;
 * a word two topics match equally well is not guessed at (the caller names both).
 */
import type { Taxonomy, TopicDef } from "../classify/index.js";
import { foldForSearch as foldText } from "../text/fold.js";
import { truncateText } from "../text/truncate.js";

interface TopicKeys {
  topic: TopicDef;
  /** Folded id and labels (English and every translated label). */
  names: string[];
  /** Folded lexicon terms of every language, wildcards removed, with their weights. */
  terms: Map<string, number>;
  description: string;
}

const keyCache = new WeakMap<Taxonomy, TopicKeys[]>();

function keysOf(taxonomy: Taxonomy): TopicKeys[] {
  let keys = keyCache.get(taxonomy);
  if (!keys) {
    keys = taxonomy.topics.map((topic) => {
      const terms = new Map<string, number>();
      for (const byTerm of Object.values(topic.terms)) {
        for (const [term, weight] of Object.entries(byTerm)) {
          const folded = foldText(term.replace(/\*/g, ""));
          if (folded.length >= 3) terms.set(folded, Math.max(weight, terms.get(folded) ?? 0));
        }
      }
      const labels = [topic.label, ...Object.values(topic.labels)];
      return {
        topic,
        names: [...new Set([topic.id, ...labels].map(foldText))],
        terms,
        description: [topic.description, ...Object.values(topic.descriptions)]
          .map(foldText)
          .join(" "),
      };
    });
    keyCache.set(taxonomy, keys);
  }
  return keys;
}

/**
 * How well `query` names a topic: 0 not at all, higher is better. Names (id, labels in every
 * language) rank 3–6; a lexicon term ranks 2 plus a fraction for its weight, so that "sanctions"
 * goes to the topic whose lexicon weighs the word most; the description alone ranks 1.
 */
function scoreOf(keys: TopicKeys, query: string): number {
  if (!query) return 1;
  if (keys.names.some((n) => n === query)) return 6;
  if (keys.names.some((n) => n.startsWith(query))) return 5;
  if (keys.names.some((n) => n.split(" ").some((w) => w.startsWith(query)))) return 4;
  if (keys.names.some((n) => n.includes(query))) return 3;
  if (query.length < 3) return 0;
  let best = 0;
  for (const [term, weight] of keys.terms) {
    // Lexicon terms are mostly stems ("flüchtling*"), so a typed inflection may extend one.
    const exact = term === query || (term.length >= 4 && query.startsWith(term));
    const partial = term.startsWith(query) || term.split(" ").some((w) => w.startsWith(query));
    if (exact) best = Math.max(best, 2 + weight / 20);
    else if (partial) best = Math.max(best, 2 + weight / 40);
  }
  if (best > 0) return best;
  return keys.description.includes(query) ? 1 : 0;
}

interface Ranked {
  topic: TopicDef;
  score: number;
}

/** Every topic matching what was typed, best first, in taxonomy order among equals. */
function rank(taxonomy: Taxonomy, typed: string, among?: ReadonlySet<string>): Ranked[] {
  const query = foldText(typed).slice(0, 100);
  return keysOf(taxonomy)
    .filter((k) => !among || among.has(k.topic.id))
    .map((k, order) => ({ topic: k.topic, score: scoreOf(k, query), order }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.order - b.order);
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
  return rank(taxonomy, typed, options.among)
    .slice(0, options.limit ?? 25)
    .map((r) => r.topic);
}

/** What a typed topic option names: one topic, or the equally good ones it could mean. */
export type TopicResolution =
  | { topic: TopicDef; candidates?: undefined }
  | { topic?: undefined; candidates: TopicDef[] };

/**
 * The topic a submitted option names. Autocomplete submits the id, but a user may also press
 * enter on what they typed ("Klima", "réfugiés"): the same ranking as autocomplete decides, so
 * whatever autocomplete lists first is what a typed word resolves to. When several topics match
 * equally well, none is picked and all of them are returned, for the reply to list.
 */
export function resolveTopicInput(
  taxonomy: Taxonomy,
  input: string,
  among?: ReadonlySet<string>,
): TopicResolution {
  if (!foldText(input)) return { candidates: [] };
  const ranked = rank(taxonomy, input, among);
  const [first, second] = ranked;
  if (!first) return { candidates: [] };
  if (!second || second.score < first.score) return { topic: first.topic };
  return { candidates: ranked.filter((r) => r.score === first.score).map((r) => r.topic) };
}

/** The topic a submitted option names, when it names exactly one best match. */
export function resolveTopic(taxonomy: Taxonomy, input: string): TopicDef | undefined {
  return resolveTopicInput(taxonomy, input).topic;
}

/** A topic's label in `language` when the taxonomy has one, else the English label. */
export function topicLabel(topic: TopicDef, language = "en"): string {
  return topic.labels[language] ?? topic.label;
}

/** A topic's description in `language` when the taxonomy has one, else the English one. */
export function topicDescription(topic: TopicDef, language = "en"): string {
  return topic.descriptions[language] ?? topic.description;
}

/** Autocomplete choices for topics: "🌍 Climate" (or "🌍 Klima") → "climate", at most 25. */
export function topicChoices(
  taxonomy: Taxonomy,
  typed: string,
  among?: ReadonlySet<string>,
  language = "en",
): Array<{ name: string; value: string }> {
  return matchTopics(taxonomy, typed, { limit: 25, among }).map((t) => ({
    name: truncateText(`${t.emoji} ${topicLabel(t, language)}`, 100),
    value: t.id,
  }));
}
