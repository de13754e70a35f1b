/**
 * A fast reader for well-formed feeds that hands rss-parser the very object tree xml2js would
 * (options rss-parser uses: explicitArray, attributes under `$`, text under `_`, explicitRoot),
 * so rss-parser's format mapping stays as it is while the XML is read several times faster.
 *
 * It reads the common, clean case only. Anything sax (under xml2js, strict mode) would reject,
 * recover from, or read in a way this scanner does not copy exactly (a DTD, an unknown entity, a
 * mismatched tag, a non-ASCII name, …) throws NotSimpleXml, and the caller falls back to xml2js:
 * so the fast path may only ever agree with xml2js, never differ from it.
 */
import { createRequire } from "node:module";
import { isXmlChar } from "./xml-chars.js";

type Node = Record<string, unknown>;

/** The document is outside what this reader copies exactly: read it with xml2js instead. */
export class NotSimpleXml extends Error {
  override name = "NotSimpleXml";
}

// sax's own entity table, from the copy xml2js loads: sax (strict mode, no strictEntities)
// accepts every HTML entity it lists, and so must this reader.
const requireHere = createRequire(import.meta.url);
const sax = createRequire(requireHere.resolve("xml2js"))("sax") as {
  ENTITIES: Record<string, string>;
};
const ENTITIES = sax.ENTITIES;

const notSimple = (why: string): never => {
  throw new NotSimpleXml(why);
};

/** sax's isWhitespace: space, LF, CR, tab. */
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The ASCII part of sax's nameStart. Non-ASCII names go to xml2js. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** Index just past the name starting at `at` (which holds a name-start character). */
function nameEnd(xml: string, at: number): number {
  let i = at + 1;
  while (i < xml.length && isNameChar(xml.charCodeAt(i))) i++;
  if (i < xml.length && xml.charCodeAt(i) >= 0x80) notSimple("non-ASCII name");
  return i;
}

/** sax's parseEntity, where every case it fails on is left to xml2js. */
function entityValue(name: string): string {
  const known = ENTITIES[name];
  if (known !== undefined) return known;
  const lower = name.toLowerCase();
  const knownLower = ENTITIES[lower];
  if (knownLower !== undefined) return knownLower;
  if (lower.charCodeAt(0) !== 0x23) return notSimple("unknown entity");
  const hex = lower.charCodeAt(1) === 0x78;
  const digits = lower.slice(hex ? 2 : 1);
  const num = Number.parseInt(digits, hex ? 16 : 10);
  if (
    Number.isNaN(num) ||
    num.toString(hex ? 16 : 10) !== digits.replace(/^0+/, "") ||
    num > 0x10ffff ||
    !isXmlChar(num)
  ) {
    return notSimple("bad character reference");
  }
  return String.fromCodePoint(num);
}

// Characters sax reads as part of an entity name (its entityBody, ASCII part).
function isEntityChar(c: number): boolean {
  return isNameChar(c) || c === 0x23;
}

/**
 * The document and the next "&" in it at or after the reading position. Reading only moves
 * forward, so one scan finds every ampersand: searching afresh for each text node would scan to
 * the end of a document without any, for every node (quadratic on a 100,000-item feed).
 */
interface Cursor {
  xml: string;
  amp: number;
}

function nextAmp(cursor: Cursor, from: number): number {
  if (cursor.amp < from) {
    const at = cursor.xml.indexOf("&", from);
    cursor.amp = at < 0 ? Number.POSITIVE_INFINITY : at;
  }
  return cursor.amp;
}

/** xml[from, to) with entities decoded, as sax decodes text and attribute values. */
function decoded(cursor: Cursor, from: number, to: number): string {
  const xml = cursor.xml;
  let amp = nextAmp(cursor, from);
  if (amp >= to) return xml.slice(from, to);
  let out = "";
  let at = from;
  while (amp < to) {
    out += xml.slice(at, amp);
    const first = xml.charCodeAt(amp + 1);
    if (!(isNameStart(first) || first === 0x23)) notSimple("bare ampersand");
    let end = amp + 2;
    while (end < to && isEntityChar(xml.charCodeAt(end))) end++;
    if (end >= to || xml.charCodeAt(end) !== 0x3b) notSimple("unterminated entity");
    out += entityValue(xml.slice(amp + 1, end));
    at = end + 1;
    amp = nextAmp(cursor, at);
  }
  return out + xml.slice(at, to);
}

interface Open {
  name: string;
  node: Node;
  /** A non-empty CDATA section was read into it: its text stays even when it is blank. */
  cdata: boolean;
}

const BLANK = /^\s*$/;

/** xml2js's closing of an element (onclosetag with rss-parser's options). */
function finish(open: Open): unknown {
  const node = open.node;
  const text = node._ as string;
  if (BLANK.test(text) && !open.cdata) {
    delete node._;
    for (const _ in node) return node;
    return text;
  }
  for (const key in node) if (key !== "_") return node;
  return text;
}

/** xml2js's assignOrPush with explicitArray. */
function attach(parent: Node, name: string, value: unknown): void {
  const existing = parent[name];
  if (existing === undefined) parent[name] = [value];
  else (existing as unknown[]).push(value);
}

/** Skips a comment, processing instruction or (before the root only) a plain DOCTYPE. */
function skipMarkup(xml: string, lt: number, beforeRoot: boolean): number {
  if (xml.startsWith("<!--", lt)) {
    const dashes = xml.indexOf("--", lt + 4);
    // sax in strict mode refuses "--" inside a comment.
    if (dashes < 0 || xml.charCodeAt(dashes + 2) !== 0x3e) notSimple("malformed comment");
    return dashes + 3;
  }
  if (xml.charCodeAt(lt + 1) === 0x3f) {
    const end = xml.indexOf("?>", lt + 2);
    if (end < 0) notSimple("unterminated processing instruction");
    return end + 2;
  }
  if (beforeRoot && xml.startsWith("<!DOCTYPE", lt)) {
    let i = lt + 9;
    while (i < xml.length) {
      const c = xml.charCodeAt(i);
      if (c === 0x3e) return i + 1;
      // An internal subset may declare entities: xml2js's business.
      if (c === 0x5b) notSimple("DOCTYPE with internal subset");
      if (c === 0x22 || c === 0x27) {
        const close = xml.indexOf(xml[i] as string, i + 1);
        if (close < 0) notSimple("unterminated DOCTYPE");
        i = close;
      }
      i++;
    }
  }
  return notSimple("unsupported markup");
}

/** Reads a start tag at `lt`; returns the element and the index after the tag. */
function readStartTag(
  cursor: Cursor,
  lt: number,
): { name: string; node: Node; end: number; selfClosing: boolean } {
  const xml = cursor.xml;
  const afterName = nameEnd(xml, lt + 1);
  const name = xml.slice(lt + 1, afterName);
  // xml2js keeps text, attributes and a CDATA flag under these keys of the same object.
  if (name === "_" || name === "cdata") notSimple("reserved element name");
  const node: Node = Object.create(null);
  node._ = "";
  let attrs: Node | undefined;
  let i = afterName;
  for (;;) {
    const start = i;
    while (i < xml.length && isSpace(xml.charCodeAt(i))) i++;
    const c = xml.charCodeAt(i);
    if (c === 0x3e) return { name, node, end: i + 1, selfClosing: false };
    if (c === 0x2f) {
      if (xml.charCodeAt(i + 1) !== 0x3e) notSimple("stray slash in tag");
      return { name, node, end: i + 2, selfClosing: true };
    }
    if (!isNameStart(c) || i === start) notSimple("unexpected character in tag");
    const attrEnd = nameEnd(xml, i);
    const attrName = xml.slice(i, attrEnd);
    i = attrEnd;
    while (isSpace(xml.charCodeAt(i))) i++;
    if (xml.charCodeAt(i) !== 0x3d) notSimple("attribute without value");
    i++;
    while (isSpace(xml.charCodeAt(i))) i++;
    const quote = xml.charCodeAt(i);
    if (quote !== 0x22 && quote !== 0x27) notSimple("unquoted attribute");
    const close = xml.indexOf(quote === 0x22 ? '"' : "'", i + 1);
    if (close < 0) notSimple("unterminated attribute");
    if (attrName === "__proto__") notSimple("reserved attribute name");
    attrs ??= node.$ = Object.create(null) as Node;
    // sax keeps the first of two attributes of the same name.
    if (!(attrName in attrs)) attrs[attrName] = decoded(cursor, i + 1, close);
    i = close + 1;
  }
}

function rootOf(name: string, value: unknown): Node {
  const root: Node = Object.create(null);
  root[name] = value;
  return root;
}

/**
 * The xml2js tree of a document (`{ [rootName]: element }`), or NotSimpleXml. As with xml2js,
 * reading stops when the root element closes: what follows it is ignored.
 */
export function readXmlTree(xml: string): Node {
  let pos = 0;
  // Prolog: blanks, comments, processing instructions, one DOCTYPE; then the root.
  for (;;) {
    while (pos < xml.length && isSpace(xml.charCodeAt(pos))) pos++;
    if (xml.charCodeAt(pos) !== 0x3c) return notSimple("text before the root element");
    if (isNameStart(xml.charCodeAt(pos + 1))) break;
    pos = skipMarkup(xml, pos, true);
  }
  const cursor: Cursor = { xml, amp: -1 };
  const stack: Open[] = [];
  let top: Open | undefined;
  for (;;) {
    const lt = xml.indexOf("<", pos);
    if (lt < 0) return notSimple("unclosed element");
    if (top && lt > pos) top.node._ += decoded(cursor, pos, lt);
    const next = xml.charCodeAt(lt + 1);
    if (isNameStart(next)) {
      const tag = readStartTag(cursor, lt);
      pos = tag.end;
      const open: Open = { name: tag.name, node: tag.node, cdata: false };
      if (!tag.selfClosing) {
        if (top) stack.push(top);
        top = open;
        continue;
      }
      if (!top) return rootOf(tag.name, finish(open));
      attach(top.node, tag.name, finish(open));
    } else if (next === 0x2f) {
      if (!top || !isNameStart(xml.charCodeAt(lt + 2))) return notSimple("stray end tag");
      const end = nameEnd(xml, lt + 2);
      if (xml.slice(lt + 2, end) !== top.name) notSimple("mismatched end tag");
      pos = end;
      while (isSpace(xml.charCodeAt(pos))) pos++;
      if (xml.charCodeAt(pos) !== 0x3e) notSimple("malformed end tag");
      pos++;
      const closed = top;
      top = stack.pop();
      const value = finish(closed);
      if (!top) return rootOf(closed.name, value);
      attach(top.node, closed.name, value);
    } else if (!top) {
      pos = skipMarkup(xml, lt, false);
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt + 9);
      if (end < 0) notSimple("unterminated CDATA");
      // sax reports no event for an empty section, so xml2js does not flag the element.
      if (end > lt + 9) {
        top.node._ += xml.slice(lt + 9, end);
        top.cdata = true;
      }
      pos = end + 3;
    } else {
      pos = skipMarkup(xml, lt, false);
    }
  }
}
