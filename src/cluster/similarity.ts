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

/** A signature's stems with their rarity, computed once per story rather than once per pair. */
interface Rarity {
  idf: IdfTable;
  /** Every content stem (title stems and capitals are among them) with its weight. */
  words: Map<string, number>;
  wordSum: number;
  titleSum: number;
}

const rarities = new WeakMap<EventSignature, Rarity>();

function rarityOf(s: EventSignature, idf: IdfTable): Rarity {
  const known = rarities.get(s);
  if (known?.idf === idf) return known;
  const words = new Map<string, number>();
  let wordSum = 0;
  for (const w of s.words) {
    const x = idfWeight(idf, w);
    words.set(w, x);
    wordSum += x;
  }
  let titleSum = 0;
  for (const w of s.titleWords) titleSum += words.get(w) ?? idfWeight(idf, w);
  const r: Rarity = { idf, words, wordSum, titleSum };
  rarities.set(s, r);
  return r;
}

/** Shared stems: how many, their summed rarity, and the rarest one's. */
function sharedWords(a: Rarity, b: Rarity) {
  const [small, large] = a.words.size <= b.words.size ? [a, b] : [b, a];
  let count = 0;
  let weight = 0;
  let rarest = 0;
  for (const [w, x] of small.words) {
    if (!large.words.has(w)) continue;
    count++;
    weight += x;
    if (x > rarest) rarest = x;
  }
  return { count, weight, rarest };
}

/** The rarity of the rarest stem in both sets. */
function rarestIn(a: ReadonlySet<string>, b: ReadonlySet<string>, r: Rarity): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let rarest = 0;
  for (const w of small) {
    if (!large.has(w)) continue;
    const x = r.words.get(w) ?? idfWeight(r.idf, w);
    if (x > rarest) rarest = x;
  }
  return rarest;
}

/** The rarity-weighted share of a title found in the other story's words. */
function covered(title: ReadonlySet<string>, r: Rarity, whole: ReadonlySet<string>): number {
  if (r.titleSum === 0) return 0;
  let found = 0;
  for (const w of title) if (whole.has(w)) found += r.words.get(w) ?? idfWeight(r.idf, w);
  return found / r.titleSum;
}

export function pairFeatures(a: EventSignature, b: EventSignature, idf: IdfTable): PairFeatures {
  const ra = rarityOf(a, idf);
  const rb = rarityOf(b, idf);
  const sharedNames = overlap(a.names, b.names);
  const shared = sharedWords(ra, rb);
  const wordUnion = a.words.size + b.words.size - shared.count;
  const weightUnion = ra.wordSum + rb.wordSum - shared.weight;
  const f: PairFeatures = {
    words: wordUnion === 0 ? 0 : shared.count / wordUnion,
    rareWords: weightUnion <= 0 ? 0 : shared.weight / weightUnion,
    rarestShared: shared.rarest,
    rarestCapital: rarestIn(a.capitals, b.capitals, ra),
    title: ofSmaller(a.titleWords, b.titleWords),
    titleCovered: (covered(a.titleWords, ra, b.words) + covered(b.titleWords, rb, a.words)) / 2,
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
