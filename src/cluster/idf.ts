import type { EventSignature } from "./signature.js";

/**
 * How common each word stem is in news: a shared rare word ("Maiduguri", "earthquake") says far
 * more about two stories reporting one event than a shared common one ("says", "government").
 * Only stems seen in at least `minDf` documents are stored; any other stem counts as rare.
 */
export interface IdfTable {
  docs: number;
  df: Readonly<Record<string, number>>;
}

export const MIN_STORED_DF = 4;

export function buildIdf(signatures: Iterable<EventSignature>, minDf = MIN_STORED_DF): IdfTable {
  const counts = new Map<string, number>();
  let docs = 0;
  for (const s of signatures) {
    docs++;
    for (const w of s.words) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const df: Record<string, number> = {};
  for (const [w, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    if (n >= minDf) df[w] = n;
  return { docs, df };
}

const memo = new WeakMap<IdfTable, (stem: string) => number>();

/**
 * The table's weight function, memoised per stem: weight in (0, 1], 1 for a stem rarer than the
 * table stores, near 0 for one in every story.
 */
export function idfWeigher(t: IdfTable): (stem: string) => number {
  const known = memo.get(t);
  if (known) return known;
  const cache = new Map<string, number>();
  const scale = Math.log((t.docs + 1) / 1.5);
  const weigh = (stem: string): number => {
    let w = cache.get(stem);
    if (w === undefined) {
      w = Math.log((t.docs + 1) / ((t.df[stem] ?? 1) + 0.5)) / scale;
      cache.set(stem, w);
    }
    return w;
  };
  memo.set(t, weigh);
  return weigh;
}
