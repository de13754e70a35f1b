import { stripNonStory } from "../summarize/boilerplate.js";
import { htmlToText } from "../text/html.js";
import { CountryTagger } from "./countries.js";
import { detectLanguage, normalizeLanguageHint, quickDetect } from "./language.js";
import {
  applyExclusions,
  type CompiledEntry,
  type Hit,
  Matcher,
  parseTerm,
  resolveOverlaps,
} from "./lexicon.js";
import { scoreTopics, type TermPayload, type TopicScore } from "./score.js";
import { type Taxonomy, TOPIC_IDS, type TopicId } from "./taxonomy.js";
import { tokenize } from "./tokenize.js";

export type { Evidence, TopicScore } from "./score.js";
export {
  DEFAULT_TAXONOMY_PATH,
  loadTaxonomy,
  parseTaxonomy,
  type Taxonomy,
  TOPIC_IDS,
  type TopicDef,
  type TopicId,
} from "./taxonomy.js";

export interface Classification {
  /** Topics at or above their threshold, best first. */
  topics: TopicScore[];
  /** ISO 3166-1 alpha-2, most-mentioned first. */
  countries: string[];
  /** ISO 639-1, or "und". */
  language: string;
}

export interface ClassifyInput {
  title: string;
  text: string;
  /** ISO 639-1 hint (e.g. from the feed); skips detection. */
  language?: string;
}

export interface Classifier {
  classify(input: ClassifyInput): Classification;
  /** All 12 topics, best first, ignoring thresholds (eval and debugging). */
  allScores(input: ClassifyInput): TopicScore[];
}

/**
 * Only the first part of a text is analysed: news leads state the subject, and the cap bounds
 * the cost of pathological inputs (a 1 MB "article" costs the same as a 30 kB one).
 */
export const MAX_TEXT_CHARS = 30_000;
export const MAX_TITLE_CHARS = 1_000;

const LOOKS_LIKE_HTML = /<[a-zA-Z/!]|&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

function clean(s: unknown, max: number): string {
  if (typeof s !== "string" || s.length === 0) return "";
  // Slack for markup that htmlToText will strip; then cap the plain text itself.
  let t = s.length > max * 2 ? s.slice(0, max * 2) : s;
  if (LOOKS_LIKE_HTML.test(t)) t = htmlToText(t);
  return t.length > max ? t.slice(0, max) : t;
}

interface Prepared {
  language: string;
  scores: TopicScore[];
  countries: string[];
}

export function createClassifier(taxonomy: Taxonomy): Classifier {
  const ids: TopicId[] = taxonomy.topics.map((t) => t.id);
  const thresholds = new Map<TopicId, number>(taxonomy.topics.map((t) => [t.id, t.threshold]));
  const params = taxonomy.scoring;

  // One matcher per lexicon language, plus a merged one for short or other-language stories.
  // In the merged matcher the same term from several languages collapses to one entry.
  const perLang = new Map<string, CompiledEntry<TermPayload>[]>();
  const merged = new Map<string, CompiledEntry<TermPayload>>();
  taxonomy.topics.forEach((topic, ti) => {
    const add = (lang: string, term: string, weight: number, exclude: boolean) => {
      const e: CompiledEntry<TermPayload> = {
        words: parseTerm(term),
        payload: { topic: ti, term, weight, exclude },
        initialCap: false,
      };
      let list = perLang.get(lang);
      if (!list) {
        list = [];
        perLang.set(lang, list);
      }
      list.push(e);
      const key = `${ti}|${exclude}|${e.words.map((w) => `${w.infix ? "*" : ""}${w.text}${w.prefix ? "*" : ""}${w.caps ? "^" : ""}`).join(" ")}`;
      const prev = merged.get(key);
      if (!prev || prev.payload.weight < weight) merged.set(key, e);
    };
    for (const [lang, terms] of Object.entries(topic.terms)) {
      for (const [term, weight] of Object.entries(terms)) add(lang, term, weight, false);
    }
    for (const [lang, terms] of Object.entries(topic.exclude)) {
      for (const term of terms) add(lang, term, 0, true);
    }
  });
  const matchers = new Map<string, Matcher<TermPayload>>();
  for (const [lang, entries] of perLang) matchers.set(lang, new Matcher(entries));
  const mergedMatcher = new Matcher([...merged.values()]);
  const countryTagger = new CountryTagger();

  const topicOf = (p: TermPayload) => p.topic;
  const weightOf = (p: TermPayload) => p.weight;

  function prepare(input: ClassifyInput): Prepared {
    const title = clean(input?.title, MAX_TITLE_CHARS);
    const hint = normalizeLanguageHint(input?.language);
    // Captions, credit lines ("AP writers in Dubai … contributed") and links to other stories
    // are not what the story is about: they tag no topic and no country.
    const text = stripNonStory(clean(input?.text, MAX_TEXT_CHARS), hint);
    const tokens = tokenize(title, text);
    const language =
      hint ?? quickDetect(tokens.words) ?? detectLanguage(title ? `${title}\n${text}` : text);
    const matcher = matchers.get(language) ?? mergedMatcher;
    const raw: Hit<TermPayload>[] = [];
    matcher.match(tokens, raw);
    let hits = raw;
    if (raw.length > 0) {
      const exclusions = raw.filter((h) => h.entry.payload.exclude);
      const terms = exclusions.length > 0 ? raw.filter((h) => !h.entry.payload.exclude) : raw;
      hits = resolveOverlaps(applyExclusions(terms, exclusions, topicOf), topicOf, weightOf);
    }
    const bodyWords = tokens.words.length - tokens.titleEnd;
    const scores = scoreTopics(ids, hits, tokens.titleEnd, bodyWords, params);
    const countries = countryTagger.tag(tokens, language);
    return { language, scores, countries };
  }

  const byScore = (a: TopicScore, b: TopicScore) =>
    b.score - a.score || TOPIC_IDS.indexOf(a.id) - TOPIC_IDS.indexOf(b.id);

  return {
    classify(input) {
      const { language, scores, countries } = prepare(input);
      const topics = scores
        .filter((s) => s.score > 0 && s.score >= (thresholds.get(s.id) ?? 1))
        .sort(byScore);
      return { topics, countries, language };
    },
    allScores(input) {
      return prepare(input).scores.sort(byScore);
    },
  };
}
