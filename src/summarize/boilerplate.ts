/**
 * Sentences feeds append that say nothing about the story. Each pattern is anchored and bounded:
 * a news sentence that merely starts with "More", "Related" or "Share" must survive
 * ("More than 40 people died…", "Share prices fell…").
 */
const BOILERPLATE: readonly RegExp[] = [
  // "Read more", "Continue reading →", "Read more on example.com", "Weiterlesen »".
  /^(?:read more|read on|continue reading|read the full (?:story|article)|full story|more|weiterlesen|mehr lesen|lire la suite|lire plus|en savoir plus)\b[\s\p{P}\p{S}]*(?:(?:on|at|here|auf|hier|sur|ici)\b.{0,60})?$/iu,
  /^(?:click|tap) here\b/i,
  /^(?:hier klicken|klicken sie hier|cliquez ici)\b/i,
  /^the post .{1,300} appeared first on .{1,200}$/i,
  /^(?:this|the) (?:article|story|post) (?:was |first )?(?:originally )?(?:published|appeared)\b/i,
  /^(?:subscribe|sign up|jetzt abonnieren|abonnieren sie|abonnez-vous|inscrivez-vous)\b/i,
  /^(?:get|sign up for) (?:our|the) newsletter\b/i,
  /^(?:follow us|folgen sie uns|suivez-nous)\b/i,
  /^(?:©|\(c\)\s|copyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés)/i,
  /(?:all rights reserved|alle rechte vorbehalten|tous droits réservés)\.?$/i,
  /\b(?:we use cookies|(?:this|our) (?:site|website) uses cookies|cookie (?:policy|settings|preferences)|accept (?:all )?cookies|wir verwenden cookies|cookies akzeptieren|nous utilisons des cookies)\b/i,
  /^(?:share|share this(?: article| story)?|teilen|partager)(?: (?:on|via|auf|sur) .{1,30})?[\s\p{P}]*$/iu,
  /^(?:photo|foto|image|bild|credit|crédit)s?\s*:/i,
  /^(?:related|see also|mehr zum thema|siehe auch|à lire aussi|lire aussi)\s*(?::|$)/i,
  /^(?:advertisement|anzeige|werbung|publicité)$/i,
];

// One alternation instead of a dozen separate tests: this runs on every sentence of every story.
const ANY_BOILERPLATE = new RegExp(BOILERPLATE.map((p) => `(?:${p.source})`).join("|"), "iu");

export function isBoilerplate(sentence: string): boolean {
  return ANY_BOILERPLATE.test(sentence.trim());
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
