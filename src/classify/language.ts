import { franc } from "franc-min";

/** franc-min's ISO 639-3 codes that have an ISO 639-1 equivalent. */
const ISO3_TO_1: Readonly<Record<string, string>> = {
  eng: "en",
  deu: "de",
  fra: "fr",
  spa: "es",
  por: "pt",
  ita: "it",
  nld: "nl",
  pol: "pl",
  ron: "ro",
  ces: "cs",
  hun: "hu",
  swe: "sv",
  tur: "tr",
  rus: "ru",
  ukr: "uk",
  bel: "be",
  bul: "bg",
  srp: "sr",
  hrv: "hr",
  bos: "bs",
  kaz: "kk",
  uzn: "uz",
  azj: "az",
  arb: "ar",
  pes: "fa",
  urd: "ur",
  pbu: "ps",
  ckb: "ku",
  hin: "hi",
  mar: "mr",
  npi: "ne",
  ind: "id",
  zlm: "ms",
  vie: "vi",
  jav: "jv",
  sun: "su",
  tgl: "tl",
  swh: "sw",
  hau: "ha",
  yor: "yo",
  ibo: "ig",
  zul: "zu",
  kin: "rw",
  run: "rn",
  nya: "ny",
  som: "so",
  lin: "ln",
  plt: "mg",
  fuv: "ff",
  qug: "qu",
  zyb: "za",
  cmn: "zh",
  jpn: "ja",
  kor: "ko",
  ell: "el",
  heb: "he",
  tha: "th",
  kat: "ka",
  hye: "hy",
  ben: "bn",
  tam: "ta",
  tel: "te",
  kan: "kn",
  mal: "ml",
  guj: "gu",
  pan: "pa",
  ori: "or",
  sin: "si",
  mya: "my",
  khm: "km",
  lao: "lo",
  amh: "am",
  tir: "ti",
  bod: "bo",
  div: "dv",
};

/** Below this many characters franc guesses more than it detects. */
export const MIN_DETECT_CHARS = 40;
/** Trigram statistics settle long before this; sampling keeps detection O(1) per story. */
const SAMPLE_CHARS = 600;

// Function words frequent in news prose and specific to one of the three lexicon languages
// (shared ones such as "de", "des", "in" are left out). Folded like tokens (für → fur).
const FUNCTION_WORDS: ReadonlyMap<string, number> = new Map([
  ...[
    "the",
    "and",
    "of",
    "to",
    "is",
    "was",
    "that",
    "with",
    "for",
    "on",
    "are",
    "said",
    "has",
    "have",
    "from",
    "by",
    "it",
    "this",
    "which",
    "were",
    "be",
    "its",
    "at",
    "as",
    "would",
    "after",
    "but",
  ].map((w) => [w, 0] as const),
  ...[
    "der",
    "die",
    "das",
    "und",
    "ist",
    "nicht",
    "mit",
    "den",
    "dem",
    "sich",
    "auf",
    "auch",
    "ein",
    "eine",
    "einen",
    "fur",
    "wurde",
    "hat",
    "zu",
    "von",
    "im",
    "sie",
    "nach",
    "bei",
    "wie",
    "aus",
    "uber",
    "werden",
    "sei",
  ].map((w) => [w, 1] as const),
  ...[
    "le",
    "la",
    "les",
    "et",
    "est",
    "du",
    "une",
    "dans",
    "pour",
    "qui",
    "sur",
    "pas",
    "au",
    "aux",
    "avec",
    "sont",
    "ont",
    "cette",
    "il",
    "elle",
    "par",
    "ete",
    "ses",
    "leur",
    "selon",
  ].map((w) => [w, 2] as const),
]);
// Frequent in Spanish, Italian, Portuguese, Dutch: their presence sends the text to franc.
const OTHER_LATIN = new Set([
  "el",
  "los",
  "las",
  "del",
  "y",
  "della",
  "che",
  "di",
  "het",
  "een",
  "van",
  "nao",
  "os",
  "uma",
  "em",
  "con",
  "per",
  "por",
]);
const FAST_LANGS = ["en", "de", "fr"] as const;

/**
 * Fast path for the common case. franc costs ~0.3–0.5 ms per story, ten times the rest of the
 * classifier, so when function words leave no doubt that a text is English, German or French
 * we skip it. Anything less clear-cut (other languages, mixed or odd text) goes to franc.
 */
export function quickDetect(words: readonly string[]): string | undefined {
  const n = Math.min(words.length, 300);
  if (n < 20) return undefined;
  const counts = [0, 0, 0];
  let other = 0;
  for (let i = 0; i < n; i++) {
    const w = words[i] as string;
    const lang = FUNCTION_WORDS.get(w);
    if (lang !== undefined) counts[lang] = (counts[lang] ?? 0) + 1;
    else if (OTHER_LATIN.has(w)) other++;
  }
  let best = 0;
  for (let l = 1; l < 3; l++) if ((counts[l] ?? 0) > (counts[best] ?? 0)) best = l;
  const top = counts[best] ?? 0;
  const second = Math.max(...counts.filter((_, l) => l !== best));
  if (top >= n * 0.15 && top >= 4 * second && other <= n * 0.02) return FAST_LANGS[best];
  return undefined;
}

/** ISO 639-1 code, or "und" when the text is too short or the language has no 639-1 code. */
export function detectLanguage(text: string): string {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  if (sample.trim().length < MIN_DETECT_CHARS) return "und";
  const code = franc(sample, { minLength: MIN_DETECT_CHARS });
  return ISO3_TO_1[code] ?? "und";
}

/** Accept "en", "EN", "en-GB", "en_US"; anything else is "und". */
export function normalizeLanguageHint(hint: string | undefined): string | undefined {
  if (!hint) return undefined;
  // "und" is an explicit "unknown": skip detection and score with every lexicon.
  if (hint.trim().toLowerCase() === "und") return "und";
  const m = /^([a-zA-Z]{2})(?:[-_].*)?$/.exec(hint.trim());
  return m?.[1] ? m[1].toLowerCase() : undefined;
}
