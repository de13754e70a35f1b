import {
  DecodingMode,
  decodeHTML,
  EntityDecoder,
  htmlDecodeTree,
  replaceCodePoint,
} from "entities/decode";

/**
 * Plain text from the HTML (or HTML-ish, or doubly-escaped) fragments that feeds put in titles
 * and descriptions. Every story of every feed passes through here, so the common case is a single
 * scan (`scan`) that drops tags, decodes entities and folds whitespace as it goes, building the
 * result from slices of the input. The rarer constructs (CDATA, comments, script blocks, an entity
 * that runs into a tag) make that scan give up, and the input takes the general path (`general`):
 * one pass per construct, then tags, entities and whitespace in turn. Both give the same text.
 * No DOM, no backtracking-heavy patterns: feeds are untrusted.
 */
/** Elements whose content is not text: dropped with everything inside them. */
const DROP_BLOCK_LIST = "script style noscript template iframe object svg math".split(" ");
const DROP_BLOCK_NAMES = new Set(DROP_BLOCK_LIST);
const BLOCK_OPEN = new RegExp(`<(${DROP_BLOCK_LIST.join("|")})\\b`, "gi");
const HAS_DROP_BLOCK = new RegExp(`<(?:${DROP_BLOCK_LIST.join("|")})\\b`, "i");
/**
 * A numeric character reference beyond U+10FFFF (8+ significant decimal digits, 7+ hex): the
 * entities decoder turns one of 309+ digits into NaN and throws, failing the whole feed. The HTML
 * standard reads any such reference as U+FFFD, which is what it becomes here before decoding.
 */
const OVERLONG_NUMERIC = /&#(?:0*[1-9]\d{7,}|[xX]0*[1-9a-fA-F][\da-fA-F]{6,})/g;
const COMMENTS = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g;
const BLOCK_TAG_NAMES = new Set(
  "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table blockquote section article header footer figure figcaption hr pre dd dt dl".split(
    " ",
  ),
);
const TAG_START = /<[a-zA-Z/!]/;
const ESCAPED_TAG = /&lt;\/?[a-zA-Z]/;

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isAlnum(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57);
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
    while (end < close && isAlnum(s.charCodeAt(end))) end++;
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
  let s = withoutOverlongRefs(input);
  const hasTag = s.includes("<");
  if (!hasTag && !s.includes("&")) return foldWhitespace(s);
  // Some feeds escape their HTML twice (&lt;p&gt;); decode once so the tags become visible, but
  // only when the text has no real tags yet, otherwise a literal "a &lt; b" would turn into a tag.
  if (!(hasTag && TAG_START.test(s)) && ESCAPED_TAG.test(s)) s = withoutOverlongRefs(decodeHTML(s));
  return scan(s) ?? general(s);
}

/** Overlong numeric references as U+FFFD (see OVERLONG_NUMERIC); again after each decoding. */
function withoutOverlongRefs(s: string): string {
  return s.includes("&#") ? s.replace(OVERLONG_NUMERIC, "&#65533") : s;
}

/** Every construct in its own pass: what `scan` hands over when it meets a rare one. */
function general(input: string): string {
  let s = input;
  if (s.includes("<![CDATA[")) s = s.replace(CDATA, "$1");
  if (s.includes("<!--")) s = s.replace(COMMENTS, " ");
  if (HAS_DROP_BLOCK.test(s)) s = dropBlocks(s);
  if (s.includes("<")) s = stripTags(s);
  // Removing tags and CDATA markers can join a reference's pieces ("&#<b>99…"): check again.
  if (s.includes("&")) s = decodeHTML(withoutOverlongRefs(s));
  return foldWhitespace(s);
}

/**
 * Each `<script …>…</script>` (and the other blocks whose content is not text) replaced by a
 * space, as the pattern `<(name)\b[^>]*>[\s\S]*?<\/\1\s*>` with flags gi would, but in linear
 * time: that pattern rescans the rest of the input from every unclosed opening tag, so a feed of
 * repeated `<script>` took seconds. Here the next '>' is looked for once per stretch, and a block
 * name whose closing tag is missing after some point is not searched for again past it.
 */
function dropBlocks(s: string): string {
  const noCloseFrom = new Map<string, number>();
  let out = "";
  let from = 0;
  let gt = -1;
  BLOCK_OPEN.lastIndex = 0;
  for (let m = BLOCK_OPEN.exec(s); m; m = BLOCK_OPEN.exec(s)) {
    const name = (m[1] as string).toLowerCase();
    const afterName = m.index + m[0].length;
    if (gt < afterName) gt = s.indexOf(">", afterName);
    if (gt === -1) break; // no opening tag can end: nothing more to drop
    const end = closingTagEnd(s, name, gt + 1, noCloseFrom);
    if (end === -1) {
      BLOCK_OPEN.lastIndex = m.index + 1;
      continue;
    }
    out += `${s.slice(from, m.index)} `;
    from = end;
    BLOCK_OPEN.lastIndex = end;
  }
  return from === 0 ? s : out + s.slice(from);
}

const CLOSING_TAGS = new Map<string, RegExp>();

/** Where the first `</name\s*>` at or after `at` ends, or -1. */
function closingTagEnd(s: string, name: string, at: number, noCloseFrom: Map<string, number>) {
  if (at >= (noCloseFrom.get(name) ?? Number.POSITIVE_INFINITY)) return -1;
  let closing = CLOSING_TAGS.get(name);
  if (!closing) {
    closing = new RegExp(`</${name}\\s*>`, "gi");
    CLOSING_TAGS.set(name, closing);
  }
  closing.lastIndex = at;
  const m = closing.exec(s);
  if (!m) {
    noCloseFrom.set(name, at);
    return -1;
  }
  return m.index + m[0].length;
}

// What a character does to the folded text: kept, a space, a line break, or nothing at all.
const KEEP = 0;
const SPACE = 1;
const NEWLINE = 2;
const DROP = 3;
type Kind = typeof KEEP | typeof SPACE | typeof NEWLINE | typeof DROP;

function kindOf(code: number): Kind {
  if (code > 0x20 && code < 0x7f) return KEEP;
  if (code === 0x20 || code === 0x09) return SPACE;
  // U+2028/U+2029 are line and paragraph separators; String#trim and \s treat them as such.
  if (code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029) return NEWLINE;
  // C0/C1 controls read as a space.
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
  // Zero-width and bidi control characters: invisible in Discord, used to smuggle text past filters.
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

/** Collapse runs of spaces; keep paragraph breaks as single newlines; trim. One pass. */
export function foldWhitespace(input: string): string {
  let out = "";
  let runStart = -1; // start of the current run of kept characters (single spaces included)
  let gap: Kind = KEEP; // the separator owed before the next kept character
  const n = input.length;
  for (let i = 0; i < n; i++) {
    const code = input.charCodeAt(i);
    // The common case, inline: printable ASCII, or one plain space between two such characters.
    if (code > 0x20 && code < 0x7f) {
      if (runStart === -1) {
        if (out.length > 0) out += gap === NEWLINE ? "\n" : gap === SPACE ? " " : "";
        runStart = i;
        gap = KEEP;
      }
      continue;
    }
    if (code === 0x20 && runStart !== -1 && i + 1 < n) {
      const next = input.charCodeAt(i + 1);
      if (next > 0x20 && next < 0x7f) continue;
    }
    const kind = kindOf(code);
    if (kind === KEEP) {
      if (runStart === -1) {
        if (out.length > 0) out += gap === NEWLINE ? "\n" : gap === SPACE ? " " : "";
        runStart = i;
        gap = KEEP;
      }
      continue;
    }
    if (runStart !== -1) {
      out += input.slice(runStart, i);
      runStart = -1;
    }
    if (kind === NEWLINE) gap = NEWLINE;
    else if (kind === SPACE && gap !== NEWLINE) gap = SPACE;
  }
  if (runStart !== -1) out += input.slice(runStart);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The single scan
// ---------------------------------------------------------------------------------------------

// The code points of the entity just decoded (named entities can have two). One decoder serves
// every call: the scan is synchronous and never re-entered.
let decoded0 = 0;
let decoded1 = 0;
let decodedCount = 0;
const entityDecoder = new EntityDecoder(htmlDecodeTree, (codePoint) => {
  if (decodedCount === 0) decoded0 = codePoint;
  else decoded1 = codePoint;
  decodedCount++;
});

/**
 * The common numeric forms, `&#8220;` and `&#x2019;` (one to six digits and the semicolon), read
 * here as the decoder would read them. `at` is just after the '&'; returns the length of the
 * entity, '&' included (its code point in decoded0), or 0.
 */
function numericEntity(s: string, at: number): number {
  if (s.charCodeAt(at) !== 0x23) return 0;
  let k = at + 1;
  let value = 0;
  if ((s.charCodeAt(k) | 0x20) === 0x78) {
    k++;
    const first = k;
    for (; k - first < 6; k++) {
      const code = s.charCodeAt(k);
      if (code >= 0x30 && code <= 0x39) value = value * 16 + code - 0x30;
      else if ((code | 0x20) >= 0x61 && (code | 0x20) <= 0x66)
        value = value * 16 + (code | 0x20) - 0x57;
      else break;
    }
    if (k === first) return 0;
  } else {
    const first = k;
    for (; k - first < 6; k++) {
      const code = s.charCodeAt(k);
      if (code >= 0x30 && code <= 0x39) value = value * 10 + code - 0x30;
      else break;
    }
    if (k === first) return 0;
  }
  if (s.charCodeAt(k) !== 0x3b) return 0;
  decoded0 = replaceCodePoint(value);
  decodedCount = 1;
  return k + 2 - at;
}

// The named entities feeds use most, written out with their semicolon: the decoder reads each
// of these the same way wherever it stands (a ';' ends a name). [name and ';', code point]
const COMMON_ENTITIES: ReadonlyArray<readonly [string, number]> = [
  ["amp;", 0x26],
  ["nbsp;", 0xa0],
  ["quot;", 0x22],
  ["lt;", 0x3c],
  ["gt;", 0x3e],
  ["apos;", 0x27],
  ["mdash;", 0x2014],
  ["ndash;", 0x2013],
  ["hellip;", 0x2026],
  ["rsquo;", 0x2019],
  ["lsquo;", 0x2018],
  ["rdquo;", 0x201d],
  ["ldquo;", 0x201c],
];

/** As numericEntity, for COMMON_ENTITIES. */
function commonEntity(s: string, at: number): number {
  const first = s.charCodeAt(at);
  for (const [name, codePoint] of COMMON_ENTITIES) {
    if (name.charCodeAt(0) === first && s.startsWith(name, at)) {
      decoded0 = codePoint;
      decodedCount = 1;
      return name.length + 1;
    }
  }
  return 0;
}

/** `<name` where name, up to the first character that is not [A-Za-z0-9_], is a dropped block. */
function isDropBlockAt(s: string, from: number): boolean {
  const first = s.charCodeAt(from) | 0x20;
  // s(cript, tyle, vg), n(oscript), t(emplate), i(frame), o(bject), m(ath)
  if (first !== 0x73 && first !== 0x6e && first !== 0x74 && first !== 0x69 && first !== 0x6f) {
    if (first !== 0x6d) return false;
  }
  let end = from;
  while (end < s.length && end - from <= 8) {
    const code = s.charCodeAt(end);
    if (!isAlnum(code) && code !== 0x5f) break;
    end++;
  }
  const length = end - from;
  if (length < 3 || length > 8) return false;
  return DROP_BLOCK_NAMES.has(s.slice(from, end).toLowerCase());
}

/** Lower-cased character code, for ASCII letters; digits and the rest unchanged. */
function lower(s: string, at: number): number {
  const code = s.charCodeAt(at);
  return code >= 65 && code <= 90 ? code | 0x20 : code;
}

/** Whether s[from, end) (letters and digits) names a block-level tag, ignoring case. */
function isBlockName(s: string, from: number, end: number): boolean {
  const a = lower(s, from);
  switch (end - from) {
    case 1:
      return a === 0x70; // p
    case 2: {
      const b = lower(s, from + 1);
      switch (a) {
        case 0x62: // br
          return b === 0x72;
        case 0x6c: // li
          return b === 0x69;
        case 0x75: // ul
        case 0x6f: // ol
          return b === 0x6c;
        case 0x68: // h1–h6, hr
          return (b >= 0x31 && b <= 0x36) || b === 0x72;
        case 0x74: // tr, td, th
          return b === 0x72 || b === 0x64 || b === 0x68;
        case 0x64: // dd, dt, dl
          return b === 0x64 || b === 0x74 || b === 0x6c;
        default:
          return false;
      }
    }
    case 3:
    case 5:
    case 6:
    case 7:
    case 10:
      return BLOCK_TAG_NAMES.has(s.slice(from, end).toLowerCase());
    default:
      return false;
  }
}

// What the scan stops at, besides '<' and '&': any character that folding does not keep as it
// is (see kindOf), and a space followed by another space or such a character. Everything in
// between is copied as one slice. (Written " [ …]|[…]" rather than "[…]| {2}", which irregexp
// runs a third slower.)
const FOLDED =
  / [ \u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]|[\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g;

/**
 * Tags, entities and whitespace in one pass over `s`, with the same result as `general`; or
 * undefined when `s` holds something only `general` reads (`<!`: CDATA, comments; a script,
 * style or other dropped block; an entity that reaches a `<`, which might be a tag whose removal
 * would join the entity to the text after it).
 */
function scan(s: string): string | undefined {
  const n = s.length;
  let out = "";
  let started = false; // a kept character has been written
  let gap: Kind = KEEP; // the separator owed before the next kept character
  let tags = true; // false once a tag start has no '>' after it: the rest is text
  // The next '<', '&', '>' and FOLDED match at or after the place each was last looked for from
  // (n if none): each is looked for again only once the scan has passed it, so that no stretch of
  // the input is searched twice for the same thing ("<a <a <a … >" stays linear).
  let nextLt = -1;
  let nextAmp = -1;
  let nextGt = -1;
  let nextFolded = -1;
  let i = 0;
  while (i < n) {
    if (nextLt < i) {
      nextLt = s.indexOf("<", i);
      if (nextLt === -1) nextLt = n;
    }
    if (nextAmp < i) {
      nextAmp = s.indexOf("&", i);
      if (nextAmp === -1) nextAmp = n;
    }
    if (nextFolded < i) {
      FOLDED.lastIndex = i;
      if (FOLDED.test(s)) {
        // The last character matched, or the space before it when that is a space too: a single
        // space before a folded character ends the text before it, as a separator.
        nextFolded = FOLDED.lastIndex - 1;
        if (s.charCodeAt(nextFolded) === 0x20) nextFolded--;
      } else nextFolded = n;
    }
    // s[i, j): printable characters with single spaces between them, kept as they are apart from
    // a space at either end, which is a separator.
    const j = Math.min(nextLt, nextAmp, nextFolded);
    if (j > i) {
      let from = i;
      let to = j;
      if (s.charCodeAt(from) === 0x20) {
        if (gap !== NEWLINE) gap = SPACE;
        from++;
      }
      const trailing = to > from && s.charCodeAt(to - 1) === 0x20;
      if (trailing) to--;
      if (to > from) {
        if (started && gap !== KEEP) out += gap === NEWLINE ? "\n" : " ";
        started = true;
        out += s.slice(from, to);
        gap = trailing ? SPACE : KEEP;
      }
    }
    if (j === n) break;
    const code = s.charCodeAt(j);
    i = j + 1;
    if (code === 0x20) {
      if (gap !== NEWLINE) gap = SPACE;
      while (s.charCodeAt(i) === 0x20) i++;
      continue;
    }
    if (code === 0x3c) {
      const next = s.charCodeAt(i);
      if (next === 0x21) return undefined;
      const nameAt = next === 0x2f ? i + 1 : i;
      if (tags && isLetter(s.charCodeAt(nameAt))) {
        if (nameAt === i && isDropBlockAt(s, nameAt)) return undefined;
        // A tag runs to the first '>', provided no '<' comes first. Most tags are short, and a
        // loop costs less than two indexOf calls; a long one (a link, an image) takes the calls.
        let end = nameAt + 1;
        while (end < n && isAlnum(s.charCodeAt(end))) end++;
        let close = end;
        const limit = Math.min(n, end + 12);
        for (; close < limit; close++) {
          const c = s.charCodeAt(close);
          if (c === 0x3e || c === 0x3c) break;
        }
        if (close === limit && limit < n) {
          if (nextGt < close) {
            nextGt = s.indexOf(">", close);
            if (nextGt === -1) nextGt = n;
          }
          nextLt = s.indexOf("<", close);
          if (nextLt === -1) nextLt = n;
          close = Math.min(nextGt, nextLt);
        }
        if (close === n) tags = false;
        else if (s.charCodeAt(close) === 0x3c) nextLt = close;
        else {
          // A tag: nothing of it is kept; a block-level one becomes a line break.
          if (isBlockName(s, nameAt, end)) gap = NEWLINE;
          i = close + 1;
          continue;
        }
      }
      // A '<' that starts no tag is text.
    } else if (code === 0x26) {
      let length = numericEntity(s, i) || commonEntity(s, i);
      if (length === 0) {
        decodedCount = 0;
        entityDecoder.startEntity(DecodingMode.Legacy);
        length = entityDecoder.write(nextLt === n ? s : s.slice(0, nextLt), i);
        if (length < 0) {
          if (nextLt !== n) return undefined;
          length = entityDecoder.end();
        }
      }
      if (length > 0) {
        for (let k = 0; k < decodedCount; k++) {
          const codePoint = k === 0 ? decoded0 : decoded1;
          const kind = codePoint > 0xffff ? KEEP : kindOf(codePoint);
          if (kind === KEEP) {
            if (started && gap !== KEEP) out += gap === NEWLINE ? "\n" : " ";
            started = true;
            gap = KEEP;
            out += String.fromCodePoint(codePoint);
          } else if (kind === NEWLINE) gap = NEWLINE;
          else if (kind === SPACE && gap !== NEWLINE) gap = SPACE;
        }
        i = j + length;
        continue;
      }
      // Not an entity: the '&' is text.
    } else {
      // Other whitespace, controls, invisible characters.
      const kind = kindOf(code);
      if (kind === NEWLINE) gap = NEWLINE;
      else if (kind === SPACE && gap !== NEWLINE) gap = SPACE;
      if (kind !== KEEP) continue;
    }
    // A single kept character: a '<' or '&' that is text, or one FOLDED takes in to no purpose.
    if (started && gap !== KEEP) out += gap === NEWLINE ? "\n" : " ";
    started = true;
    gap = KEEP;
    out += s[j];
  }
  return out;
}

// Anything a title might need cleaning for, besides a space at either end: markup, a character
// that folding changes, two spaces in a row. Most titles have none of it. (" [ …]" stands for
// "  ": the regex runs faster so, and finds the same strings, as "[…]" alone finds the others.)
const NEEDS_CLEANING =
  / [ \u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]|[<&\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/;

/** Single-line text (titles, names). */
export function toSingleLine(input: string): string {
  const clean =
    input.charCodeAt(0) !== 0x20 &&
    input.charCodeAt(input.length - 1) !== 0x20 &&
    !NEEDS_CLEANING.test(input);
  if (clean) return input;
  const text = htmlToText(input);
  return text.includes("\n") ? text.replace(/\s*\n\s*/g, " ") : text;
}
