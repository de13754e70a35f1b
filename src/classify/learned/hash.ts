/**
 * 32-bit FNV-1a over UTF-16 code units. Feature names are hashed into a fixed space so that the
 * model needs no vocabulary table: unseen words simply land on buckets with no weight.
 */
export function fnv1a(s: string): number {
  return fnvStep(FNV_OFFSET, s);
}

export const FNV_OFFSET = 0x811c9dc5;

/** Continue a hash with more characters: fnvStep(fnv1a(a), b) === fnv1a(a + b), no string built. */
export function fnvStep(hash: number, s: string): number {
  let h = hash;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded PRNG, so training shuffles are the same on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
