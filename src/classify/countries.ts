import { createRequire } from "node:module";
import countries, { type LocaleData } from "i18n-iso-countries";
import {
  applyExclusions,
  type CompiledEntry,
  type Hit,
  Matcher,
  parseTerm,
  resolveOverlaps,
} from "./lexicon.js";
import type { Tokens } from "./tokenize.js";

/**
 * Country tagging: ISO 3166-1 alpha-2 codes of the countries a story is about, from
 *  - country names (i18n-iso-countries, en/de/fr, official and alternative names),
 *  - demonyms/adjectives (hand list below; German/French adjectives are lowercase, so only
 *    names and seats require an initial capital),
 *  - capitals and seats of power used as metonyms ("the Kremlin said", "Peking fordert").
 *
 * Precision over recall. Known trade-offs:
 *  - "Georgia", "Jordan", "Chad" (US state, first names) only count when the story also has a
 *    confirming signal (Tbilisi, Amman, "Jordanian", …). Without one they are dropped.
 *  - "Turkey"/"China"/"Guinea" need an initial capital and are cancelled inside excluded phrases
 *    ("roast turkey", "fine china", "guinea pig"). A capitalised headline "Turkey Recipes" still
 *    tags TR: accepted risk.
 *  - "Paris", "Geneva", "Vienna" are not metonyms: they are mostly venues ("agreed in Paris",
 *    the Paris Agreement). Brussels is the EU, not Belgium. Jerusalem is left out as contested.
 *  - German "Bundesregierung"/"Bundeskanzler" map to DE although Austria uses the same words.
 */

type Lang = "en" | "de" | "fr";
const LANGS: readonly Lang[] = ["en", "de", "fr"];

type Kind = "name" | "demonym" | "seat" | "ambiguous" | "confirm" | "exclude" | "outlet";
interface CountryPayload {
  code: string;
  kind: Kind;
  /** An outlet word the nationality follows ("la chaîne britannique"): French nouns only. */
  nationalityAfter?: boolean;
}

const require = createRequire(import.meta.url);
for (const lang of LANGS) {
  countries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as LocaleData);
}

/** Names that are ordinary words or ambiguous in some language; handled below or dropped. */
const SKIP_NAMES: Record<Lang, readonly string[]> = {
  en: ["Georgia", "Jordan", "Chad", "Korea", "Congo", "Jersey", "Man", "Guernsey"],
  de: ["Korea", "Jersey"],
  fr: ["Géorgie", "Réunion", "Maurice", "Jersey", "Corée", "Congo"],
};
/** Dropped when the language is unknown and all tables are merged (German "Island" = Iceland). */
const SKIP_WHEN_MERGED = new Set(["island", "islands", "maurice", "georgien", "georgiens"]);

const EXTRA_NAMES: Record<Lang, Record<string, readonly string[]>> = {
  en: {
    SY: ["Syria"],
    LA: ["Laos"],
    MD: ["Moldova"],
    VA: ["Vatican"],
    FM: ["Micronesia"],
    CD: ["DR Congo", "DRC", "Congo-Kinshasa"],
    CG: ["Congo-Brazzaville"],
    CV: ["Cabo Verde"],
    US: ["America"],
    GB: ["Britain"],
    PS: ["Gaza", "Gaza Strip", "West Bank", "Palestinian territories"],
    UA: ["Crimea", "Donbas", "Donbass"],
    CN: ["Xinjiang", "Tibet", "mainland China"],
    MM: ["Burma"],
    CI: ["Ivory Coast"],
  },
  de: {
    US: ["Amerika"],
    VA: ["Vatikan"],
    MD: ["Moldau", "Moldova"],
    PS: ["Gaza", "Gazastreifen", "Westjordanland", "Palästinensergebiete"],
    UA: ["Krim", "Donbass"],
    CN: ["Xinjiang", "Tibet"],
    CD: ["DR Kongo"],
  },
  fr: {
    US: ["Amérique"],
    VA: ["Vatican"],
    MU: ["île Maurice"],
    PS: ["Gaza", "Cisjordanie", "territoires palestiniens"],
    UA: ["Crimée", "Donbass"],
    CN: ["Xinjiang", "Tibet"],
    CD: ["RDC", "RD Congo"],
  },
};

/** code → [en, de, fr] demonyms and adjectives. */
const DEMONYMS: ReadonlyArray<
  readonly [string, readonly string[], readonly string[], readonly string[]]
> = [
  ["RU", ["Russian", "Russians"], ["russisch*", "Russen", "Russin*"], ["russe", "russes"]],
  ["CN", ["Chinese"], ["chinesisch*", "Chinesen", "Chinesin*"], ["chinois*"]],
  ["DE", ["German", "Germans"], ["deutsch*"], ["allemand*"]],
  ["UA", ["Ukrainian", "Ukrainians"], ["ukrainisch*", "Ukrainer*"], ["ukrainien*"]],
  ["IL", ["Israeli", "Israelis"], ["israelisch*", "Israeli", "Israelis"], ["israélien*"]],
  ["PS", ["Palestinian", "Palestinians"], ["palästinensisch*", "Palästinenser*"], ["palestinien*"]],
  ["IR", ["Iranian", "Iranians"], ["iranisch*", "Iraner*"], ["iranien*"]],
  ["US", ["American", "Americans"], ["amerikanisch*", "Amerikaner*"], ["américain*"]],
  ["GB", ["British", "Briton", "Britons"], ["britisch*", "Briten"], ["britannique*"]],
  ["FR", ["French"], ["französisch*", "Franzosen"], ["français", "française", "françaises"]],
  [
    "IT",
    ["Italian", "Italians"],
    ["italienisch*", "Italiener*"],
    ["italien", "italienne", "italiens", "italiennes"],
  ],
  ["ES", ["Spanish", "Spaniards"], ["spanisch*", "Spanier*"], ["espagnol*"]],
  ["PL", ["Polish", "Poles"], ["polnisch*"], ["polonais*"]],
  ["TR", ["Turkish", "Turks"], ["türkisch*", "Türken"], ["turc", "turcs", "turque", "turques"]],
  ["JP", ["Japanese"], ["japanisch*", "Japaner*"], ["japonais*"]],
  ["KR", ["South Korean", "South Koreans"], ["südkoreanisch*", "Südkoreaner*"], ["sud-coréen*"]],
  ["KP", ["North Korean", "North Koreans"], ["nordkoreanisch*", "Nordkoreaner*"], ["nord-coréen*"]],
  [
    "IN",
    ["Indian", "Indians"],
    ["indisch*", "Inder"],
    ["indien", "indienne", "indiens", "indiennes"],
  ],
  ["PK", ["Pakistani", "Pakistanis"], ["pakistanisch*"], ["pakistanais*"]],
  ["AF", ["Afghan", "Afghans"], ["afghanisch*"], ["afghan", "afghane", "afghanes", "afghans"]],
  [
    "SY",
    ["Syrian", "Syrians"],
    ["syrisch*", "Syrer*"],
    ["syrien", "syrienne", "syriens", "syriennes"],
  ],
  ["IQ", ["Iraqi", "Iraqis"], ["irakisch*", "Iraker*"], ["irakien*"]],
  ["LB", ["Lebanese"], ["libanesisch*", "Libanese*"], ["libanais*"]],
  ["YE", ["Yemeni", "Yemenis"], ["jemenitisch*"], ["yéménite*"]],
  ["SA", ["Saudi", "Saudis"], ["saudisch*"], ["saoudien*"]],
  ["EG", ["Egyptian", "Egyptians"], ["ägyptisch*", "Ägypter*"], ["égyptien*"]],
  ["JO", ["Jordanian", "Jordanians"], ["jordanisch*"], ["jordanien*"]],
  ["QA", ["Qatari", "Qataris"], ["katarisch*"], ["qatari*"]],
  ["AE", ["Emirati", "Emiratis"], ["emiratisch*"], ["émirien*"]],
  ["TW", ["Taiwanese"], ["taiwanisch*"], ["taïwanais*"]],
  ["BY", ["Belarusian", "Belarusians"], ["belarussisch*"], ["biélorusse*"]],
  ["AM", ["Armenian", "Armenians"], ["armenisch*"], ["arménien*"]],
  ["AZ", ["Azerbaijani", "Azerbaijanis", "Azeri"], ["aserbaidschanisch*"], ["azerbaïdjanais*"]],
  ["GR", ["Greek"], ["griechisch*"], ["grec", "grecque", "grecs", "grecques"]],
  ["NL", ["Dutch"], ["niederländisch*"], ["néerlandais*"]],
  ["BE", ["Belgian"], ["belgisch*"], ["belge", "belges"]],
  ["AT", ["Austrian"], ["österreichisch*"], ["autrichien*"]],
  ["CH", ["Swiss"], ["schweizerisch*"], ["suisse", "suisses"]],
  ["SE", ["Swedish"], ["schwedisch*"], ["suédois*"]],
  ["FI", ["Finnish"], ["finnisch*"], ["finlandais*"]],
  ["NO", ["Norwegian"], ["norwegisch*"], ["norvégien*"]],
  ["DK", ["Danish"], ["dänisch*"], ["danois*"]],
  ["HU", ["Hungarian"], ["ungarisch*"], ["hongrois*"]],
  ["CZ", ["Czech"], ["tschechisch*"], ["tchèque", "tchèques"]],
  ["RO", ["Romanian"], ["rumänisch*"], ["roumain*"]],
  ["RS", ["Serbian", "Serbs"], ["serbisch*"], ["serbe", "serbes"]],
  ["CA", ["Canadian", "Canadians"], ["kanadisch*"], ["canadien*"]],
  ["MX", ["Mexican", "Mexicans"], ["mexikanisch*"], ["mexicain*"]],
  ["BR", ["Brazilian", "Brazilians"], ["brasilianisch*"], ["brésilien*"]],
  ["AR", ["Argentine", "Argentinian"], ["argentinisch*"], ["argentin", "argentins", "argentines"]],
  ["VE", ["Venezuelan", "Venezuelans"], ["venezolanisch*"], ["vénézuélien*"]],
  ["CU", ["Cuban", "Cubans"], ["kubanisch*"], ["cubain*"]],
  ["AU", ["Australian", "Australians"], ["australisch*"], ["australien*"]],
  ["NG", ["Nigerian", "Nigerians"], ["nigerianisch*"], ["nigérian*"]],
  ["ZA", ["South African", "South Africans"], ["südafrikanisch*"], ["sud-africain*"]],
  ["ET", ["Ethiopian", "Ethiopians"], ["äthiopisch*"], ["éthiopien*"]],
  ["SD", ["Sudanese"], ["sudanesisch*"], ["soudanais*"]],
  ["SS", ["South Sudanese"], ["südsudanesisch*"], ["sud-soudanais*"]],
  ["LY", ["Libyan", "Libyans"], ["libysch*"], ["libyen*"]],
  ["KE", ["Kenyan", "Kenyans"], ["kenianisch*"], ["kényan*"]],
  ["VN", ["Vietnamese"], ["vietnamesisch*"], ["vietnamien*"]],
  ["ID", ["Indonesian", "Indonesians"], ["indonesisch*"], ["indonésien*"]],
  ["MM", ["Burmese"], ["myanmarisch*"], ["birman*"]],
  ["MA", ["Moroccan", "Moroccans"], ["marokkanisch*"], ["marocain*"]],
  ["DZ", ["Algerian", "Algerians"], ["algerisch*"], ["algérien*"]],
  ["TN", ["Tunisian", "Tunisians"], ["tunesisch*"], ["tunisien*"]],
  ["ML", ["Malian", "Malians"], ["malisch*"], ["malien*"]],
  ["IE", ["Irish"], ["irisch*"], ["irlandais*"]],
  ["PT", ["Portuguese"], ["portugiesisch*"], ["portugais*"]],
  ["LT", ["Lithuanian"], ["litauisch*"], ["lituanien*"]],
  ["LV", ["Latvian"], ["lettisch*"], ["letton*"]],
  ["EE", ["Estonian"], ["estnisch*"], ["estonien*"]],
  ["MD", ["Moldovan"], ["moldauisch*"], ["moldave*"]],
];

/** Capitals and seats of power used for the government: code → [en, de, fr]. */
const SEATS: ReadonlyArray<
  readonly [string, readonly string[], readonly string[], readonly string[]]
> = [
  ["RU", ["Moscow", "Kremlin"], ["Moskau*", "Kreml*"], ["Moscou", "Kremlin"]],
  ["CN", ["Beijing", "Zhongnanhai"], ["Peking*"], ["Pékin"]],
  ["UA", ["Kyiv", "Kiev"], ["Kiew*", "Kyjiw"], ["Kiev", "Kyiv"]],
  [
    "US",
    ["Washington", "White House", "Pentagon", "State Department", "Capitol Hill"],
    ["Washington", "Weiße* Haus*", "Pentagon"],
    ["Washington", "Maison Blanche", "Pentagone"],
  ],
  [
    "GB",
    ["London", "Downing Street", "Whitehall"],
    ["London", "Downing Street"],
    ["Londres", "Downing Street"],
  ],
  ["FR", ["Élysée", "Quai d'Orsay"], ["Élysée*"], ["Élysée", "Quai d'Orsay", "Matignon"]],
  [
    "DE",
    ["Berlin", "Bundestag", "Bundeswehr"],
    [
      "Berlin",
      "Bundesregierung",
      "Bundeskanzler*",
      "Kanzleramt",
      "Bundesaußenminister*",
      "Auswärtig* Amt*",
      "Bundestag",
      "Bundeswehr",
    ],
    ["Berlin", "Bundestag", "Bundeswehr"],
  ],
  ["IR", ["Tehran"], ["Teheran"], ["Téhéran"]],
  ["IL", ["Knesset", "Tel Aviv"], ["Knesset", "Tel Aviv"], ["Knesset", "Tel-Aviv"]],
  ["SY", ["Damascus"], ["Damaskus"], ["Damas"]],
  ["IQ", ["Baghdad"], ["Bagdad"], ["Bagdad"]],
  ["LB", ["Beirut"], ["Beirut"], ["Beyrouth"]],
  ["EG", ["Cairo"], ["Kairo"], ["Le Caire"]],
  ["TR", ["Ankara"], ["Ankara"], ["Ankara"]],
  ["JP", ["Tokyo"], ["Tokio"], ["Tokyo"]],
  ["KR", ["Seoul"], ["Seoul"], ["Séoul"]],
  ["KP", ["Pyongyang"], ["Pjöngjang"], ["Pyongyang"]],
  ["IN", ["New Delhi"], ["Neu-Delhi"], ["New Delhi"]],
  ["PK", ["Islamabad"], ["Islamabad"], ["Islamabad"]],
  ["AF", ["Kabul"], ["Kabul"], ["Kaboul"]],
  ["TW", ["Taipei"], ["Taipeh"], ["Taipei"]],
  ["BY", ["Minsk"], ["Minsk"], ["Minsk"]],
  ["PL", ["Warsaw"], ["Warschau"], ["Varsovie"]],
  ["HU", ["Budapest"], ["Budapest"], ["Budapest"]],
  ["VE", ["Caracas"], ["Caracas"], ["Caracas"]],
  ["CU", ["Havana"], ["Havanna"], ["La Havane"]],
  ["SA", ["Riyadh"], ["Riad"], ["Riyad"]],
  ["JO", ["Amman"], ["Amman"], ["Amman"]],
  ["GE", ["Tbilisi"], ["Tiflis", "Tbilissi"], ["Tbilissi"]],
  ["TD", ["N'Djamena", "Ndjamena"], ["N'Djamena"], ["N'Djamena"]],
];

/** Names that need a confirming signal elsewhere in the story: code → [en, de, fr] names. */
const AMBIGUOUS: ReadonlyArray<
  readonly [string, readonly string[], readonly string[], readonly string[]]
> = [
  ["GE", ["Georgia"], [], ["Géorgie"]],
  ["JO", ["Jordan"], [], []],
  ["TD", ["Chad"], [], []],
];

/** Signals that confirm an ambiguous name (besides any unambiguous mention of the country). */
const CONFIRM: ReadonlyArray<
  readonly [string, readonly string[], readonly string[], readonly string[]]
> = [
  [
    "GE",
    [
      "Georgian*",
      "Abkhazia",
      "South Ossetia",
      "Caucasus",
      "Kobakhidze",
      "Saakashvili",
      "Zourabichvili",
    ],
    ["georgisch*", "Abchasien", "Südossetien", "Kaukasus"],
    ["géorgien*", "Abkhazie", "Ossétie", "Caucase", "Kobakhidzé"],
  ],
  ["JO", ["Hashemite", "King Abdullah"], [], []],
  ["TD", ["Chadian*", "Déby", "Deby"], [], []],
];

const EXCLUDE: Record<Lang, readonly string[]> = {
  en: [
    "fine china",
    "bone china",
    "china shop",
    "china plate*",
    "china cabinet",
    "china clay",
    "china set",
    "south china morning post",
    "new mexico",
    "new jersey",
    "new guinea",
    "guinea pig*",
    "guinea fowl",
    "roast turkey",
    "turkey dinner",
    "thanksgiving turkey",
    "wild turkey",
    "cold turkey",
    "turkey sandwich*",
    "turkey breast",
    "washington post",
    "washington state",
    "george washington",
    "university of washington",
    "washington university",
    "russian roulette",
    "russian salad",
    "russian doll*",
    "russian dressing",
    "white russian",
    "chinese checkers",
    "french fries",
    "french toast",
    "french kiss",
    "indian ocean",
    "american indian*",
    "latin america*",
    "south america*",
    "north america*",
    "central america*",
    "native american*",
    "african american*",
    "german shepherd*",
    "swiss cheese",
    "turkish delight",
    "dutch auction",
    "danish pastry",
    "panama hat*",
    "berlin wall",
  ],
  de: [
    "russisch* roulette",
    "russisch* eier",
    "indisch* ozean*",
    "new mexico",
    "new jersey",
    "berliner mauer",
    "deutsch* bank",
    "deutsch* bahn",
  ],
  fr: [
    "roulette russe",
    "salade russe",
    "montagnes russes",
    "poupée* russe*",
    "encre de chine",
    "océan indien",
    "amérique latine",
    "amérique du sud",
    "amérique du nord",
    "amérique centrale",
    "nouveau-mexique",
    "new jersey",
  ],
};

/**
 * Media whose names contain a country, seat or demonym: "USA Today", "France 24", "China Daily",
 * "Deutsche Welle". A story quoting them is not about that country. Written in every language's
 * table, as the names are the same in all three.
 */
const MEDIA_NAMES: readonly string[] = [
  "usa today",
  "russia today",
  "deutsche welle",
  "deutsche presse agentur",
  "deutschlandfunk*",
  "deutschlandradio",
  "agence france*",
  "france 24",
  "france 2",
  "france 3",
  "france 5",
  "france inter",
  "france info",
  "franceinfo",
  "france culture",
  "france televisions",
  "radio france*",
  "voice of america",
  "radio free europe",
  "kyiv independent",
  "kyiv post",
  "kiev independent",
  "kiev post",
  "china daily",
  "china global television*",
  "china central television",
  "china radio international",
  "times of india",
  "india today",
  "jerusalem post",
  "times of israel",
  "israel hayom",
  "japan times",
  "korea herald",
  "korea times",
  "moscow times",
  "tehran times",
  "taipei times",
  "irish times",
  "irish independent",
  "arab news",
  "saudi gazette",
  "pakistan today",
  "radio canada",
  "australian broadcasting corporation",
  "canadian broadcasting corporation",
  "british broadcasting corporation",
];

/**
 * Words for a news outlet. A demonym next to one gives the outlet's nationality, not a country
 * the story is about: "the British BBC", "Russian news agency TASS", "der britische Sender BBC",
 * "la chaîne britannique BBC", "le quotidien américain".
 */
const OUTLETS: Record<Lang, readonly string[]> = {
  en: [
    "broadcaster",
    "public broadcaster",
    "state broadcaster",
    "news agency",
    "state news agency",
    "newspaper",
    "tabloid",
    "news outlet",
    "media outlet",
    "news website",
    "TV channel",
    "television channel",
    "BBC",
    "CNN",
    "NPR",
    "ITV",
    "Sky News",
    "Fox News",
    "Al Jazeera",
    "Al Arabiya",
    "TASS",
    "RIA",
    "RIA Novosti",
    "Interfax",
    "Sputnik",
    "Xinhua",
    "CGTN",
    "NHK",
    "Kyodo",
    "Yonhap",
    "KCNA",
    "IRNA",
    "Anadolu",
    "Haaretz",
    "Kommersant",
    "Izvestia",
    "Der Spiegel",
    "Le Monde",
    "Le Figaro",
  ],
  de: [
    "Sender",
    "Fernsehsender",
    "Staatssender",
    "Rundfunk*",
    "Nachrichtenagentur",
    "Staatsagentur",
    "Zeitung",
    "Tageszeitung",
    "Boulevardzeitung",
    "Boulevardblatt",
    "Wochenzeitung",
    "Nachrichtenportal",
    "Nachrichtenseite",
    "Nachrichtenmagazin",
    "Magazin",
    "Medium",
    "BBC",
    "CNN",
    "Al Jazeera",
    "Tass",
    "RIA",
    "Ria Nowosti",
    "Interfax",
    "Xinhua",
    "Haaretz",
  ],
  fr: [
    "chaîne*",
    "chaîne de télévision",
    "télévision publique",
    "radio publique",
    "agence de presse",
    "agence",
    "journal",
    "journaux",
    "quotidien",
    "hebdomadaire",
    "magazine",
    "site d'information",
    "BBC",
    "CNN",
    "Al Jazeera",
    "Tass",
    "RIA Novosti",
    "Interfax",
    "Xinhua",
    "Haaretz",
  ],
};

function cleanName(name: string): string | undefined {
  // "Holy See (Vatican City State)" → "Holy See"; "Moldova, Republic of" → "Moldova".
  const base = (name.split("(")[0] ?? "").split(",")[0]?.trim() ?? "";
  return base.length >= 2 ? base : undefined;
}

/**
 * The German genitive of a one-word name: "Russlands", "Frankreichs", "Chinas", "Irans". Names
 * ending in s, x, z or ß take "des … " or an apostrophe instead, and are left alone.
 */
function germanGenitive(name: string): string | undefined {
  if (!/^\p{L}+$/u.test(name) || /[sxzß]$/iu.test(name)) return undefined;
  return `${name}s`;
}

function entry(
  term: string,
  payload: CountryPayload,
  initialCap: boolean,
): CompiledEntry<CountryPayload> {
  return { words: parseTerm(term), payload, initialCap };
}

function buildEntries(lang: Lang): CompiledEntry<CountryPayload>[] {
  const li = LANGS.indexOf(lang) + 1;
  const out: CompiledEntry<CountryPayload>[] = [];
  const skip = new Set(SKIP_NAMES[lang].map((s) => s.toLowerCase()));
  // A name shared by two codes (en "Congo") is dropped rather than guessed.
  const byName = new Map<string, Set<string>>();
  const names = countries.getNames(lang, { select: "all" });
  for (const [code, list] of Object.entries(names)) {
    const all = [...list, ...(EXTRA_NAMES[lang][code] ?? [])];
    for (const raw of all) {
      const name = cleanName(raw);
      if (!name || skip.has(name.toLowerCase())) continue;
      let set = byName.get(name);
      if (!set) {
        set = new Set();
        byName.set(name, set);
      }
      set.add(code);
    }
  }
  for (const [name, codes] of byName) {
    if (codes.size !== 1) continue;
    const [code] = codes;
    if (!code) continue;
    out.push(entry(name, { code, kind: "name" }, true));
    const genitive = lang === "de" ? germanGenitive(name) : undefined;
    if (genitive && !byName.has(genitive)) out.push(entry(genitive, { code, kind: "name" }, true));
  }
  const add = (
    table: ReadonlyArray<readonly [string, ...ReadonlyArray<readonly string[]>]>,
    kind: Kind,
    initialCap: boolean,
  ) => {
    for (const row of table) {
      const code = row[0];
      for (const term of row[li] ?? []) out.push(entry(term, { code, kind }, initialCap));
    }
  };
  // English demonyms are capitalised; German and French adjectives are not.
  add(DEMONYMS, "demonym", lang === "en");
  add(SEATS, "seat", true);
  if (lang === "de") {
    // "Washingtons", "Berlins", "Teherans": the seats without a wildcard need their genitive too.
    for (const row of SEATS) {
      for (const term of row[2]) {
        const genitive = term.includes("*") ? undefined : germanGenitive(term);
        if (genitive) out.push(entry(genitive, { code: row[0], kind: "seat" }, true));
      }
    }
  }
  add(AMBIGUOUS, "ambiguous", true);
  add(CONFIRM, "confirm", false);
  for (const term of [...EXCLUDE[lang], ...MEDIA_NAMES])
    out.push(entry(term, { code: "", kind: "exclude" }, false));
  for (const term of OUTLETS[lang]) {
    // French puts the nationality after the noun; after a name ("to Le Monde: 'Russian army
    // losses…'") or in English and German, a demonym is the story's own.
    const nationalityAfter = lang === "fr" && term === term.toLowerCase();
    out.push(entry(term, { code: "", kind: "outlet", nationalityAfter }, false));
  }
  return out;
}

const RANK: Record<Kind, number> = {
  outlet: 6,
  exclude: 5,
  name: 4,
  seat: 3,
  demonym: 2,
  ambiguous: 1,
  confirm: 0,
};
const oneGroup = () => 0;
const rankOf = (p: CountryPayload) => RANK[p.kind];

/**
 * Hits without the demonyms that only give an outlet's nationality: right before an outlet
 * ("the British BBC", "die russische Nachrichtenagentur") or right after a French outlet noun
 * ("la chaîne britannique"). A name before an outlet ("Russia's TASS") still counts.
 */
function withoutOutletNationality(
  hits: Hit<CountryPayload>[],
  outlets: Hit<CountryPayload>[],
): Hit<CountryPayload>[] {
  if (outlets.length === 0) return hits;
  const starts = new Set(outlets.map((o) => o.start));
  const ends = new Set(outlets.filter((o) => o.entry.payload.nationalityAfter).map((o) => o.end));
  return hits.filter(
    (h) => h.entry.payload.kind !== "demonym" || !(starts.has(h.end) || ends.has(h.start)),
  );
}

export class CountryTagger {
  private readonly matchers = new Map<string, Matcher<CountryPayload>>();
  private readonly merged: Matcher<CountryPayload>;

  constructor() {
    const mergedEntries: CompiledEntry<CountryPayload>[] = [];
    for (const lang of LANGS) {
      const entries = buildEntries(lang);
      this.matchers.set(lang, new Matcher(entries));
      for (const e of entries) {
        const only = e.words.length === 1 ? e.words[0]?.text : undefined;
        if (e.payload.kind === "name" && only && SKIP_WHEN_MERGED.has(only)) continue;
        mergedEntries.push(e);
      }
    }
    this.merged = new Matcher(mergedEntries);
  }

  /** Codes ordered by mentions, then by first mention. `lang` selects the name table. */
  tag(tokens: Tokens, lang: string): string[] {
    const matcher = this.matchers.get(lang) ?? this.merged;
    const raw: Hit<CountryPayload>[] = [];
    matcher.match(tokens, raw);
    if (raw.length === 0) return [];
    const exclusions = raw.filter((h) => h.entry.payload.kind === "exclude");
    const outlets = raw.filter((h) => h.entry.payload.kind === "outlet");
    const hits = withoutOutletNationality(
      resolveOverlaps(
        applyExclusions(
          raw.filter(
            (h) => h.entry.payload.kind !== "exclude" && h.entry.payload.kind !== "outlet",
          ),
          exclusions,
          oneGroup,
        ),
        oneGroup,
        rankOf,
      ),
      outlets,
    );
    const counts = new Map<string, { n: number; first: number }>();
    const confirmed = new Set<string>();
    const pending: Hit<CountryPayload>[] = [];
    const bump = (code: string, at: number) => {
      const c = counts.get(code);
      if (c) {
        c.n++;
        c.first = Math.min(c.first, at);
      } else counts.set(code, { n: 1, first: at });
    };
    for (const h of hits) {
      const { code, kind } = h.entry.payload;
      if (kind === "confirm") confirmed.add(code);
      else if (kind === "ambiguous") pending.push(h);
      else {
        confirmed.add(code);
        bump(code, h.start);
      }
    }
    for (const h of pending) {
      if (confirmed.has(h.entry.payload.code)) bump(h.entry.payload.code, h.start);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1].n - a[1].n || a[1].first - b[1].first)
      .map(([code]) => code);
  }
}

/** The ISO 3166-1 alpha-2 codes the tagger can give (every code i18n-iso-countries names). */
export function countryCodes(): string[] {
  return Object.keys(countries.getAlpha2Codes());
}

/** A code's official name in `lang` (en/de/fr), and every name it is known by there. */
export function countryNames(code: string, lang: string): { name?: string; all: string[] } {
  const name = countries.getName(code, lang) ?? countries.getName(code, "en");
  const all = countries.getNames(lang, { select: "all" })[code.toUpperCase()] ?? [];
  return { ...(name ? { name } : {}), all };
}
