import { hashOf } from "./hash.js";
import { type IdfTable, idfWeigher } from "./idf.js";
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

/**
 * A stem set as sorted 32-bit hashes with each stem's rarity: two stories are intersected by one
 * sequential merge, several times faster than probing a hash set per stem. Two different stems
 * hashing alike is rare enough (about one pair of stories in a million shares a false stem) to
 * move no decision.
 */
interface Hashed {
  hashes: number[];
  weights: number[];
  sum: number;
}

/** A signature's stems with their rarity, computed once per story rather than once per pair. */
interface Rarity {
  idf: IdfTable;
  words: Hashed;
  title: Hashed;
  capitals: Hashed;
  names: Hashed;
  numbers: Hashed;
}

const rarities = new WeakMap<EventSignature, Rarity>();

function hashed(stems: ReadonlySet<string>, weigh: (stem: string) => number): Hashed {
  // Plain arrays: for tens of entries they are cheaper to make than typed arrays.
  const hashes: number[] = [];
  const weights: number[] = [];
  let sum = 0;
  for (const w of stems) {
    const h = hashOf(w);
    const x = weigh(w);
    sum += x;
    hashes.push(h);
    weights.push(x);
    // Insertion into the sorted prefix: sets hold tens of stems.
    let i = hashes.length - 1;
    while (i > 0 && (hashes[i - 1] as number) > h) {
      hashes[i] = hashes[i - 1] as number;
      weights[i] = weights[i - 1] as number;
      i--;
    }
    hashes[i] = h;
    weights[i] = x;
  }
  return { hashes, weights, sum };
}

const unweighted = (): number => 1;

function rarityOf(s: EventSignature, idf: IdfTable): Rarity {
  const known = rarities.get(s);
  if (known?.idf === idf) return known;
  const weigh = idfWeigher(idf);
  const r: Rarity = {
    idf,
    words: hashed(s.words, weigh),
    title: hashed(s.titleWords, weigh),
    capitals: hashed(s.capitals, weigh),
    names: hashed(s.names, unweighted),
    numbers: hashed(s.numbers, unweighted),
  };
  rarities.set(s, r);
  return r;
}

/** Stems in both sets: how many, their summed rarity, and the rarest one's rarity. */
function shared(a: Hashed, b: Hashed) {
  const ha = a.hashes;
  const hb = b.hashes;
  let count = 0;
  let weight = 0;
  let rarest = 0;
  let i = 0;
  let j = 0;
  while (i < ha.length && j < hb.length) {
    const x = ha[i] as number;
    const y = hb[j] as number;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      const w = a.weights[i] as number;
      count++;
      weight += w;
      if (w > rarest) rarest = w;
      i++;
      j++;
    }
  }
  return { count, weight, rarest };
}

/** The rarity-weighted share of a title found in the other story's words. */
function covered(title: Hashed, whole: Hashed): number {
  return title.sum === 0 ? 0 : shared(title, whole).weight / title.sum;
}

export function pairFeatures(a: EventSignature, b: EventSignature, idf: IdfTable): PairFeatures {
  const ra = rarityOf(a, idf);
  const rb = rarityOf(b, idf);
  const sharedNames = shared(ra.names, rb.names).count;
  const words = shared(ra.words, rb.words);
  const wordUnion = a.words.size + b.words.size - words.count;
  const weightUnion = ra.words.sum + rb.words.sum - words.weight;
  const f: PairFeatures = {
    words: wordUnion === 0 ? 0 : words.count / wordUnion,
    rareWords: weightUnion <= 0 ? 0 : words.weight / weightUnion,
    rarestShared: words.rarest,
    rarestCapital: shared(ra.capitals, rb.capitals).rarest,
    title: ofSmaller(a.titleWords, b.titleWords, shared(ra.title, rb.title).count),
    titleCovered: (covered(ra.title, rb.words) + covered(rb.title, ra.words)) / 2,
    names: ofSmaller(a.names, b.names, sharedNames),
    sharedNames: Math.min(CAP, sharedNames) / CAP,
    countries: jaccard(a.countries, b.countries),
    sharedNumbers: Math.min(CAP, shared(ra.numbers, rb.numbers).count) / CAP,
    sameLanguage: a.language === b.language ? 1 : 0,
    coveredAndNamed: 0,
  };
  f.coveredAndNamed = f.titleCovered * Math.max(f.rarestCapital, f.names);
  return f;
}

export const featureVector = (f: PairFeatures): number[] => FEATURE_NAMES.map((k) => f[k]);
