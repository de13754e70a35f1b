import type { Analysis } from "../analyze.js";
import { fnv1a, fnvStep } from "./hash.js";

/** Feature names hash into 2^20 buckets; the model stores only the buckets it learned. */
export const HASH_BITS = 20;
const MASK = (1 << HASH_BITS) - 1;

export type EvidenceKind = "term" | "actor" | "word" | "country";

/** One reader-facing reason a feature stands for: a lexicon term, an actor, a word, a country. */
export interface EvidenceRef {
  kind: EvidenceKind;
  /** As topics.json writes it (terms), folded as matched (words, actors), or an ISO code. */
  term: string;
  /** Token span of the first match: the story's own spelling is read from it when shown. */
  start: number;
  end: number;
  count: number;
  inTitle: number;
  /** Topics (taxonomy indexes) a term belongs to or an actor maps to. */
  topics: readonly number[];
  /** Its position in the story's `refs`. */
  slot: number;
}

/** A feature shared out among the evidence of one kind that bears on one topic. */
export interface SpreadRef {
  spread: "term" | "actor";
  topic: number;
}

export interface FeatureVector {
  index: number[];
  value: number[];
  /** Per feature: what a reader would call it, for explanations (null: bias-like). */
  ev: Array<EvidenceRef | SpreadRef | null>;
  refs: EvidenceRef[];
}

/** 1, 1.69, 2.10 …: repeats add evidence with diminishing returns. */
function damp(n: number): number {
  return n > 0 ? 1 + Math.log(n) : 0;
}

const MIN_WORD = 2;
/** Long words also contribute a stem: inflections and German compounds share their start. */
const STEM_MIN_WORD = 8;
const STEM_CHARS = 6;
const MAX_COUNTRIES = 8;
/** About a title and a two-sentence lead. */
const LEAD_WORDS = 60;
/** Body words that give word features: a long lead's worth. */
const MAX_BODY_WORDS = 100;

export function bucketOf(name: string): number {
  return fnv1a(name) & MASK;
}

/** The feature carrying the lexicon's own score for one topic (taxonomy index). */
export const lexiconFeature = (topic: number) => `lex:${topic}`;

class Builder {
  private readonly at = new Map<number, number>();
  readonly out: FeatureVector = { index: [], value: [], ev: [], refs: [] };

  add(name: string, value: number, ev: EvidenceRef | SpreadRef | null): void {
    this.addBucket(bucketOf(name), value, ev);
  }

  addBucket(idx: number, value: number, ev: EvidenceRef | SpreadRef | null): void {
    if (value === 0) return;
    const pos = this.at.get(idx);
    if (pos !== undefined) {
      // Same bucket twice in one story (a repeated word): binary features stay binary.
      this.out.value[pos] = Math.max(this.out.value[pos] ?? 0, value);
      return;
    }
    this.at.set(idx, this.out.index.length);
    this.out.index.push(idx);
    this.out.value.push(value);
    this.out.ev.push(ev);
  }

  ref(
    kind: EvidenceKind,
    term: string,
    topics: readonly number[],
    start = -1,
    end = -1,
  ): EvidenceRef {
    const slot = this.out.refs.length;
    const r: EvidenceRef = { kind, term, start, end, count: 0, inTitle: 0, topics, slot };
    this.out.refs.push(r);
    return r;
  }
}

const H_UNI = fnv1a("u:");
const H_TITLE = fnv1a("t:");
const H_STEM = fnv1a("p:");
const H_BI = fnv1a("b:");

/** Per distinct word: its buckets (hashes continued from the prefixes, no strings built). */
interface WordBuckets {
  ref: EvidenceRef;
  uni: number;
  title: number;
  stem: number;
  /** fnv("b:" + word), continued with " " + next word for a bigram. */
  bi: number;
}

function wordFeatures(b: Builder, a: Analysis): void {
  const { words, titleEnd } = a.tokens;
  const seen = new Map<string, WordBuckets>();
  const bucketsOf = (i: number): WordBuckets => {
    const w = words[i] as string;
    let wb = seen.get(w);
    if (!wb) {
      wb = {
        ref: b.ref("word", w, [], i, i + 1),
        uni: fnvStep(H_UNI, w) & MASK,
        title: fnvStep(H_TITLE, w) & MASK,
        stem: w.length >= STEM_MIN_WORD ? fnvStep(H_STEM, w.slice(0, STEM_CHARS)) & MASK : -1,
        bi: fnvStep(H_BI, w),
      };
      seen.set(w, wb);
    }
    wb.ref.count++;
    if (i < titleEnd) wb.ref.inTitle++;
    return wb;
  };
  // Leads are what the model learned from: words past a lead's worth of body text add cost, not
  // signal (the lexicon still reads the whole text). Within that window a longer text's words
  // count for less, so the sum grows with √length, not length.
  const end = Math.min(words.length, titleEnd + MAX_BODY_WORDS);
  const v = Math.min(1, Math.sqrt(LEAD_WORDS / Math.max(1, end)));
  for (let i = 0; i < end; i++) {
    const w = words[i] as string;
    if (w.length < MIN_WORD) continue;
    const wb = bucketsOf(i);
    b.addBucket(wb.uni, v, wb.ref);
    if (i < titleEnd) b.addBucket(wb.title, 1, wb.ref);
    if (wb.stem >= 0) b.addBucket(wb.stem, v, wb.ref);
    const next = words[i + 1];
    // Bigrams never straddle the title/lead boundary.
    if (next !== undefined && next.length >= MIN_WORD && i + 1 !== titleEnd && i + 1 < end) {
      b.addBucket(fnvStep(wb.bi, ` ${next}`) & MASK, v, wb.ref);
    }
  }
}

function lexiconFeatures(b: Builder, a: Analysis): void {
  const refs = new Map<string, EvidenceRef>();
  const titled = new Set<number>();
  for (const h of a.hits) {
    const p = h.entry.payload;
    const key = `${p.topic}:${p.term}`;
    let r = refs.get(key);
    if (!r) {
      r = b.ref("term", p.term, [p.topic], h.start, h.end);
      refs.set(key, r);
    }
    r.count++;
    if (h.start < a.tokens.titleEnd) {
      r.inTitle++;
      titled.add(p.topic);
    }
  }
  for (const [key, r] of refs) b.add(`L:${key}`, damp(r.count), r);
  a.lexicon.forEach((s, ti) => {
    if (s.score > 0) b.add(lexiconFeature(ti), s.score, { spread: "term", topic: ti });
  });
  for (const ti of titled) b.add(`LT:${ti}`, 1, { spread: "term", topic: ti });
}

function actorFeatures(b: Builder, a: Analysis, topicIndex: ReadonlyMap<string, number>): void {
  const refs = new Map<number, EvidenceRef>();
  const perTopic = new Map<number, { n: number; title: boolean }>();
  for (const h of a.actors) {
    const actor = a.actorDefs[h.entry.payload.actor];
    if (!actor) continue;
    let r = refs.get(h.entry.payload.actor);
    if (!r) {
      const topics = actor.topics.map((t) => topicIndex.get(t) ?? -1).filter((t) => t >= 0);
      r = b.ref("actor", a.tokens.words.slice(h.start, h.end).join(" "), topics, h.start, h.end);
      refs.set(h.entry.payload.actor, r);
    }
    r.count++;
    const inTitle = h.start < a.tokens.titleEnd;
    if (inTitle) r.inTitle++;
    for (const ti of r.topics) {
      const t = perTopic.get(ti) ?? { n: 0, title: false };
      t.n++;
      t.title ||= inTitle;
      perTopic.set(ti, t);
    }
    for (const c of actor.countries) b.add(`ac:${c}`, 1, r);
  }
  for (const [actor, r] of refs) {
    const id = a.actorDefs[actor]?.id ?? "";
    b.add(`a:${id}`, 1, r);
    if (r.inTitle > 0) b.add(`at:${id}`, 1, r);
  }
  for (const [ti, t] of perTopic) {
    b.add(`A:${ti}`, damp(t.n), { spread: "actor", topic: ti });
    if (t.title) b.add(`AT:${ti}`, 1, { spread: "actor", topic: ti });
  }
}

function countryFeatures(b: Builder, a: Analysis): void {
  a.countries.slice(0, MAX_COUNTRIES).forEach((c, i) => {
    const r = b.ref("country", c, []);
    r.count = 1;
    b.add(`c:${c}`, 1, r);
    if (i === 0) b.add(`c1:${c}`, 1, r);
  });
}

/**
 * The learned layer's view of a story: words, title words, bigrams and stems (hashed), the
 * lexicon's term hits and per-topic scores, gazetteer actors and the topics they stand for,
 * countries, and the language. Each feature remembers what a reader would call it, so a tag can
 * be explained by the terms, actors and words that made it.
 */
export function featuresOf(a: Analysis, topicIndex: ReadonlyMap<string, number>): FeatureVector {
  const b = new Builder();
  b.add(`lang:${a.language}`, 1, null);
  if (a.bodyWords === 0) b.add("nolead", 1, null);
  wordFeatures(b, a);
  lexiconFeatures(b, a);
  actorFeatures(b, a, topicIndex);
  countryFeatures(b, a);
  return b.out;
}
