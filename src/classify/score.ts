import type { Hit } from "./lexicon.js";
import type { ScoringParams, TopicId } from "./taxonomy.js";

export interface Evidence {
  /**
   * A lexicon term as written in topics.json, or (from the learned layer) an actor's name or a
   * word as the story wrote it, or a country's ISO code.
   */
  term: string;
  /** All matches, title included. */
  count: number;
  /** How many of `count` were in the title. */
  inTitle: number;
  /** The first match as the story wrote it, when it differs from `term` (learned layer). */
  text?: string;
  /** What the evidence is; absent means a lexicon term. */
  kind?: "term" | "actor" | "word" | "country";
  /** Its share of the topic's score (learned layer), for ordering and display. */
  weight?: number;
}

export interface TopicScore {
  id: TopicId;
  /** 0..1, rounded to 3 decimals. */
  score: number;
  evidence: Evidence[];
}

export interface TermPayload {
  topic: number;
  term: string;
  weight: number;
  exclude: boolean;
}

interface Tally {
  term: string;
  weight: number;
  title: number;
  body: number;
}

/** Repeats add evidence with diminishing returns: 1, 1.69, 2.10, 2.39 … (1 + ln n). */
function damp(n: number): number {
  return n > 0 ? 1 + Math.log(n) : 0;
}

/**
 * Score = 1 - exp(-x / saturation), where
 *   x = Σ_terms weight · (titleWeight · damp(titleHits) + damp(bodyHits)) / lengthFactor
 *   lengthFactor = max(1, sqrt(bodyWords / lengthNorm))
 * and x is multiplied by singleTermFactor when only one distinct term (of weight < 3) matched,
 * so one strong term (weight 3) in the body of a normal story gives ≈ 0.53, the same term in
 * the headline ≈ 0.85, and a 4,000-word piece needs about 3.4× the evidence of a 350-word one
 * instead of 11× (long texts mention many things in passing, but are still mostly about
 * something).
 */
export function scoreTopics(
  ids: readonly TopicId[],
  hits: Hit<TermPayload>[],
  titleEnd: number,
  bodyWords: number,
  params: ScoringParams,
): TopicScore[] {
  const tallies: Map<string, Tally>[] = ids.map(() => new Map());
  for (const h of hits) {
    const p = h.entry.payload;
    const map = tallies[p.topic];
    if (!map) continue;
    let t = map.get(p.term);
    if (!t) {
      t = { term: p.term, weight: p.weight, title: 0, body: 0 };
      map.set(p.term, t);
    }
    if (h.start < titleEnd) t.title++;
    else t.body++;
  }
  const lengthFactor = Math.max(1, Math.sqrt(bodyWords / params.lengthNorm));
  return ids.map((id, i) => {
    const map = tallies[i] as Map<string, Tally>;
    if (map.size === 0) return { id, score: 0, evidence: [] };
    const scored: Array<{ t: Tally; x: number }> = [];
    let x = 0;
    for (const t of map.values()) {
      const xi = t.weight * (params.titleWeight * damp(t.title) + damp(t.body));
      x += xi;
      scored.push({ t, x: xi });
    }
    // Weight-3 terms are unambiguous by construction, so only weaker lone terms are discounted.
    if (map.size === 1 && scored[0] && scored[0].t.weight < 3) x *= params.singleTermFactor;
    scored.sort((a, b) => b.x - a.x || (a.t.term < b.t.term ? -1 : 1));
    const score = Math.round((1 - Math.exp(-x / lengthFactor / params.saturation)) * 1000) / 1000;
    return {
      id,
      score,
      evidence: scored.map(({ t }) => ({
        term: t.term,
        count: t.title + t.body,
        inTitle: t.title,
      })),
    };
  });
}
