import { decodeHTML } from "entities";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlToText, toSingleLine } from "../../src/text/html.js";

// ---------------------------------------------------------------------------------------------
// The reference: htmlToText as it was before the single-pass scan (one pass per construct, then
// stripTags, decodeHTML and foldWhitespace in turn), kept verbatim as the oracle the scan must
// agree with on every input.
// ---------------------------------------------------------------------------------------------

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

function referenceHtmlToText(input: string): string {
  if (!input) return "";
  let s = input;
  const hasTag = s.includes("<");
  if (!hasTag && !s.includes("&")) return referenceFold(s);
  if (!/<[a-zA-Z/!]/.test(s) && /&lt;\/?[a-zA-Z]/.test(s)) s = decodeHTML(s);
  if (s.includes("<![CDATA[")) s = s.replace(CDATA, "$1");
  if (s.includes("<!--")) s = s.replace(COMMENTS, " ");
  if (HAS_DROP_BLOCK.test(s)) s = s.replace(DROP_BLOCKS, " ");
  if (s.includes("<")) s = stripTags(s);
  if (s.includes("&")) s = decodeHTML(s);
  return referenceFold(s);
}

const KEEP = 0;
const SPACE = 1;
const NEWLINE = 2;
const DROP = 3;

function kindOf(code: number): number {
  if (code > 0x20 && code < 0x7f) return KEEP;
  if (code === 0x20 || code === 0x09) return SPACE;
  if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return NEWLINE;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return SPACE;
  if (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  ) {
    return SPACE;
  }
  if (
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    code === 0xad
  ) {
    return DROP;
  }
  return KEEP;
}

/** The old foldWhitespace, written as the plain state machine (no inline fast cases). */
function referenceFold(input: string): string {
  let out = "";
  let gap = KEEP;
  for (let i = 0; i < input.length; i++) {
    const kind = kindOf(input.charCodeAt(i));
    if (kind === KEEP) {
      if (out.length > 0) out += gap === NEWLINE ? "\n" : gap === SPACE ? " " : "";
      gap = KEEP;
      out += input[i];
    } else if (kind === NEWLINE) gap = NEWLINE;
    else if (kind === SPACE && gap !== NEWLINE) gap = SPACE;
  }
  return out;
}

function referenceSingleLine(input: string): string {
  const text = referenceHtmlToText(input);
  return text.includes("\n") ? text.replace(/\s*\n\s*/g, " ") : text;
}

// ---------------------------------------------------------------------------------------------
// HTML-ish inputs: the pieces feeds are made of, the pieces that trip up scanners, and noise.
// ---------------------------------------------------------------------------------------------

const TAG_NAMES = [
  "p",
  "P",
  "br",
  "BR",
  "b",
  "a",
  "em",
  "div",
  "li",
  "h1",
  "h7",
  "hr",
  "td",
  "dl",
  "pre",
  "table",
  "figure",
  "section",
  "blockquote",
  "figcaption",
  "span",
  "img",
  "x1",
  "pa",
  "script",
  "SCRIPT",
  "style",
  "svg",
  "svgx",
  "math",
  "iframe",
  "noscript",
  "template",
  "object",
  "script_x",
  "script-x",
];

const tag = fc
  .tuple(
    fc.constantFrom(...TAG_NAMES),
    fc.boolean(),
    fc.constantFrom(
      "",
      " ",
      ' href="x"',
      " a=b",
      "/",
      " /",
      " title='<'",
      " x=&amp;",
      // Longer than the scan's short-tag loop looks.
      ' href="https://news.example/a?b=1&amp;c=2"',
      ' title="a long title with < in it"',
      ' data-x="a long value with > in it"',
      " class=x\n\tstyle=y\u00a0z=w  ",
    ),
    fc.constantFrom(">", ">", "", " >"),
  )
  .map(([name, closing, attrs, end]) => `<${closing ? "/" : ""}${name}${attrs}${end}`);

const entity = fc.oneof(
  fc.constantFrom(
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&nbsp;",
    "&mdash;",
    "&hellip;",
    "&rsquo;",
    "&amp;nbsp;",
    "&amp;amp;",
    "&lt;p&gt;",
    "&lt;/p&gt;",
    "&lt;b&gt;",
    "&lt;!-- x --&gt;",
    "&amp",
    "&copy",
    "&not",
    "&notin;",
    "&noti",
    "&am",
    "&ampx",
    "&Amp;",
    "&unknown;",
    "&;",
    "&#",
    "&#;",
    "&#x;",
    "&#X41;",
    "&#65",
    "&#65x",
    "&#8220;",
    "&#x2019;",
    "&#x201C;",
    "&#0;",
    "&#128;",
    "&#150;",
    "&#160;",
    "&#173;",
    "&#10;",
    "&#13;",
    "&#9;",
    "&#x200b;",
    "&#xFEFF;",
    "&#x2028;",
    "&#x1F600;",
    "&#xD800;",
    "&#1114112;",
    "&#99999999999;",
    "&#0000065;",
    "&#x00000041;",
    "&NotNestedGreaterGreater;",
    "&acE;",
  ),
  fc
    .tuple(fc.constantFrom("&#", "&#x", "&"), fc.string({ unit: "grapheme-ascii", maxLength: 6 }))
    .map(([a, b]) => a + b),
);

const special = fc.constantFrom(
  "<![CDATA[",
  "]]>",
  "<![CDATA[<p>in</p>]]>",
  "<!--",
  "-->",
  "<!-- c -->",
  "<!DOCTYPE html>",
  "<!",
  "<",
  ">",
  "&",
  "</",
  "< p>",
  "<3",
  "<<",
  "a < b",
  "x > y",
  "</script>",
  "</style >",
  "<script>alert(1)</script>",
  "<style>p{}</style>",
);

const space = fc.constantFrom(
  " ",
  " ",
  "  ",
  "\t",
  "\n",
  "\r\n",
  "\u00a0",
  "\u2028",
  "\u2029",
  "\u200b",
  "\u200e",
  "\u202e",
  "\ufeff",
  "\u00ad",
  "\u0085",
  "\u0001",
  "\u007f",
  "\u3000",
  "\u2009",
  "\u206a",
);

const text = fc.oneof(
  fc.constantFrom(
    "word",
    "Doha",
    "Côte d'Ivoire",
    "“quoted”",
    "a",
    "1",
    "é",
    "中文",
    "😀",
    "\ud800",
  ),
  fc.string({ unit: "grapheme-ascii", maxLength: 5 }),
  fc.string({ unit: "binary", maxLength: 3 }),
);

const htmlish = fc
  .array(fc.oneof(tag, entity, special, space, text, text), { maxLength: 40 })
  .map((parts) => parts.join(""));

describe("htmlToText against the one-pass-per-construct reference", () => {
  it("agrees on HTML-ish strings", () => {
    fc.assert(
      fc.property(htmlish, (s) => {
        expect(htmlToText(s)).toBe(referenceHtmlToText(s));
      }),
      { numRuns: 20_000 },
    );
  });

  it("agrees on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (s) => {
        expect(htmlToText(s)).toBe(referenceHtmlToText(s));
      }),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("<", ">", "&", "/", "!", "#", ";", "p", "a", " ", "\n", "x", "1"),
        }),
        (s) => {
          expect(htmlToText(s)).toBe(referenceHtmlToText(s));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("agrees for titles (toSingleLine)", () => {
    fc.assert(
      fc.property(htmlish, (s) => {
        const reference =
          /[<&\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]| {2}|^ | $/.test(
            s,
          )
            ? referenceSingleLine(s)
            : s;
        expect(toSingleLine(s)).toBe(reference);
      }),
      { numRuns: 5_000 },
    );
  });
});
