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
import type { Taxonomy, TopicId } from "./taxonomy.js";
import { type Tokens, tokenize } from "./tokenize.js";

/**
 * Only the first part of a text is analysed: news leads state the subject, and the cap bounds
 * the cost of pathological inputs (a 1 MB "article" costs the same as a 30 kB one).
 */
export const MAX_TEXT_CHARS = 30_000;
export const MAX_TITLE_CHARS = 1_000;

export interface ClassifyInput {
  title: string;
  text: string;
  /** ISO 639-1 hint (e.g. from the feed); skips detection. */
  language?: string;
}

/** What the analyser needs of a gazetteer entry (`config/actors.json`). */
export interface ActorRef {
  id: string;
  names: Partial<Record<string, readonly string[]>>;
  topics: readonly TopicId[];
  countries: readonly string[];
}

export interface ActorPayload {
  actor: number;
}

/** Everything the lexicon layer sees in one story; the learned layer turns it into features. */
export interface Analysis {
  language: string;
  tokens: Tokens;
  /** Lexicon hits after exclusions and overlap resolution. */
  hits: Hit<TermPayload>[];
  /** The lexicon's own score per topic, in taxonomy order. */
  lexicon: TopicScore[];
  actors: Hit<ActorPayload>[];
  /** The gazetteer the actor hits index into. */
  actorDefs: readonly ActorRef[];
  countries: string[];
  bodyWords: number;
}

const LOOKS_LIKE_HTML = /<[a-zA-Z/!]|&(?:[a-zA-Z]{2,8}|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

function clean(s: unknown, max: number): string {
  if (typeof s !== "string" || s.length === 0) return "";
  // Slack for markup that htmlToText will strip; then cap the plain text itself.
  let t = s.length > max * 2 ? s.slice(0, max * 2) : s;
  if (LOOKS_LIKE_HTML.test(t)) t = htmlToText(t);
  return t.length > max ? t.slice(0, max) : t;
}

export interface Analyzer {
  analyze(input: ClassifyInput): Analysis;
  /**
   * The title with body words [start, end) only, as if that were the whole lead: hits and actors
   * are re-based, the lexicon re-scored, countries and language kept from the whole story.
   */
  window(a: Analysis, start: number, end: number): Analysis;
  readonly topicIds: readonly TopicId[];
  readonly actors: readonly ActorRef[];
}

function lexiconMatchers(taxonomy: Taxonomy) {
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
  return { matchers, merged: new Matcher([...merged.values()]) };
}

/**
 * Actor names are matched in every language: a German story may well write "Zelensky". A name
 * written with a capital only matches a capitalised word, so "Hamas" is the group but the
 * gazetteer's "Lula" cannot fire on a lowercase word of the same spelling.
 */
function actorMatcher(actors: readonly ActorRef[]): Matcher<ActorPayload> {
  const entries: CompiledEntry<ActorPayload>[] = [];
  const seen = new Set<string>();
  actors.forEach((a, actor) => {
    for (const names of Object.values(a.names)) {
      for (const name of names ?? []) {
        const key = `${actor}|${name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const first = name.trimStart()[0] ?? "";
        entries.push({
          words: parseTerm(name),
          payload: { actor },
          initialCap: first !== first.toLowerCase(),
        });
      }
    }
  });
  return new Matcher(entries);
}

const topicOf = (p: TermPayload) => p.topic;
const weightOf = (p: TermPayload) => p.weight;
const oneActorGroup = () => 0;
const noRank = () => 0;

export function createAnalyzer(taxonomy: Taxonomy, actors: readonly ActorRef[] = []): Analyzer {
  const topicIds: TopicId[] = taxonomy.topics.map((t) => t.id);
  const { matchers, merged } = lexiconMatchers(taxonomy);
  const actorsMatcher = actorMatcher(actors);
  const countryTagger = new CountryTagger();
  const params = taxonomy.scoring;

  return {
    topicIds,
    actors,
    window(a, start, end) {
      const { titleEnd } = a.tokens;
      const cut = <T>(xs: readonly T[]): T[] => [...xs.slice(0, titleEnd), ...xs.slice(start, end)];
      const tokens: Tokens = {
        words: cut(a.tokens.words),
        flags: cut(a.tokens.flags),
        titleEnd,
        ...(a.tokens.raw ? { raw: cut(a.tokens.raw) } : {}),
      };
      const shift = start - titleEnd;
      const rebase = <P>(hits: readonly Hit<P>[]): Hit<P>[] =>
        hits.flatMap((h) => {
          if (h.end <= titleEnd) return [h];
          if (h.start >= start && h.end <= end) {
            return [{ entry: h.entry, start: h.start - shift, end: h.end - shift }];
          }
          return [];
        });
      const hits = rebase(a.hits);
      const bodyWords = end - start;
      return {
        ...a,
        tokens,
        hits,
        lexicon: scoreTopics(topicIds, hits, titleEnd, bodyWords, params),
        actors: rebase(a.actors),
        bodyWords,
      };
    },
    analyze(input) {
      const title = clean(input?.title, MAX_TITLE_CHARS);
      const hint = normalizeLanguageHint(input?.language);
      // Captions, credit lines ("AP writers in Dubai … contributed") and links to other stories
      // are not what the story is about: they tag no topic and no country.
      const text = stripNonStory(clean(input?.text, MAX_TEXT_CHARS), hint);
      const tokens = tokenize(title, text);
      const language =
        hint ?? quickDetect(tokens.words) ?? detectLanguage(title ? `${title}\n${text}` : text);
      const matcher = matchers.get(language) ?? merged;
      const raw: Hit<TermPayload>[] = [];
      matcher.match(tokens, raw);
      let hits = raw;
      if (raw.length > 0) {
        const exclusions = raw.filter((h) => h.entry.payload.exclude);
        const terms = exclusions.length > 0 ? raw.filter((h) => !h.entry.payload.exclude) : raw;
        hits = resolveOverlaps(applyExclusions(terms, exclusions, topicOf), topicOf, weightOf);
      }
      const bodyWords = tokens.words.length - tokens.titleEnd;
      const lexicon = scoreTopics(topicIds, hits, tokens.titleEnd, bodyWords, params);
      const actorHits: Hit<ActorPayload>[] = [];
      if (actorsMatcher.size > 0) actorsMatcher.match(tokens, actorHits);
      const countries = countryTagger.tag(tokens, language);
      return {
        language,
        tokens,
        hits,
        lexicon,
        // "Kim Jong Un" and "Kim": the longest name wins a span.
        actors: resolveOverlaps(actorHits, oneActorGroup, noRank),
        actorDefs: actors,
        countries,
        bodyWords,
      };
    },
  };
}

/** The words of a span as the story wrote them. */
export function surface(tokens: Tokens, start: number, end: number): string {
  const src = tokens.raw ?? tokens.words;
  return src.slice(start, end).join(" ");
}
