import { createRequire } from "node:module";
import { decodeHTML } from "entities";
import Parser from "rss-parser";
import { mediaOf } from "./media.js";
import type { ParsedFeed, RawItem } from "./types.js";
import { isXmlChar } from "./xml-chars.js";
import { NotSimpleXml, readXmlTree } from "./xml-tree.js";

/** Why a document is not a feed we can read: a stable code that src/feeds/errors.ts puts into words. */
export type ParseReason = "empty" | "html-page" | "not-xml" | "not-a-feed" | "unusable-items";

export class FeedParseError extends Error {
  override name = "FeedParseError";
  constructor(
    message: string,
    readonly reason: ParseReason = "not-a-feed",
  ) {
    super(message);
  }
}

type Loose = Record<string, unknown>;
type FieldSpec = string | [string, string, Loose?];

// rss-parser's own helpers, for the one method below that does less than the original.
const requireHere = createRequire(import.meta.url);
const rssUtils = requireHere("rss-parser/lib/utils.js") as {
  copyFromXML(xml: Loose, dest: Loose, fields: FieldSpec[]): void;
  getContent(content: unknown): string;
};
// The xml2js rss-parser itself loads: the reader of every document the fast one leaves to it.
const xml2js = createRequire(requireHere.resolve("rss-parser"))("xml2js") as {
  Parser: new (
    options?: Loose,
  ) => { parseString(xml: string, done: (error: unknown, tree: unknown) => void): void };
};

type TreeCallback = (error: unknown, tree: unknown) => void;

/**
 * What rss-parser calls to read XML (`this.xmlParser.parseString`): the fast reader for clean
 * documents, and for everything else a fresh xml2js parser, which is what rss-parser would have
 * used. A fresh one each time: xml2js reused after a successful parse never calls back on a
 * document without a root element (`<?xml version="1.0"?>` alone); that parse hangs until a
 * later, unrelated document resolves it with its own items.
 */
interface TreeReader {
  parseString(xml: string, done: TreeCallback): void;
}

const xml2jsReader: TreeReader = {
  parseString(xml, done) {
    new xml2js.Parser().parseString(xml, done);
  },
};

const treeReader: TreeReader = {
  parseString(xml, done) {
    let tree: unknown;
    try {
      tree = readXmlTree(xml);
    } catch (error) {
      if (!(error instanceof NotSimpleXml)) throw error;
      xml2jsReader.parseString(xml, done);
      return;
    }
    // Outside the try: rss-parser's own errors (a TypeError on an RSS without a channel)
    // reject its promise, as they do when xml2js calls back.
    done(null, tree);
  },
};

/**
 * rss-parser turns an Atom date with `new Date(x).toISOString()`, which throws on a malformed
 * date and so loses the whole feed over one field. Drop dates that cannot be parsed before it
 * sees them; the story then falls back to its first-seen time.
 */
class TolerantParser extends Parser<Loose, Loose> {
  constructor(options: Parser.ParserOptions<Loose, Loose>, reader: TreeReader) {
    super(options);
    (this as unknown as { xmlParser: TreeReader }).xmlParser = reader;
  }

  parseItemAtom(entry: Loose): unknown {
    for (const field of ["published", "updated"]) {
      const value = textOf(entry[field]);
      if (value !== undefined && Number.isNaN(Date.parse(value))) delete entry[field];
    }
    const base = Parser.prototype as unknown as { parseItemAtom(this: Parser, e: Loose): unknown };
    return base.parseItemAtom.call(this, entry);
  }

  /**
   * rss-parser's RSS item reader, minus the plain-text "snippets" it derives from every
   * description: we make our own plain text (htmlToText), and the snippets cost a seventh of
   * parsing. Everything else is as upstream (rss-parser 3.13, lib/parser.js parseItemRss).
   */
  parseItemRss(xmlItem: Loose, itemFields: FieldSpec[]): Loose {
    const item: Loose = {};
    // Options dropped but keepArray, which the media fields need (includeSnippet is the cost).
    const fields = itemFields.map((f) =>
      Array.isArray(f) ? ([f[0], f[1], { keepArray: f[2]?.keepArray }] as FieldSpec) : f,
    );
    rssUtils.copyFromXML(xmlItem, item, fields);
    const enclosure = xmlItem.enclosure as Array<{ $?: unknown }> | undefined;
    if (enclosure?.[0]) {
      item.enclosure = enclosure[0].$;
      item.enclosures = enclosure.map((e) => e.$);
    }
    const description = xmlItem.description as unknown[] | undefined;
    if (description) item.content = rssUtils.getContent(description[0]);
    const guid = xmlItem.guid as unknown[] | undefined;
    if (guid) item.guid = textOf(guid[0]) ?? guid[0];
    const attrs = xmlItem.$ as Loose | undefined;
    if (attrs?.["rdf:about"]) item["rdf:about"] = attrs["rdf:about"];
    if (xmlItem.category) item.categories = xmlItem.category;
    (this as unknown as { setISODate(item: Loose): void }).setISODate(item);
    return item;
  }
}

const PARSER_OPTIONS: Parser.ParserOptions<Loose, Loose> = {
  // `<rss>` without a version attribute is read as RSS 2.0, as browsers and aggregators do.
  defaultRSS: 2,
  customFields: {
    feed: ["language", "dc:language", "ttl", "sy:updatePeriod", "sy:updateFrequency"] as never[],
    item: [
      "dc:date",
      "published",
      "updated",
      "id",
      "dc:language",
      "description",
      // Every one, not just the first: the picture is chosen among them (media.ts).
      ["media:content", "media:content", { keepArray: true }],
      ["media:thumbnail", "media:thumbnail", { keepArray: true }],
      ["media:group", "media:group", { keepArray: true }],
      // Atom links, for rel="enclosure" images (rss-parser keeps only the alternate one).
      ["link", "links", { keepArray: true }],
    ] as never[],
  },
};

/** `fast`: the fast reader, xml2js for what it leaves; `xml2js`: xml2js alone, as before it. */
export type XmlReader = "fast" | "xml2js";

// Stateless now that every document gets its own XML reader: one of each will do.
const PARSERS: Record<XmlReader, TolerantParser> = {
  fast: new TolerantParser(PARSER_OPTIONS, treeReader),
  xml2js: new TolerantParser(PARSER_OPTIONS, xml2jsReader),
};

function parseOnce(xml: string, reader: XmlReader): Promise<Parser.Output<Loose>> {
  return PARSERS[reader].parseString(xml);
}

/** xml2js hands back strings, `{ _: text, $: attrs }` objects, or arrays of those. */
function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === "object") {
    const inner = (value as Loose)._;
    if (typeof inner === "string") return inner;
    const attrs = (value as Loose).$ as Loose | undefined;
    if (attrs && typeof attrs.href === "string") return attrs.href;
  }
  return undefined;
}

function nonEmpty(...values: unknown[]): string | undefined {
  for (const value of values) {
    const text = textOf(value)?.trim();
    if (text) return text;
  }
  return undefined;
}

const PERIOD_MINUTES: Record<string, number> = {
  hourly: 60,
  daily: 1440,
  weekly: 10080,
  monthly: 43200,
  yearly: 525600,
};

/** RSS `ttl` or the syndication module's period/frequency, in minutes. */
function ttlMinutes(feed: Loose): number | undefined {
  const ttl = Number(textOf(feed.ttl));
  if (Number.isFinite(ttl) && ttl > 0) return ttl;
  const period = PERIOD_MINUTES[textOf(feed["sy:updatePeriod"])?.trim().toLowerCase() ?? ""];
  if (!period) return undefined;
  const frequency = Number(textOf(feed["sy:updateFrequency"]) ?? 1);
  return period / (Number.isFinite(frequency) && frequency >= 1 ? frequency : 1);
}

function categoriesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((c) => textOf(c)?.trim() ?? "").filter((c) => c.length > 0 && c.length <= 100);
}

function toRawItem(item: Loose): RawItem {
  const raw: RawItem = {
    guid: nonEmpty(item.guid, item.id, item["rdf:about"]),
    title: nonEmpty(item.title),
    link: nonEmpty(item.link),
    body: nonEmpty(item["content:encoded"], item.content, item.summary, item.description),
    date: nonEmpty(
      item.isoDate,
      item.pubDate,
      item["dc:date"],
      item.published,
      item.updated,
      item.date,
    ),
    author: nonEmpty(item.creator, item.author, item["dc:creator"]),
    language: nonEmpty(item["dc:language"], item.language),
    categories: categoriesOf(item.categories),
  };
  const media = mediaOf(item);
  if (media.length > 0) raw.media = media;
  return raw;
}

const HTML_PAGE = /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html)[\s>]/i;
const XML_ENTITIES = new Set(["amp", "lt", "gt", "quot", "apos"]);
// Characters XML 1.0 forbids anywhere, even escaped; real feeds contain them anyway.
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// The same characters written as references (&#11; from word processors, &#0;, &#xD800;): the
// parser refuses the whole document over one of them, so they go the way the raw ones do.
const CHAR_REF = /&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));/g;

/**
 * The commonest reasons real feeds are not well-formed: HTML entities XML does not define
 * (&nbsp;), bare ampersands in URLs and titles, and control characters. Mend those, nothing else.
 */
export function repairXml(xml: string): string {
  return (
    xml
      .replace(XML_ILLEGAL, "")
      .replace(CHAR_REF, (whole, hex: string | undefined, dec: string | undefined) =>
        isXmlChar(hex ? Number.parseInt(hex, 16) : Number(dec)) ? whole : "",
      )
      // {0,31}: a one-letter name (R&D;, Q&A;) is as undefined as a long one.
      .replace(/&([a-zA-Z][a-zA-Z0-9]{0,31});/g, (whole, name: string) => {
        if (XML_ENTITIES.has(name)) return whole;
        const decoded = decodeHTML(whole);
        if (decoded === whole) return `&amp;${name};`;
        return Array.from(decoded, (ch) => `&#${ch.codePointAt(0)};`).join("");
      })
      .replace(/&(?!(?:[a-zA-Z][\w.-]*|#\d+|#x[0-9a-fA-F]+);)/g, "&amp;")
  );
}

async function parseXml(xml: string, reader: XmlReader): Promise<Parser.Output<Loose>> {
  try {
    return await parseOnce(xml, reader);
  } catch (first) {
    const repaired = repairXml(xml);
    if (repaired === xml) throw first;
    try {
      return await parseOnce(repaired, reader);
    } catch {
      throw first; // the original error points at the original bytes
    }
  }
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, " ").trim().slice(0, 200);
}

/**
 * Parses RSS 0.9x/1.0/2.0 and Atom with rss-parser. Anything that is not a feed is refused with a
 * FeedParseError whose message says why; nothing escapes as another kind of exception.
 */
export async function parseFeed(
  text: string,
  maxItems = 200,
  reader: XmlReader = "fast",
): Promise<ParsedFeed> {
  const xml = text.replace(/^\uFEFF/, "").trimStart();
  if (xml.length === 0) throw new FeedParseError("empty response, not a feed", "empty");
  if (HTML_PAGE.test(xml.slice(0, 4096)))
    throw new FeedParseError("an HTML page, not a feed", "html-page");
  if (!xml.startsWith("<"))
    throw new FeedParseError("not XML (does not start with a tag)", "not-xml");
  let output: Parser.Output<Loose>;
  try {
    output = await parseXml(xml, reader);
  } catch (error) {
    // rss-parser indexes `channel[0]` unchecked; a TypeError there means the document has no channel.
    if (
      error instanceof TypeError &&
      /^<rss[\s>]/i.test(xml.replace(/^(<\?[^>]*>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|\s)+/i, ""))
    ) {
      throw new FeedParseError("not a readable feed: the RSS document has no channel");
    }
    throw new FeedParseError(`not a readable feed: ${describe(error)}`);
  }
  const feed = output as unknown as Loose;
  const items = (Array.isArray(output.items) ? output.items : []).slice(0, maxItems);
  return {
    title: nonEmpty(feed.title),
    link: nonEmpty(feed.link),
    language: nonEmpty(feed.language, feed["dc:language"]),
    ttlMinutes: ttlMinutes(feed),
    items: items.map((item) => toRawItem(item as Loose)),
  };
}
