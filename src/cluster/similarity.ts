import { type IdfTable, idfWeight } from "./idf.js";
import type { EventSignature } from "./signature.js";

/** The comparisons a same-event decision is made from, each in [0, 1] or a small count. */
export interface PairFeatures {
  /** Jaccard of the content-word stems of title and lead. */
  words: number;
  /** The same, each stem weighted by its rarity in news. */
  rareWords: number;
  /** Rarity of the rarest stem the two share (a shared place or subject word). */
  rarestShared: number;
  /** Rarity of the rarest capitalised stem both write: a name, also one the gazetteer lacks. */
  rarestCapital: number;
  /** Share of the shorter title's stems found in the other title. */
  title: number;
  /** How much of each title (rarity-weighted) the other story tells anywhere, on average. */
  titleCovered: number;
  /** Share of the smaller name set found in the other (0 when either has none). */
  names: number;
  /** Names in common, counted (two shared names say more than one). */
  sharedNames: number;
  countries: number;
  sharedNumbers: number;
  sameLanguage: number;
  /** Title words told again in the other story and a rare name in common: the two together. */
  coveredAndNamed: number;
}

export const FEATURE_NAMES = [
  "words",
  "rareWords",
  "rarestShared",
  "rarestCapital",
  "title",
  "titleCovered",
  "names",
  "sharedNames",
  "countries",
  "sharedNumbers",
  "sameLanguage",
  "coveredAndNamed",
] as const satisfies ReadonlyArray<keyof PairFeatures>;

function overlap<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return n;
}

const jaccard = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>, shared = overlap(a, b)) => {
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
};

const ofSmaller = <T>(a: ReadonlySet<T>, b: ReadonlySet<T>, shared = overlap(a, b)) => {
  const m = Math.min(a.size, b.size);
  return m === 0 ? 0 : shared / m;
};

/** Shared counts are capped: the fifth shared name adds nothing the fourth did not. */
const CAP = 4;

function weighted(a: ReadonlySet<string>, b: ReadonlySet<string>, idf: IdfTable) {
  let shared = 0;
  let union = 0;
  let rarest = 0;
  for (const w of a) {
    const x = idfWeight(idf, w);
    union += x;
    if (b.has(w)) {
      shared += x;
      rarest = Math.max(rarest, x);
    }
  }
  for (const w of b) if (!a.has(w)) union += idfWeight(idf, w);
  return { jaccard: union === 0 ? 0 : shared / union, rarest };
}

/** The rarity-weighted share of `part` found in `whole`. */
function covered(part: ReadonlySet<string>, whole: ReadonlySet<string>, idf: IdfTable): number {
  let found = 0;
  let all = 0;
  for (const w of part) {
    const x = idfWeight(idf, w);
    all += x;
    if (whole.has(w)) found += x;
  }
  return all === 0 ? 0 : found / all;
}

export function pairFeatures(a: EventSignature, b: EventSignature, idf: IdfTable): PairFeatures {
  const sharedNames = overlap(a.names, b.names);
  const w = weighted(a.words, b.words, idf);
  const f: PairFeatures = {
    words: jaccard(a.words, b.words),
    rareWords: w.jaccard,
    rarestShared: w.rarest,
    rarestCapital: weighted(a.capitals, b.capitals, idf).rarest,
    title: ofSmaller(a.titleWords, b.titleWords),
    titleCovered: (covered(a.titleWords, b.words, idf) + covered(b.titleWords, a.words, idf)) / 2,
    names: ofSmaller(a.names, b.names, sharedNames),
    sharedNames: Math.min(CAP, sharedNames) / CAP,
    countries: jaccard(a.countries, b.countries),
    sharedNumbers: Math.min(CAP, overlap(a.numbers, b.numbers)) / CAP,
    sameLanguage: a.language === b.language ? 1 : 0,
    coveredAndNamed: 0,
  };
  f.coveredAndNamed = f.titleCovered * Math.max(f.rarestCapital, f.names);
  return f;
}

export const featureVector = (f: PairFeatures): number[] => FEATURE_NAMES.map((k) => f[k]);
