import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalUrl } from "../../src/feeds/url.js";

describe("canonical URLs", () => {
  it("are what the URL parser itself would write, and a fixed point", () => {
    const host = fc.constantFrom(
      "news.example.org",
      "EXAMPLE.com",
      "xn--bcher-kva.example",
      "a.b-c.example",
      "127.0.0.1",
    );
    const segment = fc.constantFrom(
      "world",
      "2026",
      "a b",
      "ä",
      "..",
      ".",
      "%20",
      "%zz",
      "x'y",
      "(1)",
      "",
    );
    const param = fc.constantFrom(
      "utm_source=rss",
      "id=7",
      "q=a+b",
      "fbclid=x",
      "a=%C3%A4",
      "x",
      "ref_src=tw",
      "p='q'",
      "",
    );
    const url = fc
      .tuple(
        fc.constantFrom("http", "https", "HTTPS"),
        host,
        fc.constantFrom("", ":443", ":80", ":8080"),
        fc.array(segment, { maxLength: 4 }),
        fc.array(param, { maxLength: 4 }),
        fc.constantFrom("", "#top", "#a b"),
      )
      .map(
        ([scheme, h, port, path, query, hash]) =>
          `${scheme}://${h}${port}${path.length ? `/${path.join("/")}` : ""}${query.length ? `?${query.join("&")}` : ""}${hash}`,
      );
    fc.assert(
      fc.property(url, (raw) => {
        const out = canonicalUrl(raw);
        if (out === undefined) return;
        expect(new URL(out).href).toBe(out);
        expect(canonicalUrl(out)).toBe(out);
        expect(out).not.toMatch(/[?&](utm_source|fbclid|ref_src)=/);
        expect(out).not.toContain("#");
      }),
      { numRuns: 2000 },
    );
  });

  it("treat a link the same whether it arrives already clean or needs parsing", () => {
    expect(canonicalUrl("https://news.example.org/a/b?id=7&utm_source=rss#x")).toBe(
      "https://news.example.org/a/b?id=7",
    );
    expect(canonicalUrl("HTTPS://News.Example.org:443/a/b?utm_source=rss&id=7")).toBe(
      "https://news.example.org/a/b?id=7",
    );
    expect(canonicalUrl("https://news.example.org")).toBe("https://news.example.org/");
    expect(canonicalUrl("https://news.example.org/a/./b/../c")).toBe(
      "https://news.example.org/a/c",
    );
    expect(canonicalUrl("/world/story?fbclid=1", "https://news.example.org/feed")).toBe(
      "https://news.example.org/world/story",
    );
  });
});
