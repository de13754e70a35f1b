import { describe, expect, it } from "vitest";
import { findFeedLinks } from "../../src/feeds/discover.js";

const PAGE = "https://news.example/world/index.html";
const head = (inner: string) => `<!DOCTYPE html><html><head>${inner}</head><body></body></html>`;
const rss = (href: string, extra = "") =>
  `<link rel="alternate" type="application/rss+xml" href="${href}"${extra}>`;

describe("findFeedLinks", () => {
  it("finds RSS and Atom alternates in page order, resolved against the page", () => {
    const html = head(
      `${rss("feed.xml", ' title="World"')}<link type="application/atom+xml" href="/atom" rel="alternate">`,
    );
    expect(findFeedLinks(html, PAGE)).toEqual([
      { url: "https://news.example/world/feed.xml", title: "World" },
      { url: "https://news.example/atom" },
    ]);
  });

  it("resolves against the first <base href>, itself relative to the page, also for links before it", () => {
    const html = head(
      `${rss("a.xml")}<base href="../feeds/"><base href="/ignored/">${rss("b.xml")}`,
    );
    expect(findFeedLinks(html, PAGE).map((l) => l.url)).toEqual([
      "https://news.example/feeds/a.xml",
      "https://news.example/feeds/b.xml",
    ]);
  });

  it("reads attributes as browsers do: any case, any quoting, entities, type parameters, rel lists", () => {
    const html = head(
      [
        "<LINK REL='Alternate Home' TYPE='Application/RSS+XML; charset=utf-8' HREF='/one?a=1&amp;b=2'>",
        '<link rel=alternate type=application/atom+xml href=/two title="A &quot;B&quot;" />',
        '<link\nrel="alternate"\ttype="application/rss+xml"\nhref=" /three ">',
        `${rss("/first")}`.replace('href="/first"', 'href="/first" href="/second"'),
      ].join(""),
    );
    expect(findFeedLinks(html, PAGE)).toEqual([
      { url: "https://news.example/one?a=1&b=2" },
      { url: "https://news.example/two", title: 'A "B"' },
      { url: "https://news.example/three" },
      { url: "https://news.example/first" },
    ]);
  });

  it("ignores what is not a feed link of the head: other rels and types, comments, scripts, the body", () => {
    const html = `<html><head>
      <link rel="stylesheet" type="text/css" href="/s.css">
      <link rel="alternate" hreflang="de" href="/de/">
      <link rel="alternate" type="application/json" href="/feed.json">
      <link rel="alternate" type="application/rss+xml">
      <!-- ${rss("/commented")} -->
      <script>var s = '${rss("/scripted")}';</script>
      <title>${rss("/in-title")}</title>
      <style>/* ${rss("/styled")} */</style>
      </head><body>${rss("/in-body")}</body></html>`;
    expect(findFeedLinks(html, PAGE)).toEqual([]);
  });

  it("stops at <body> on a page without a head element", () => {
    const html = `<!doctype html><title>x</title>${rss("/yes")}<body>${rss("/no")}`;
    expect(findFeedLinks(html, PAGE).map((l) => l.url)).toEqual(["https://news.example/yes"]);
  });

  it("keeps only http(s) addresses, each once, never the page itself", () => {
    const html = head(
      [
        rss("javascript:alert(1)"),
        rss("file:///etc/passwd"),
        rss("data:application/rss+xml,<rss/>"),
        rss("ftp://news.example/feed"),
        rss(PAGE),
        rss("/feed#top"),
        rss("/feed"),
        rss("http://[::1"),
      ].join(""),
    );
    expect(findFeedLinks(html, PAGE).map((l) => l.url)).toEqual(["https://news.example/feed"]);
  });

  it("stays linear on hostile pages", () => {
    const cases = [
      `<head>${"<link rel=alternate ".repeat(200_000)}`,
      `<head><link href="${"x".repeat(2_000_000)}`,
      `<head>${"<".repeat(2_000_000)}`,
      `<head>${"<!--".repeat(500_000)}`,
      `<head><script>${"</scrip".repeat(300_000)}`,
      `<head>${'<link a="'.repeat(300_000)}`,
    ];
    for (const html of cases) {
      const started = performance.now();
      expect(findFeedLinks(html, PAGE)).toEqual([]);
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it("returns at most 20 feeds", () => {
    const html = head(Array.from({ length: 50 }, (_, i) => rss(`/f${i}`)).join(""));
    expect(findFeedLinks(html, PAGE)).toHaveLength(20);
  });
});
