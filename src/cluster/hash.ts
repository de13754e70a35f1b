/** FNV-1a, 32 bits, from `seed` (so that one string hashes differently as different kinds of key). */
export function hashOf(s: string, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}
