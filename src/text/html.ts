import { decodeHTML } from "entities";

/**
 * Plain text from the HTML (or HTML-ish, or doubly-escaped) fragments that feeds put in titles
 * and descriptions. Feeds are untrusted input, so this is a linear scan with bounded regexes:
 * no DOM, no backtracking-heavy patterns.
 */
const DROP_BLOCKS =
  /<(script|style|noscript|template|iframe|object|svg|math)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g;
const BLOCK_TAGS =
  /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer|figure|figcaption|hr|pre|dd|dt|dl)\b[^>]*>/gi;
const ANY_TAG = /<\/?[a-zA-Z][^<>]*>/g;
// Zero-width and bidi control characters: invisible in Discord, used to smuggle text past filters.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD]/g;
// C0/C1 controls other than tab and newline.
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Decode entities, drop tags, fold whitespace. Safe on plain text too. */
export function htmlToText(input: string): string {
  if (!input) return "";
  let s = input;
  // Some feeds escape their HTML twice (&lt;p&gt;); decode once so the tags become visible, but
  // only when the text has no real tags yet, otherwise a literal "a &lt; b" would turn into a tag.
  if (!/<[a-zA-Z/!]/.test(s) && /&lt;\/?[a-zA-Z]/.test(s)) s = decodeHTML(s);
  s = s.replace(CDATA, "$1");
  s = s.replace(COMMENTS, " ");
  s = s.replace(DROP_BLOCKS, " ");
  s = s.replace(BLOCK_TAGS, "\n");
  s = s.replace(ANY_TAG, "");
  s = decodeHTML(s);
  return foldWhitespace(s);
}

/** Collapse runs of spaces; keep paragraph breaks as single newlines. */
export function foldWhitespace(input: string): string {
  return input
    .replace(CONTROLS, " ")
    .replace(INVISIBLE, "")
    .replace(/[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+/g, " ")
    .replace(/ *\n[\s]*/g, "\n")
    .trim();
}

/** Single-line text (titles, names). */
export function toSingleLine(input: string): string {
  return htmlToText(input).replace(/\s*\n\s*/g, " ");
}
