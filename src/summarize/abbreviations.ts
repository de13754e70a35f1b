/**
 * Words that end in a full stop without ending a sentence. Intl.Segmenter splits after them
 * ("Dr." + "Smith said…"), so the splitter re-joins across them. Lower case, without the final
 * dot; dotted ones keep their inner dots ("u.s", "z.b").
 */
export interface AbbreviationTable {
  /** Always followed by more of the same sentence: titles before names, "e.g.", "bzw.". */
  always: ReadonlySet<string>;
  /** Only inside a sentence when a number follows: "No. 5", "Nr. 3", "Art. 5 GG". */
  beforeNumber: ReadonlySet<string>;
  /** Words after which "75." is an ordinal before a noun ("zum 75. Jahrestag"), not an end. */
  ordinalLeads: ReadonlySet<string>;
}

/**
 * Abbreviations that also end sentences ("…founded by Apple Inc.", "…at 3 p.m.", "…usw."). They
 * are never re-joined on their own account; the lower-case rule in the splitter still joins
 * "Apple Inc. said" and "etc. and".
 */
export const CAN_END_SENTENCE: ReadonlySet<string> = new Set([
  "etc",
  "usw",
  "inc",
  "ltd",
  "corp",
  "co",
  "jr",
  "a.m",
  "p.m",
]);

const COMMON = ["e.g", "i.e", "vs", "approx", "ca", "cf", "viz"];
const COMMON_NUMBER = ["no", "nos", "nr", "fig", "vol", "pp", "p"];

const EN = [
  ...COMMON,
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "gen",
  "lt",
  "col",
  "maj",
  "capt",
  "cmdr",
  "adm",
  "brig",
  "sgt",
  "cpl",
  "sen",
  "rep",
  "gov",
  "pres",
  "amb",
  "hon",
  "rev",
  "st",
  "mt",
  "ft",
  "u.s",
  "u.k",
  "u.n",
  "e.u",
  "u.s.a",
  // Months before a day: "Jan. 5". A sentence ending in an abbreviated month is rare in news.
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "al",
  "op",
  "dept",
];

const DE = [
  ...COMMON,
  "z.b",
  "u.a",
  "d.h",
  "o.ä",
  "u.ä",
  "v.a",
  "i.d.r",
  "z.t",
  "bzw",
  "dr",
  "prof",
  "hr",
  "fr",
  "st",
  "ggf",
  "vgl",
  "sog",
  "evtl",
  "inkl",
  "exkl",
  "bspw",
  "bzgl",
  "zzt",
  // "5 Mio. Euro": always followed by the unit or the noun.
  "mio",
  "mrd",
  "dt",
  "engl",
  "gen",
  "jh",
  "jhd",
  "jan",
  "feb",
  "apr",
  "aug",
  "sept",
  "okt",
  "nov",
  "dez",
];

const FR = [
  ...COMMON,
  "mm",
  "mme",
  "mmes",
  "mlle",
  "mgr",
  "dr",
  "pr",
  "st",
  "ste",
  "av",
  "bd",
  "p.ex",
  "c.-à-d",
  "env",
  "janv",
  "févr",
  "avr",
  "juil",
  "sept",
  "oct",
  "nov",
  "déc",
  "gén",
  "col",
  "cdt",
  "lt",
];

const DE_NUMBER = [...COMMON_NUMBER, "art", "abs", "str", "s", "ziff", "bd"];
const FR_NUMBER = [...COMMON_NUMBER, "art", "n", "p"];

function table(
  always: string[],
  beforeNumber: string[],
  ordinalLeads: ReadonlySet<string> = new Set(),
): AbbreviationTable {
  return { always: new Set(always), beforeNumber: new Set(beforeNumber), ordinalLeads };
}

/** Month names, for "am 3. Oktober" / "le 3. octobre": a day number's dot does not end the sentence. */
export const MONTHS: ReadonlySet<string> = new Set([
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
  "januar",
  "jänner",
  "februar",
  "märz",
  "mai",
  "juni",
  "juli",
  "oktober",
  "dezember",
  "janvier",
  "février",
  "mars",
  "avril",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
]);

/**
 * German words that put an ordinal before a capitalised noun: "zum 75. Jahrestag", "der 2.
 * Weltkrieg", "im 19. Jahrhundert". After other words, "… im Jahr 2020. Die …" is a real end.
 */
export const GERMAN_ORDINAL_LEADS: ReadonlySet<string> = new Set([
  "am",
  "zum",
  "vom",
  "im",
  "beim",
  "zur",
  "der",
  "die",
  "das",
  "den",
  "dem",
  "des",
  "seit",
  "bis",
  "ab",
  "ihr",
  "ihre",
  "ihrem",
  "ihren",
  "ihrer",
  "sein",
  "seine",
  "seinem",
  "seinen",
  "seiner",
  "jeden",
  "jeder",
  "jedem",
  "jede",
  "einem",
  "einen",
  "einer",
  "eine",
  "ein",
  "bereits",
]);

const TABLES: Record<string, AbbreviationTable> = {
  en: table(EN, COMMON_NUMBER),
  de: table(DE, DE_NUMBER, GERMAN_ORDINAL_LEADS),
  fr: table(FR, FR_NUMBER),
};

// Without a usable language hint a story may be in any of them; their tables barely collide.
const ANY = table(
  [...EN, ...DE, ...FR],
  [...COMMON_NUMBER, ...DE_NUMBER, ...FR_NUMBER],
  GERMAN_ORDINAL_LEADS,
);

/** The table for an ISO 639-1 hint ("de", "de-AT", "DE"); all tables together for anything else. */
export function abbreviationsFor(language: string | undefined): AbbreviationTable {
  const primary = (language ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return TABLES[primary] ?? ANY;
}
