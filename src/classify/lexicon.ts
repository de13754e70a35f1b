import { ALL_CAPS, INITIAL_CAP, type Tokens, tokenizeText } from "./tokenize.js";

/**
 * Term syntax (topics.json and the country tables):
 *   "xinjiang"          the whole word
 *   "sanction*"         a word starting with the stem (sanctions, sanctioned)
 *   "*flüchtling*"      the stem anywhere inside a word: German compounds (Flüchtlingsunterkunft,
 *                       Kriegsflüchtlinge) — the stem may be the head or a part of the compound
 *   "*zölle"            a word ending in the stem (Strafzölle, Importzölle)
 *   "human right*"      words in sequence; each word may carry its own wildcards
 *   "UN", "new START"   a word written in capitals in the term only matches capitals in the text,
 *                       so "UN" is not the French article and "US" not the pronoun
 * Matching is whole-token: one tokenisation pass, then Map lookups for the first word of every
 * entry and a per-word trie walk for wildcard stems (cached per distinct word), never a regex per
 * term.
 */
export interface WordPattern {
  text: string;
  /** Word may continue after the stem. */
  prefix: boolean;
  /** Word may start before the stem. */
  infix: boolean;
  /** Only matches a word written entirely in capitals. */
  caps: boolean;
}

export interface CompiledEntry<P> {
  words: WordPattern[];
  payload: P;
  /** Only matches when the first word starts with a capital (proper nouns vs "china", "turkey"). */
  initialCap: boolean;
}

export interface Hit<P> {
  entry: CompiledEntry<P>;
  start: number;
  /** Exclusive. */
  end: number;
}

export const MIN_PREFIX_STEM = 3;
export const MIN_INFIX_STEM = 4;

/** Parse one term; throws with a human-readable reason when it cannot match anything. */
export function parseTerm(term: string): WordPattern[] {
  const out: WordPattern[] = [];
  for (const part of term.trim().split(/\s+/)) {
    if (part === "") continue;
    const infix = part.startsWith("*");
    const prefix = part.endsWith("*") && part.length > 1;
    const body = part.slice(infix ? 1 : 0, prefix ? -1 : undefined);
    if (body.includes("*")) throw new Error(`"*" is only allowed at the start or end of a word`);
    // Tokenise the term with the story tokenizer so folding and splitting are identical:
    // "1,5-Grad" → ["1.5", "grad"], "côte d'ivoire" → ["cote", "d", "ivoire"].
    const toks = tokenizeText(body);
    const n = toks.words.length;
    if (n === 0) throw new Error("term has no letters or digits");
    for (let i = 0; i < n; i++) {
      const text = toks.words[i] ?? "";
      const flags = toks.flags[i] ?? 0;
      const raw = text;
      out.push({
        text,
        prefix: prefix && i === n - 1,
        infix: infix && i === 0,
        caps: (flags & ALL_CAPS) !== 0 && /\p{L}/u.test(raw),
      });
    }
  }
  if (out.length === 0) throw new Error("term is empty");
  for (const w of out) {
    if (w.infix && w.text.length < MIN_INFIX_STEM)
      throw new Error(`"*${w.text}" is too short for an infix stem (min ${MIN_INFIX_STEM})`);
    if (w.prefix && w.text.length < MIN_PREFIX_STEM)
      throw new Error(`"${w.text}*" is too short for a prefix stem (min ${MIN_PREFIX_STEM})`);
  }
  return out;
}

interface TrieNode<P> {
  next: Map<string, TrieNode<P>>;
  /** Entries whose first word ends here and may continue (prefix stems). */
  open: CompiledEntry<P>[];
  /** Entries whose first word must end exactly here (suffix stems). */
  closed: CompiledEntry<P>[];
}

function node<P>(): TrieNode<P> {
  return { next: new Map(), open: [], closed: [] };
}

function insert<P>(root: TrieNode<P>, stem: string, entry: CompiledEntry<P>, open: boolean): void {
  let n = root;
  for (const ch of stem) {
    let child = n.next.get(ch);
    if (!child) {
      child = node<P>();
      n.next.set(ch, child);
    }
    n = child;
  }
  (open ? n.open : n.closed).push(entry);
}

const EMPTY: never[] = [];
const CANDIDATE_CACHE_MAX = 100_000;

function wordMatches(p: WordPattern, word: string, flags: number): boolean {
  if (p.caps && (flags & ALL_CAPS) === 0) return false;
  if (p.infix) return p.prefix ? word.includes(p.text) : word.endsWith(p.text);
  return p.prefix ? word.startsWith(p.text) : word === p.text;
}

export class Matcher<P> {
  private readonly exact = new Map<string, CompiledEntry<P>[]>();
  private readonly prefixTrie: TrieNode<P> = node();
  private readonly infixTrie: TrieNode<P> = node();
  private readonly wildCache = new Map<string, CompiledEntry<P>[]>();
  readonly size: number;

  constructor(entries: CompiledEntry<P>[]) {
    this.size = entries.length;
    for (const e of entries) {
      const first = e.words[0];
      if (!first) continue;
      if (first.infix) insert(this.infixTrie, first.text, e, first.prefix);
      else if (first.prefix) insert(this.prefixTrie, first.text, e, true);
      else {
        const list = this.exact.get(first.text);
        if (list) list.push(e);
        else this.exact.set(first.text, [e]);
      }
    }
  }

  /** Entries whose first word is a wildcard stem matching `word`; memoised per distinct word. */
  private wildFor(word: string): CompiledEntry<P>[] {
    const cached = this.wildCache.get(word);
    if (cached) return cached;
    let found: CompiledEntry<P>[] | undefined;
    const add = (list: CompiledEntry<P>[]) => {
      if (list.length === 0) return;
      found ??= [];
      for (const e of list) if (!found.includes(e)) found.push(e);
    };
    let n: TrieNode<P> | undefined = this.prefixTrie;
    for (let i = 0; i < word.length && n; i++) {
      n = n.next.get(word[i] ?? "");
      if (n) add(n.open);
    }
    if (this.infixTrie.next.size > 0) {
      for (let s = 0; s < word.length; s++) {
        let m: TrieNode<P> | undefined = this.infixTrie;
        for (let i = s; i < word.length && m; i++) {
          m = m.next.get(word[i] ?? "");
          if (!m) break;
          add(m.open);
          if (i === word.length - 1) add(m.closed);
        }
      }
    }
    const result = found ?? EMPTY;
    if (this.wildCache.size >= CANDIDATE_CACHE_MAX) this.wildCache.clear();
    this.wildCache.set(word, result);
    return result;
  }

  /** Append every match (overlaps included; callers resolve them) to `out`. */
  match(tokens: Tokens, out: Hit<P>[]): void {
    const { words, flags, titleEnd } = tokens;
    const n = words.length;
    for (let i = 0; i < n; i++) {
      const w = words[i] as string;
      const f = flags[i] as number;
      const segEnd = i < titleEnd ? titleEnd : n;
      const exact = this.exact.get(w);
      if (exact) this.verify(exact, tokens, i, f, segEnd, out);
      const wild = this.wildFor(w);
      if (wild.length > 0) this.verify(wild, tokens, i, f, segEnd, out);
    }
  }

  private verify(
    list: CompiledEntry<P>[],
    tokens: Tokens,
    i: number,
    f: number,
    segEnd: number,
    out: Hit<P>[],
  ): void {
    const { words, flags } = tokens;
    outer: for (const e of list) {
      const ws = e.words;
      const first = ws[0] as WordPattern;
      if (first.caps && (f & ALL_CAPS) === 0) continue;
      if (e.initialCap && (f & INITIAL_CAP) === 0) continue;
      const end = i + ws.length;
      if (end > segEnd) continue;
      for (let k = 1; k < ws.length; k++) {
        if (!wordMatches(ws[k] as WordPattern, words[i + k] as string, flags[i + k] as number))
          continue outer;
      }
      out.push({ entry: e, start: i, end });
    }
  }
}

/**
 * Greedy overlap resolution: longer spans first, then higher `rank`; a hit is kept unless it
 * overlaps a kept hit in the same `group`. One word therefore yields at most one piece of evidence
 * per topic ("Menschenrechtsverletzungen" matches several stems but counts once).
 */
export function resolveOverlaps<P>(
  hits: Hit<P>[],
  group: (p: P) => number,
  rank: (p: P) => number,
): Hit<P>[] {
  if (hits.length < 2) return hits;
  const sorted = hits.slice().sort((a, b) => {
    const len = b.end - b.start - (a.end - a.start);
    if (len !== 0) return len;
    const r = rank(b.entry.payload) - rank(a.entry.payload);
    return r !== 0 ? r : a.start - b.start;
  });
  const taken = new Map<number, Array<[number, number]>>();
  const kept: Hit<P>[] = [];
  for (const h of sorted) {
    const g = group(h.entry.payload);
    let spans = taken.get(g);
    if (!spans) {
      spans = [];
      taken.set(g, spans);
    }
    let clash = false;
    for (const [s, e] of spans) {
      if (h.start < e && s < h.end) {
        clash = true;
        break;
      }
    }
    if (clash) continue;
    spans.push([h.start, h.end]);
    kept.push(h);
  }
  return kept;
}

/** Drop hits lying entirely inside an exclusion span of the same group ("climate of fear"). */
export function applyExclusions<P>(
  hits: Hit<P>[],
  exclusions: Hit<P>[],
  group: (p: P) => number,
): Hit<P>[] {
  if (exclusions.length === 0) return hits;
  return hits.filter((h) => {
    const g = group(h.entry.payload);
    for (const x of exclusions) {
      if (group(x.entry.payload) === g && x.start <= h.start && h.end <= x.end) return false;
    }
    return true;
  });
}
