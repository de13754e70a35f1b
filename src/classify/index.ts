import { loadActors } from "./actors.js";
import {
  type ActorRef,
  type Analysis,
  type Analyzer,
  type ClassifyInput,
  createAnalyzer,
  surface,
} from "./analyze.js";
import { featuresOf } from "./learned/features.js";
import {
  explain,
  type LearnedModel,
  loadModel,
  NO_FLOOR,
  sigmoid,
  toScore,
} from "./learned/model.js";
import type { Evidence, TopicScore } from "./score.js";
import { type Taxonomy, TOPIC_IDS, type TopicId } from "./taxonomy.js";
import { SENTENCE_END, type Tokens } from "./tokenize.js";

export type { ActorRef, ClassifyInput } from "./analyze.js";
export { MAX_TEXT_CHARS, MAX_TITLE_CHARS } from "./analyze.js";
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
  /** What the text was read as: later stages (clustering) build on it instead of reading again. */
  analysis?: Analysis;
}

export interface Classifier {
  classify(input: ClassifyInput): Classification;
  /** All 12 topics, best first, ignoring thresholds (eval and debugging). */
  allScores(input: ClassifyInput): TopicScore[];
  /** The reading alone, without scoring: what later stages (clustering) build on. */
  analyze(input: ClassifyInput): Analysis;
}

export interface ClassifierOptions {
  /** The gazetteer (`config/actors.json`): named actors and the topics they stand for. */
  actors?: readonly ActorRef[];
  /** The learned layer; without it the lexicon scores alone decide (the baseline). */
  model?: LearnedModel;
}

const EVIDENCE_LIMIT = 8;

type Scorer = (a: Analysis) => TopicScore[];

/** A body up to this long is read as one lead. */
const ONE_LEAD_WORDS = 80;
/** A part is at least this long (short sentences join the next), and there are at most so many. */
const PART_WORDS = 15;
const MAX_PARTS = 6;

/**
 * Body word ranges, each read with the title as if it were the lead. The model learned from
 * titles and leads: in a long article a thread told in one sentence is drowned by the others,
 * so each run of sentences is judged on its own and a topic takes its best part.
 */
export function partsOf(tokens: Tokens): Array<[number, number]> {
  const { titleEnd, flags } = tokens;
  const total = tokens.words.length;
  if (total - titleEnd <= ONE_LEAD_WORDS) return [[titleEnd, total]];
  const out: Array<[number, number]> = [];
  let start = titleEnd;
  for (let i = titleEnd; i < total && out.length < MAX_PARTS; i++) {
    const last = i === total - 1;
    if ((((flags[i] as number) & SENTENCE_END) !== 0 && i + 1 - start >= PART_WORDS) || last) {
      out.push([start, i + 1]);
      start = i + 1;
    }
  }
  return out;
}

function learnedScorer(taxonomy: Taxonomy, model: LearnedModel, analyzer: Analyzer): Scorer {
  const topicIndex = new Map<string, number>(taxonomy.topics.map((t, i) => [t.id, i]));
  const slots = taxonomy.topics.map((t) => model.topics.indexOf(t.id));
  const missing = taxonomy.topics.filter((_, i) => (slots[i] as number) < 0).map((t) => t.id);
  if (missing.length > 0) {
    throw new Error(`topic model has no weights for ${missing.join(", ")}: run npm run train`);
  }
  return (whole) => {
    const parts = partsOf(whole.tokens).map(([s, e]) => {
      const a =
        s === whole.tokens.titleEnd && e === whole.tokens.words.length
          ? whole
          : analyzer.window(whole, s, e);
      const fv = featuresOf(a, topicIndex);
      return { a, fv, z: model.logits(fv) };
    });
    return taxonomy.topics.map((t, i) => {
      const k = slots[i] as number;
      let best = parts[0] as (typeof parts)[number];
      for (const p of parts) if ((p.z[k] as number) > (best.z[k] as number)) best = p;
      const { a, fv, z } = best;
      let score = toScore(sigmoid(z[k] as number), model.thresholds[k] as number, t.threshold);
      const lexicon = whole.lexicon[i] as TopicScore;
      // Where the lexicon is sure, its call stands (a floor chosen by cross-validation).
      if (lexicon.score >= (model.lexiconFloors[k] ?? NO_FLOOR)) {
        score = Math.max(score, t.threshold);
      }
      // Evidence is worked out for the topics a story is tagged with only.
      if (score < t.threshold) return { id: t.id, score, evidence: [] };
      const evidence: Evidence[] = explain(model, fv, k, EVIDENCE_LIMIT).map(({ ref, weight }) => {
        const text = ref.start >= 0 ? surface(a.tokens, ref.start, ref.end) : ref.term;
        return {
          term: ref.term,
          ...(text !== ref.term ? { text } : {}),
          count: ref.count,
          inTitle: ref.inTitle,
          kind: ref.kind,
          weight,
        };
      });
      // The topic's own lexicon terms found anywhere in the story are evidence too (after the
      // strongest reasons): the summariser covers a topic by its terms' sentences.
      for (const e of lexicon.evidence) {
        if (!evidence.some((x) => x.kind === "term" && x.term === e.term)) {
          evidence.push({ ...e, kind: "term" });
        }
      }
      return { id: t.id, score, evidence };
    });
  };
}

export function createClassifier(taxonomy: Taxonomy, opts: ClassifierOptions = {}): Classifier {
  const thresholds = new Map<TopicId, number>(taxonomy.topics.map((t) => [t.id, t.threshold]));
  const analyzer = createAnalyzer(taxonomy, opts.actors ?? []);
  const score: Scorer = opts.model
    ? learnedScorer(taxonomy, opts.model, analyzer)
    : (a) => a.lexicon;

  const byScore = (a: TopicScore, b: TopicScore) =>
    b.score - a.score || TOPIC_IDS.indexOf(a.id) - TOPIC_IDS.indexOf(b.id);

  return {
    classify(input) {
      const a = analyzer.analyze(input);
      const topics = score(a)
        .filter((s) => s.score > 0 && s.score >= (thresholds.get(s.id) ?? 1))
        .sort(byScore);
      return { topics, countries: a.countries, language: a.language, analysis: a };
    },
    allScores(input) {
      return score(analyzer.analyze(input)).sort(byScore);
    },
    analyze(input) {
      return analyzer.analyze(input);
    },
  };
}

/**
 * The classifier the bot runs: the lexicon, the gazetteer and the learned layer, all from
 * `config/`. Fails loudly on a missing or corrupt file rather than tagging with less.
 */
export function loadClassifier(
  taxonomy: Taxonomy,
  paths: { actors?: string; model?: string } = {},
): Classifier {
  return createClassifier(taxonomy, {
    actors: loadActors(paths.actors).actors,
    model: loadModel(paths.model),
  });
}
