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

  it("reads a numeric reference beyond U+10FFFF as U+FFFD, however many digits it has", () => {
    for (const ref of [
      `&#${"9".repeat(400)};`,
      `&#x${"F".repeat(400)};`,
      "&#1114112;",
      "&#x110000",
    ]) {
      expect(htmlToText(`a ${ref} b`), ref.slice(0, 12)).toBe("a \uFFFD b");
      expect(htmlToText(`<p>a</p> ${ref}`), ref.slice(0, 12)).toBe("a\n\uFFFD");
    }
    // Also when the reference only appears after decoding once or after tags are removed.
    const digits = "9".repeat(400);
    for (const text of [
      `&lt;p&gt;x &amp;#${digits};`,
      `x &#<b>${digits};`,
      `x &#<![CDATA[${digits}]]>;`,
    ]) {
      expect(htmlToText(text), text.slice(0, 20)).toBe("x \uFFFD");
    }
    // Leading zeros do not make a reference overlong.
    expect(htmlToText("&#00000000000065; &#x000000000041; &#1114111;")).toBe("A A \u{10FFFF}");
  });

  it("drops script-like blocks up to their own closing tag, and leaves unclosed ones to tag stripping", () => {
    expect(htmlToText("a<script>x<style>y</style>z</script>b")).toBe("a b");
    expect(htmlToText("a<SCRIPT type=x>1</script >b<style>2</STYLE>c")).toBe("a b c");
    expect(htmlToText("<script>never closed <b>text</b>")).toBe("never closed text");
    expect(htmlToText("<script <style>x</style>")).toBe("<script");
    expect(htmlToText(`${"<script>".repeat(1000)}kept`)).toBe("kept");
    expect(htmlToText("<script-x>kept</script-x><scriptx>also</scriptx>")).toBe("keptalso");
  });

  it("gives single-line text for titles", () => {
    expect(toSingleLine("<h1>EU summit</h1><p>ends</p>")).toBe("EU summit ends");
  });

  it("reads CDATA, comments, dropped blocks, doubly escaped HTML and split entities as before", () => {
    for (const [html, text] of [
      ["<![CDATA[<p>Inside</p>]]> after", "Inside\nafter"],
      ["<![CDATA[unterminated <b>bold", "unterminated bold"],
      ["a<!-- hidden <p> -->b<!-- unterminated", "a b"],
      [
        "x<script type='text/javascript'>if (a < b) alert(1)</script>y<STYLE>p{}</STYLE >z",
        "x y z",
      ],
      ["<svg><text>drawn</text></svg>caption <svgx>kept</svgx>", "caption kept"],
      ["&lt;p&gt;Ceasefire &amp;amp; talks&lt;/p&gt;", "Ceasefire & talks"],
      // An entity that a tag cuts in two is read across the tag, as if the tag were not there.
      ["&am<b>p;</b> split entity, &copy<br>right", "& split entity, ©\nright"],
    ] as const) {
      expect(htmlToText(html), html).toBe(text);
    }
  });

  it("drops tags, decodes entities and folds whitespace in one pass", () => {
    for (const [html, text] of [
      ["a < b and c > d", "a < b and c > d"],
      ["<3 hearts, 1<2, x </ y", "<3 hearts, 1<2, x </ y"],
      ["&amp;nbsp;", "&nbsp;"],
      ["It&#x2019;s late&hellip; &#8220;yes&#8221; &mdash; no", "It’s late… “yes” — no"],
      [
        "Caf&eacute; &copy 2026 &notit; &ampx &#65x &#x41 &unknown; & alone",
        "Café © 2026 ¬it; &x Ax A &unknown; & alone",
      ],
      ["&#0; &#128; &#150; &#xD800; &#1114112; &#x1F600;", "\ufffd € – \ufffd \ufffd 😀"],
      ["Tab&#9;and&#10;newline&#160;nbsp&#x200b;zwsp&#173;shy", "Tab and\nnewline nbspzwspshy"],
      [
        "<P>One</P><DIV>Two</DIV><li>Three<BR/>Four<h2>Five</h2><td>Six</td>",
        "One\nTwo\nThree\nFour\nFive\nSix",
      ],
      ["<b>bold</b><i>italic</i> <em>em</em>", "bolditalic em"],
      ["<p>para</p>   <p>  spaced   out  </p>\n\n<p>\tlast</p>", "para\nspaced out\nlast"],
      // A '<' inside a tag makes the first '<' text; a '>' inside quotes ends the tag.
      [
        "<a href='x?a=1&amp;b=2' title=\"<\">link</a> text",
        "<a href='x?a=1&b=2' title=\"<\">link text",
      ],
      ["<a title='a>b'>x</a>", "b'>x"],
    ] as const) {
      expect(htmlToText(html), html).toBe(text);
    }
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
