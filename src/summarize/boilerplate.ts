// Lines feeds append that say nothing about the story.
const BOILERPLATE = [
  /^(read|continue reading|read more|more|weiterlesen|mehr|lire la suite|lire plus)\b.{0,40}$/i,
  /^(click|tap) here\b/i,
  /^the post .{1,300} appeared first on .{1,200}$/i,
  /^(this|the) (article|story) (was|first) (originally )?(published|appeared)\b/i,
  /^(subscribe|sign up|newsletter|abonnieren|abonnez-vous)\b/i,
  /^(©|\(c\)|copyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés)/i,
  /\b(we use cookies|cookie (policy|settings)|accept (all )?cookies)\b/i,
  /^(share|teilen|partager)( (this|on|via)\b.*)?$/i,
  /^(photo|foto|image|bild|credit|crédit)s?\s*:/i,
  /^(related|mehr zum thema|à lire aussi|see also|siehe auch)\s*:?/i,
];

// "BERLIN (Reuters) - ", "KYIV, Nov 27 (AP) — ", "Paris (AFP) – ": the dateline goes, the sentence stays.
const DATELINE =
  /^(?:[\p{Lu}][\p{Lu}\p{M}' .-]{1,40}(?:,\s*[\p{L}.]{2,12}\.?\s*\d{1,2})?\s*)?\((?:Reuters|AP|AFP|dpa|KNA|epd|Reuters\/[^)]{1,20}|AP Photo)\)\s*[-–—:]\s*/u;

export function isBoilerplate(sentence: string): boolean {
  return BOILERPLATE.some((pattern) => pattern.test(sentence.trim()));
}

export function stripDateline(sentence: string): string {
  return sentence.replace(DATELINE, "");
}
