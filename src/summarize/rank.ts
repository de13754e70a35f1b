const STOPWORDS = new Set(
  (
    "the a an and or but of to in on at for with by from as is are was were be been has have had it its this that these those " +
    "he she they we you i his her their our said says will would could should may might not no also than then there which who whom what " +
    "der die das den dem des ein eine einer eines einem und oder aber von zu im in am an auf für mit bei aus als ist sind war waren " +
    "wird werden hat haben sich nicht auch dass sie er es wir ihr sein seine ihre nach vor über unter um wie so noch " +
    "le la les un une des du de et ou mais à au aux en dans sur pour par avec est sont était été a ont il elle ils elles nous vous " +
    "ce cette ces qui que quoi dont se sa son ses leur leurs pas ne plus aussi comme"
  ).split(" "),
);

export function contentWords(sentence: string): string[] {
  const out: string[] = [];
  for (const match of sentence.toLowerCase().matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)) {
    const word = match[0];
    if (word.length > 2 && !STOPWORDS.has(word)) out.push(word);
  }
  return out;
}

/**
 * Centrality of each sentence: cosine similarity of its TF-IDF vector to the document's centroid.
 * Cheaper than TextRank's pairwise graph (linear in the text) and, for news, just as good at
 * finding the sentences that carry what the whole story is about.
 */
export function centrality(sentences: string[][]): number[] {
  const df = new Map<string, number>();
  for (const words of sentences) for (const w of new Set(words)) df.set(w, (df.get(w) ?? 0) + 1);
  const n = sentences.length;
  const idf = (w: string) => Math.log(1 + n / (df.get(w) ?? 1));
  const vectors = sentences.map((words) => {
    const tf = new Map<string, number>();
    for (const w of words) tf.set(w, (tf.get(w) ?? 0) + 1);
    for (const [w, c] of tf) tf.set(w, c * idf(w));
    return tf;
  });
  const centroid = new Map<string, number>();
  for (const v of vectors) for (const [w, x] of v) centroid.set(w, (centroid.get(w) ?? 0) + x);
  const norm = (v: Map<string, number>) =>
    Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0)) || 1;
  const centroidNorm = norm(centroid);
  return vectors.map((v) => {
    let dot = 0;
    for (const [w, x] of v) dot += x * (centroid.get(w) ?? 0);
    return dot / (norm(v) * centroidNorm);
  });
}

/** Word-set overlap, for spotting a first sentence that only repeats the headline. */
export function overlap(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const set = new Set(b);
  const shared = new Set(a.filter((w) => set.has(w))).size;
  return shared / Math.min(new Set(a).size, set.size);
}

/** Whether a sentence contains a term, also inside a longer word ("menschenrecht" in a compound). */
export function containsTerm(lowerSentence: string, term: string): boolean {
  const t = term.toLowerCase().replace(/\*/g, "").trim();
  return t.length > 1 && lowerSentence.includes(t);
}
