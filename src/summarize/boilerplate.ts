import { splitSentences } from "./sentences.js";

/**
 * Sentences feeds append that say nothing about the story. Each pattern is anchored and bounded:
 * a news sentence that merely starts with "More", "Related" or "Share" must survive
 * ("More than 40 people died…", "Share prices fell…"). They are grouped by where they match (the
 * start, a parenthesis, the end), because this runs on every sentence of every story: each group
 * is one anchored alternation, and the unanchored ones run only on sentences with their literal.
 */
const AT_START: readonly RegExp[] = [
  // "Read more", "Continue reading →", "Read more on example.com", "Weiterlesen »".
  /(?:read more|read on|continue reading|read the full (?:story|article)|full story|more|weiterlesen|mehr lesen|lire la suite|lire plus|en savoir plus)\b[\s\p{P}\p{S}]*(?:(?:on|at|here|auf|hier|sur|ici)\b.{0,60})?$/u,
  /(?:click|tap) here\b/u,
  /(?:hier klicken|klicken sie hier|cliquez ici)\b/u,
  /the post .{1,300} appeared first on .{1,200}$/u,
  /(?:this|the) (?:article|story|post) (?:was |first )?(?:originally )?(?:published|appeared)\b/u,
  /(?:subscribe|sign up|jetzt abonnieren|abonnieren sie|abonnez-vous|inscrivez-vous)\b/u,
  /(?:get|sign up for) (?:our|the) newsletter\b/u,
  /want to receive .{1,80} in your inbox\b/u,
  /(?:follow us|folgen sie uns|suivez-nous)\b/u,
  /(?:©|\(c\)\s|copyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés)/u,
  /(?:share|share this(?: article| story)?|teilen|partager)(?: (?:on|via|auf|sur) .{1,30})?[\s\p{P}]*$/u,
  /(?:photo|foto|image|bild|credit|crédit)s?\s*:/u,
  /\(?(?:advertisement|anzeige|werbung|publicité)\)?$/u,
  // Links to other stories: "Read more: <headline>", "Related: …", "Lesen Sie auch: …",
  // "Lire aussi | …". With a colon (or bar) only in English, so "Related talks resumed" stays;
  // "Lesen Sie auch"/"Lire aussi" never open a news sentence.
  /(?:read more|read also|also read|related(?: coverage| stories| story| articles?)?|see also|more on this(?: story)?|more coverage|watch|listen|mehr zum thema|mehr dazu|siehe auch|auch interessant|voir aussi|sur le même sujet)\s*(?:[:|]|$)/u,
  /(?:lesen sie (?:auch|mehr|hier)|(?:à |a )?lire (?:aussi|également))\b/u,
  // Photo captions: "FILE - …", "FILE PHOTO: …", dpa's "ARCHIV - …".
  /(?:file(?: photo)?|archiv(?:bild|foto)?|archive|photo d'archives?)\s*[-–—:]\s/u,
  // Credit lines: "Contributing to this report were…", Reuters' "(Reporting by …; Editing by …)"
  // and "((bureau; email))" footer, "Mitarbeit: …", "Mit Material von dpa", "(avec AFP)".
  /(?:contributing to this (?:report|story)|also contributing)\b/u,
  /\(*(?:(?:additional|further) )?(?:(?:photography|reporting|writing|editing|graphics) and )?(?:photography|reporting|writing|editing|compiled) by\b/u,
  /(?:mitarbeit|quellen?|material|mit material (?:von|der|aus)|mit informationen (?:von|der|aus))\s*:/u,
  /(?:mit material|mit informationen) (?:von|der|aus)\b/u,
  /\(?(?:mit|mit material von|avec|par [^.]{1,60} avec) (?:l'|l’)?(?:dpa|afp|ap|reuters|kna|epd|agenturen|agences?)(?:(?:\s*(?:,|\/|und|et)\s*)(?:l'|l’)?(?:dpa|afp|ap|reuters|kna|epd|agenturen|agences?))*\)?\.?$/u,
  /\((?:dpa|afp|ap|reuters|kna|epd|sid)(?:\/(?:dpa|afp|ap|reuters|kna|epd|sid))*\)\.?$/u,
  /\(\(.{0,200}\)\)$/u,
];

// Case matters for these: an outlet's capitalised name, a lowercase author code.
const AT_START_CASED: readonly RegExp[] = [
  // "Le Monde avec AFP", "Libération avec AFP et Reuters": an outlet's name (capitalised words
  // only, so "Il s'est entretenu avec l'AFP" stays) and the agencies.
  /(?:Par )?(?:(?:Le|La|Les|L['’]) ?)?\p{Lu}[\p{L}\p{N}.-]*(?: \p{Lu}[\p{L}\p{N}.-]*){0,2} avec (?:l['’])?(?:AFP|AP|Reuters|agences?)(?:(?:, | et )(?:l['’])?(?:AFP|AP|Reuters|agences?))*\.?$/u,
  // Spiegel's "kev/dpa/AFP".
  /\p{Ll}{2,4}(?:\/(?:dpa|afp|ap|rtr|reuters|kna|epd|sid|AFP|AP|Reuters))+\.?$/u,
];

// A sentence carrying a photo credit is a caption: "(AP Photo/Evan Vucci)", "(Photo: …/Reuters)",
// "(Foto: dpa)".
const PAREN_CREDIT =
  /\((?:(?:AP|AFP|Reuters|EPA|dpa|Xinhua|Pool|Sputnik|Kremlin Pool|UN) Photo\b|(?:photos?|fotos?|bild(?:er)?|images?|credits?|crédits?(?: photo)?|picture)\s*(?::|by\b))[^)]{0,80}\)/i;

// Endings, tested on a sentence's last characters only; France 24 ends a caption in "© Name, AP".
const AT_END =
  /(?:all rights reserved|alle rechte vorbehalten|tous droits réservés)\.?$|\s©\s?[^.©]{1,60}\.?$|\bcontributed (?:to (?:this|the) (?:report|story|article)|(?:additional )?reporting)(?: (?:from|in) [^.]{1,80})?\.?\)?$/i;
const END_WINDOW = 160;

// Credits that end a caption, all with a slash: "REUTERS/Kim Hong-Ji", "Jane Doe/AFP via Getty
// Images", Le Monde's "LUDOVIC MARIN / AFP". Agencies are case-sensitive here.
const SLASH_CREDIT_END =
  /(?:(?:^|\s)(?:REUTERS|AFP|AP|dpa|EPA-EFE|EPA|Xinhua|ANADOLU|Anadolu)\/[^\s/][^/]{0,50}|\/(?:AFP|AP|Reuters|EPA|Anadolu|Bloomberg|NurPhoto|SOPA Images|LightRocket|Pool)? ?via Getty Images\)?\.?|(?:^|\s)\p{Lu}{2,}(?:[ -]\p{Lu}{2,})* ?\/ ?(?:AFP|AP|REUTERS|EPA|EPA-EFE|DPA|XINHUA|ANADOLU|SIPA|HANS LUCAS|MAXPPP))$/u;
const GETTY_END = /\bGetty Images\)?\.?$/;

const COOKIES =
  /\b(?:we use cookies|(?:this|our) (?:site|website) uses cookies|cookie (?:policy|settings|preferences)|accept (?:all )?cookies|wir verwenden cookies|cookies akzeptieren|nous utilisons des cookies)\b/i;

const join = (patterns: readonly RegExp[], flags: string) =>
  new RegExp(`^(?:${patterns.map((p) => p.source).join("|")})`, flags);
const START = join(AT_START, "iu");
const START_CASED = join(AT_START_CASED, "u");
// A sentence without a letter or digit ("___", "* * *") is a separator, not text.
const HAS_TEXT = /[\p{L}\p{N}]/u;

export function isBoilerplate(sentence: string): boolean {
  const s = sentence.trim();
  if (!HAS_TEXT.test(s) || START.test(s) || START_CASED.test(s)) return true;
  const tail = s.length > END_WINDOW ? s.slice(-END_WINDOW) : s;
  if (AT_END.test(tail) || GETTY_END.test(tail)) return true;
  if (s.includes("(") && PAREN_CREDIT.test(s)) return true;
  if (s.includes("/") && (SLASH_CREDIT_END.test(tail) || BARE_NAME_CREDIT.test(s))) return true;
  return s.includes("ookie") && COOKIES.test(s);
}

/**
 * A credit standing alone ("(AP Photo/Evan Vucci)", "REUTERS/Kim Hong-Ji", "Foto: dpa", "© Atta Kenare, AFP",
 * "Jane Doe/AFP via Getty Images", "LUDOVIC MARIN / AFP"): the sentence before it in the same
 * paragraph is the caption it credits.
 */
const BARE_CREDIT =
  /^(?:\((?:AP|AFP|Reuters|EPA|dpa|Xinhua|Pool|UN) Photo\b[^)]{0,80}\)|\((?:photos?|fotos?|bild|credits?|crédits?(?: photo)?)\s*:[^)]{0,80}\)|(?:REUTERS|AFP|AP|dpa|EPA-EFE|EPA)\/[^\s/][^/]{0,50}|(?:photo|foto|bild|crédit photo)\s*:\s*[^.]{0,60}|©\s?[^.©]{1,60})\.?$/iu;
// The agency after a name is case-sensitive: "Jane Doe/AFP via Getty Images", "LUDOVIC MARIN / AFP".
const BARE_NAME_CREDIT =
  /^[^.()]{1,60}\/ ?(?:AFP|AP|Reuters|REUTERS|EPA|EPA-EFE|dpa|DPA|Anadolu|ANADOLU|Xinhua|XINHUA|Sipa|SIPA|Getty Images)(?: via Getty Images)?\.?$/u;

function isBareCredit(sentence: string): boolean {
  const s = sentence.trim();
  return BARE_CREDIT.test(s) || BARE_NAME_CREDIT.test(s);
}

/**
 * Sentences without boilerplate, and without the caption a bare photo credit follows.
 * `paragraphStarts` (sorted indices of each paragraph's first sentence) keeps a credit on a line
 * of its own from taking the last sentence of the paragraph before.
 */
export function dropBoilerplate(
  sentences: readonly string[],
  paragraphStarts: readonly number[] = [0],
): string[] {
  const out: string[] = [];
  let previousKept = false;
  let nextParagraph = 0;
  sentences.forEach((sentence, i) => {
    let startsParagraph = false;
    while (nextParagraph < paragraphStarts.length && (paragraphStarts[nextParagraph] ?? 0) <= i) {
      startsParagraph ||= paragraphStarts[nextParagraph] === i;
      nextParagraph++;
    }
    if (!isBoilerplate(sentence)) {
      out.push(sentence);
      previousKept = true;
      return;
    }
    // Only the sentence right before the credit is its caption ("FILE - …" was dropped already).
    if (previousKept && !startsParagraph && isBareCredit(sentence)) out.pop();
    previousKept = false;
  });
  return out;
}

// Words one of the patterns above needs; a line with none of them is kept without splitting it.
const NON_STORY_HINT =
  /photo|\bfotos?\b|\bbild(?:er)?\b|credits?\s*:|crédit|contribut|(?:reporting|editing|writing|compiled|photography) by|mitarbeit|mit (?:material|informationen)|(?:quellen?|material)\s*:|avec (?:l['’])?(?:afp|ap\b|reuters|agences?)|mit (?:dpa|afp|ap\b|reuters|kna|epd|agenturen)|\/(?:dpa|afp|ap|rtr|reuters|kna|epd|sid)\b|\bread\b|related|see also|more on|more coverage|mehr zum|mehr dazu|siehe auch|auch interessant|lesen sie|lire|voir aussi|même sujet|\bfile\b|\barchiv|getty|\(\(|\b(?:watch|listen)\s*:/i;

/**
 * The text without captions, credit lines and links to other stories, paragraph by paragraph:
 * what the classifier reads, so that "AP writers in Dubai, United Arab Emirates contributed to
 * this report" tags no country. Only paragraphs that contain a hint word are split into
 * sentences, so the common case costs one regex scan.
 */
export function stripNonStory(text: string, language?: string): string {
  if (!NON_STORY_HINT.test(text)) return text;
  const lines = text.split(/\r?\n|[\r\u2028\u2029]/);
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!NON_STORY_HINT.test(line)) continue;
    const sentences = splitSentences(line, language);
    const kept = dropBoilerplate(sentences, [0]);
    if (kept.length === sentences.length) continue;
    lines[i] = kept.join(" ");
    changed = true;
  }
  return changed ? lines.join("\n") : text;
}

/**
 * Boilerplate glued to the text rather than standing as its own sentence: WordPress's "The post …
 * appeared first on …" (whose quoted headline may hold its own "?" and so span sentences), and
 * excerpt markers ("[…]", "Read more »") at the end of a paragraph. Capitalised "Read more" only,
 * so "students will read more." stays.
 */
// Each with a literal that must be present, checked first: most texts contain none of them, and
// includes() is far cheaper than a regex scan that may start at every position.
const GLUED: readonly (readonly [RegExp, readonly string[]])[] = [
  [
    /\bThe post\s.{1,300}?\sappeared first on\s[^\n]{1,200}?(?:\.(?=\s|$)|(?=\n)|$)/g,
    ["appeared first on"],
  ],
  [/\s*[[(](?:…|\.\.\.)[\])]\s*(?=\n|$)/g, ["[…]", "[...]", "(…)", "(...)"]],
  [
    /\s*\b(?:Read more|Continue reading|Weiterlesen|Lire la suite)\b[\s.…»›→>]*(?=\n|$)/g,
    ["Read more", "Continue reading", "Weiterlesen", "Lire la suite"],
  ],
];

export function stripGluedBoilerplate(text: string): string {
  let out = text;
  for (const [pattern, literals] of GLUED) {
    if (literals.some((l) => out.includes(l))) out = out.replace(pattern, "");
  }
  return out;
}

const AGENCIES =
  "Reuters|AP|AFP|dpa|KNA|epd|AA|ANSA|EFE|Xinhua|TASS|Interfax|UPI|DW|Bloomberg|SDA|APA|Belga|ANP|PAP|CTK|Kyodo|Yonhap|IANS|PTI";

/**
 * "BERLIN (Reuters) - ", "KYIV, Ukraine, Nov 27 (AP) — ", "Berlin (dpa) - ", "Paris (AFP) – ".
 * The place is optional and bounded; the agency must be a known one so a parenthesis in an
 * ordinary first sentence is left alone.
 */
const DATELINE = new RegExp(
  `^(?:\\p{Lu}[\\p{L}\\p{M}'’. -]{0,40}(?:,[\\p{L}\\p{M}\\p{N}'’. -]{1,40}){0,2}\\s*)?\\((?:${AGENCIES})(?:\\s*\\/[^)]{1,30})?\\)\\s*[-–—:]+\\s*`,
  "u",
);

/** The sentence without its news-agency dateline; the sentence itself stays. */
export function stripDateline(sentence: string): string {
  // A dateline's parenthesis comes within its first ~130 characters (the pattern bounds the place); most sentences have none.
  const paren = sentence.indexOf("(");
  if (paren < 0 || paren > 130) return sentence;
  return sentence.replace(DATELINE, "");
}
