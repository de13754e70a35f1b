import { decodeHTML } from "entities";

/**
 * Plain text from the HTML (or HTML-ish, or doubly-escaped) fragments that feeds put in titles
 * and descriptions. Every story of every feed passes through here, so the common case is one
 * scan for tags and one for whitespace; the rarer constructs (CDATA, comments, script blocks)
 * cost a pass only when present. No DOM, no backtracking-heavy patterns: feeds are untrusted.
 */
const DROP_BLOCKS =
  /<(script|style|noscript|template|iframe|object|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const HAS_DROP_BLOCK = /<(?:script|style|noscript|template|iframe|object|svg|math)\b/i;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g;
const BLOCK_TAG_NAMES = new Set(
  "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote section article header footer figure figcaption hr pre dd dt dl".split(
    " ",
  ),
);

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Drops tags in one pass: a `<` followed by a letter (or `/` and a letter) up to the next `>`
 * with no `<` in between. Block-level tags become a line break; a lone `<` ("a < b") stays.
 */
function stripTags(s: string): string {
  let out = "";
  let from = 0;
  let at = s.indexOf("<");
  while (at !== -1) {
    const slash = s.charCodeAt(at + 1) === 47 ? 1 : 0;
    if (!isLetter(s.charCodeAt(at + 1 + slash))) {
      at = s.indexOf("<", at + 1);
      continue;
    }
    const close = s.indexOf(">", at);
    const next = s.indexOf("<", at + 1);
    if (close === -1) break;
    if (next !== -1 && next < close) {
      at = next;
      continue;
    }
    let end = at + 1 + slash;
    while (
      end < close &&
      (isLetter(s.charCodeAt(end)) || (s.charCodeAt(end) >= 48 && s.charCodeAt(end) <= 57))
    )
      end++;
    const name = s.slice(at + 1 + slash, end).toLowerCase();
    out += s.slice(from, at) + (BLOCK_TAG_NAMES.has(name) ? "\n" : "");
    from = close + 1;
    at = s.indexOf("<", from);
  }
  return from === 0 ? s : out + s.slice(from);
}

/** Decode entities, drop tags, fold whitespace. Safe on plain text too. */
export function htmlToText(input: string): string {
  if (!input) return "";
  let s = input;
  const hasTag = s.includes("<");
  if (!hasTag && !s.includes("&")) return foldWhitespace(s);
  // Some feeds escape their HTML twice (&lt;p&gt;); decode once so the tags become visible, but
  // only when the text has no real tags yet, otherwise a literal "a &lt; b" would turn into a tag.
  if (!/<[a-zA-Z/!]/.test(s) && /&lt;\/?[a-zA-Z]/.test(s)) s = decodeHTML(s);
  if (s.includes("<![CDATA[")) s = s.replace(CDATA, "$1");
  if (s.includes("<!--")) s = s.replace(COMMENTS, " ");
  if (HAS_DROP_BLOCK.test(s)) s = s.replace(DROP_BLOCKS, " ");
  if (s.includes("<")) s = stripTags(s);
  if (s.includes("&")) s = decodeHTML(s);
  return foldWhitespace(s);
}

enum Kind {
  Keep = 0,
  Space = 1,
  Newline = 2,
  Drop = 3,
}

function kindOf(code: number): Kind {
  if (code > 0x20 && code < 0x7f) return Kind.Keep;
  if (code === 0x20 || code === 0x09) return Kind.Space;
  // U+2028/U+2029 are line and paragraph separators; String#trim and \s treat them as such.
  if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return Kind.Newline;
  // C0/C1 controls read as a space.
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return Kind.Space;
  if (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  ) {
    return Kind.Space;
  }
  // Zero-width and bidi control characters: invisible in Discord, used to smuggle text past filters.
  if (
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    code === 0xad
  ) {
    return Kind.Drop;
  }
  return Kind.Keep;
}

/** Collapse runs of spaces; keep paragraph breaks as single newlines; trim. One pass. */
export function foldWhitespace(input: string): string {
  let out = "";
  let runStart = -1; // start of the current run of kept characters (single spaces included)
  let gap: Kind = Kind.Keep; // the separator owed before the next kept character
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const code = input.charCodeAt(i);
    // The common case, inline: printable ASCII, or one plain space between two such characters.
    if (code > 0x20 && code < 0x7f) {
      if (runStart === -1) {
        if (out.length > 0) out += gap === Kind.Newline ? "\n" : gap === Kind.Space ? " " : "";
        runStart = i;
        gap = Kind.Keep;
      }
      continue;
    }
    if (code === 0x20 && runStart !== -1 && i + 1 < n) {
      const next = input.charCodeAt(i + 1);
      if (next > 0x20 && next < 0x7f) continue;
    }
    const kind = kindOf(code);
    if (kind === Kind.Keep) {
      if (runStart === -1) {
        if (out.length > 0) out += gap === Kind.Newline ? "\n" : gap === Kind.Space ? " " : "";
        runStart = i;
        gap = Kind.Keep;
      }
      continue;
    }
    if (runStart !== -1) {
      out += input.slice(runStart, i);
      runStart = -1;
    }
    if (kind === Kind.Newline) gap = Kind.Newline;
    else if (kind === Kind.Space && gap !== Kind.Newline) gap = Kind.Space;
  }
  if (runStart !== -1) out += input.slice(runStart);
  return out;
}

// Anything a title might need cleaning for; most titles have none of it.
const NEEDS_CLEANING =
  /[<&\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]| {2}|^ | $/;

/** Single-line text (titles, names). */
export function toSingleLine(input: string): string {
  if (!NEEDS_CLEANING.test(input)) return input;
  const text = htmlToText(input);
  return text.includes("\n") ? text.replace(/\s*\n\s*/g, " ") : text;
}
