import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldWhitespace, htmlToText, toSingleLine } from "../../src/text/html.js";

describe("htmlToText", () => {
  it("drops tags, turns block tags into line breaks and decodes entities", () => {
    expect(
      htmlToText(
        "<p>Talks in <b>Doha</b> &amp; Cairo</p><p>Next&nbsp;round: <a href='x'>Monday</a>.</p>",
      ),
    ).toBe("Talks in Doha & Cairo\nNext round: Monday.");
    expect(htmlToText("Line one<br/>Line two<br>Line three")).toBe(
      "Line one\nLine two\nLine three",
    );
  });

  it("reads doubly escaped HTML, CDATA, and leaves comments, scripts and styles out", () => {
    expect(htmlToText("&lt;p&gt;Ceasefire holds&lt;/p&gt;")).toBe("Ceasefire holds");
    expect(htmlToText("<![CDATA[<p>Inside</p>]]> after")).toBe("Inside\nafter");
    expect(htmlToText("a<!-- hidden -->b <script>alert(1)</script>c<style>p{}</style>d")).toBe(
      "a b c d",
    );
  });

  it("keeps text that only looks like the start of a tag", () => {
    expect(htmlToText("inflation < 2 % and growth > 1 %")).toBe("inflation < 2 % and growth > 1 %");
    expect(htmlToText("a &lt; b")).toBe("a < b");
    expect(htmlToText("broken <div and more text")).toBe("broken <div and more text");
  });

  it("removes invisible characters, folds whitespace and normalises line ends", () => {
    expect(htmlToText("  Kyiv\u200b\u202e talks\t\t resume \r\n\r\n  today\u00a0 ")).toBe(
      "Kyiv talks resume\ntoday",
    );
    expect(foldWhitespace("a\u0001b\u0085c")).toBe("a b c");
  });

  it("gives single-line text for titles", () => {
    expect(toSingleLine("<h1>EU summit</h1><p>ends</p>")).toBe("EU summit ends");
  });

  it("is idempotent on its own output and never leaves a tag-looking run of a real tag", () => {
    const fragment = fc.constantFrom(
      "<p>",
      "</p>",
      "<br/>",
      "<b>",
      "&amp;",
      "&lt;i&gt;",
      "&nbsp;",
      "<!-- c -->",
      " ",
      "\n",
      "\t",
      "\u200b",
      "word",
      "<",
      ">",
      "é",
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fragment, fc.string({ maxLength: 4 })), { maxLength: 30 }),
        (parts) => {
          const once = htmlToText(parts.join(""));
          expect(foldWhitespace(once)).toBe(once);
          expect(once).not.toMatch(/<\/?(p|br|b)>/);
          expect(once).not.toMatch(/^\s|\s$/);
        },
      ),
      { numRuns: 500 },
    );
  });
});
