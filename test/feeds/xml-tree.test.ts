import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NotSimpleXml, readXmlTree } from "../../src/feeds/xml-tree.js";

const requireHere = createRequire(import.meta.url);
const xml2js = createRequire(requireHere.resolve("rss-parser"))("xml2js") as {
  Parser: new () => { parseString(xml: string, done: (e: unknown, r: unknown) => void): void };
};

/** What xml2js (as rss-parser configures it) makes of a document: its tree, or "error". */
function oracle(xml: string): unknown {
  let out: unknown = "no callback";
  try {
    new xml2js.Parser().parseString(xml, (error, tree) => {
      if (out === "no callback") out = error ? "error" : tree;
    });
  } catch {
    if (out === "no callback") out = "error";
  }
  return out;
}

/** The fast reader must agree with xml2js, or step aside (NotSimpleXml); never differ. */
function agrees(xml: string): "fast" | "fallback" {
  let tree: unknown;
  try {
    tree = readXmlTree(xml);
  } catch (error) {
    if (error instanceof NotSimpleXml) return "fallback";
    throw error;
  }
  // JSON round trip: xml2js's null-prototype objects and ours compare as plain data, key order kept.
  expect(JSON.stringify(tree)).toBe(JSON.stringify(oracle(xml)));
  return "fast";
}

const CASES: Array<[string, "fast" | "fallback"]> = [
  ['<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title></channel></rss>', "fast"],
  ["<a>\r\n<b>1</b>\r\nx</a>", "fast"],
  ["<a>&nbsp;x&eacute;&AMP;&#65;&#x42;&#0067;</a>", "fast"],
  ['<a b="1" b="2" c=\'x &amp; y\'><![CDATA[]]> </a>', "fast"],
  ["<a><![CDATA[  ]]></a>", "fast"],
  ["<a> <b/> <b></b><b>  </b><c x='1'/></a>", "fast"],
  ["<a>x</a>junk<b>", "fast"],
  ["<a>one<!-- c -->two<?pi x?>three<b>in</b>four</a>", "fast"],
  ['<!DOCTYPE rss PUBLIC "-//x//EN" "http://x/y.dtd">\n<rss><channel/></rss>', "fast"],
  ['<a href="x<y">t</a >', "fast"],
  ["<a>&#160;</a>", "fast"],
  ["<description>Hi <b>bold</b> and <i a='1'>it</i></description>", "fast"],
  ["<a>&#11;</a>", "fallback"],
  ["<a>&amp</a>", "fallback"],
  ["<a>a & b</a>", "fallback"],
  ["<a>&bogus;</a>", "fallback"],
  ["<a><b></a>", "fallback"],
  ["<a>", "fallback"],
  ["text<a/>", "fallback"],
  ["<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", "fallback"],
  ["<a b=1/>", "fallback"],
  ["<a b='1'c='2'/>", "fallback"],
  ["<a><!-- a -- b --></a>", "fallback"],
  ["<a>x < y</a>", "fallback"],
  ["<tïtle>x</tïtle>", "fallback"],
  ["<a><_>x</_></a>", "fallback"],
];

describe("readXmlTree", () => {
  it.each(CASES)("%j is read as xml2js reads it (%s)", (xml, path) => {
    expect(agrees(xml)).toBe(path);
  });

  it("agrees with xml2js on generated near-XML", () => {
    const piece = fc.constantFrom(
      "<a>",
      "</a>",
      "<b x='1'>",
      '<b x="&amp;" y="2">',
      "</b>",
      "<c/>",
      "<_/>",
      " ",
      "\r\n",
      "text",
      "&amp;",
      "&nbsp;",
      "&#233;",
      "&#0;",
      "&",
      "<",
      ">",
      "]]>",
      "<![CDATA[x]]>",
      "<![CDATA[]]>",
      "<!-- c -->",
      "<?pi?>",
      "</ a>",
      "<a >",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        agrees(`<r>${pieces.join("")}</r>`);
      }),
      { numRuns: 3000 },
    );
  });
});
