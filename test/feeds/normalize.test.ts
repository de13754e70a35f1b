import { describe, expect, it } from "vitest";
import { storyIdFor } from "../../src/feeds/id.js";
import { normalizeFeed, normalizeItem } from "../../src/feeds/normalize.js";
import { parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource, ParsedFeed, RawItem } from "../../src/feeds/types.js";
import { canonicalUrl } from "../../src/feeds/url.js";

const NOW = Date.UTC(2026, 2, 11, 12);
const NOW_ISO = new Date(NOW).toISOString();
const SOURCE: FeedSource = {
  id: "wire",
  name: "World Wire",
  url: "https://feeds.example.org/world.xml",
  origin: "guild",
};
const FEED: Pick<ParsedFeed, "link" | "language"> = { link: "https://news.example.org/world/" };

function raw(fields: Partial<RawItem>): RawItem {
  return { categories: [], ...fields };
}

function story(fields: Partial<RawItem>, feed = FEED, source = SOURCE, now = NOW) {
  const result = normalizeItem(raw(fields), source, feed, now);
  if (!result) throw new Error("item was dropped");
  return result;
}

describe("canonicalUrl", () => {
  it("strips tracking parameters and the fragment, keeping meaningful parameters in order", () => {
    expect(
      canonicalUrl(
        "https://news.example.org/a?id=7&utm_source=rss&utm_medium=feed&page=2&fbclid=IwAR0&gclid=x&mc_cid=1&q=iran+deal#comments",
      ),
    ).toBe("https://news.example.org/a?id=7&page=2&q=iran+deal");
    expect(canonicalUrl("https://news.example.org/a?UTM_Campaign=x&ocid=y&_ga=z&xtor=RSS-1")).toBe(
      "https://news.example.org/a",
    );
    expect(canonicalUrl("https://news.example.org/a#top")).toBe("https://news.example.org/a");
  });

  it("keeps parameters that only look like tracking", () => {
    expect(canonicalUrl("https://news.example.org/search?utm=1&source=rss&refid=3&cmpx=4")).toBe(
      "https://news.example.org/search?utm=1&source=rss&refid=3&cmpx=4",
    );
  });

  it("lower-cases the host, drops the default port and any credentials", () => {
    expect(canonicalUrl("HTTPS://user:pw@News.Example.ORG:443/Path/Case")).toBe(
      "https://news.example.org/Path/Case",
    );
    expect(canonicalUrl("http://news.example.org:80/a")).toBe("http://news.example.org/a");
    expect(canonicalUrl("http://news.example.org:8080/a")).toBe("http://news.example.org:8080/a");
  });

  it("refuses what is not an http(s) link", () => {
    for (const link of [
      "javascript:alert(1)",
      " JavaScript:alert(document.cookie)",
      "data:text/html,<script>alert(1)</script>",
      "mailto:desk@example.org",
      "ftp://files.example.org/a",
      "file:///etc/passwd",
      "not a url",
      "http://",
      "",
      undefined,
    ]) {
      expect(canonicalUrl(link), String(link)).toBeUndefined();
    }
  });

  it("resolves relative links against a base", () => {
    const base = "https://news.example.org/world/feed.xml";
    expect(canonicalUrl("/europe/story-1", base)).toBe("https://news.example.org/europe/story-1");
    expect(canonicalUrl("story-2?utm_source=x", base)).toBe(
      "https://news.example.org/world/story-2",
    );
    expect(canonicalUrl("//cdn.example.net/x", base)).toBe("https://cdn.example.net/x");
    expect(canonicalUrl("javascript:alert(1)", base)).toBeUndefined();
  });
});

describe("story links", () => {
  it("resolve relative links against the feed's link, else the feed's own URL", () => {
    expect(story({ title: "A", link: "../europe/a?utm_source=rss#x" }).url).toBe(
      "https://news.example.org/europe/a",
    );
    expect(story({ title: "A", link: "/b" }, { link: undefined }).url).toBe(
      "https://feeds.example.org/b",
    );
    // A feed link that is not http(s) is no base.
    expect(story({ title: "A", link: "c" }, { link: "javascript:void(0)" }).url).toBe(
      "https://feeds.example.org/c",
    );
  });

  it("are dropped when they are not http(s), falling back to a URL-shaped GUID", () => {
    expect(story({ title: "A", link: "javascript:alert(1)" }).url).toBeUndefined();
    expect(story({ title: "A", link: "data:text/html,x" }).url).toBeUndefined();
    expect(
      story({
        title: "A",
        link: "javascript:alert(1)",
        guid: "https://news.example.org/g?fbclid=1",
      }).url,
    ).toBe("https://news.example.org/g");
    expect(story({ title: "A", guid: "urn:uuid:1" }).url).toBeUndefined();
  });
});

describe("story identity", () => {
  it("is stable across runs and independent of the time of the poll", () => {
    const item = { title: "Talks resume", guid: "urn:1", link: "https://news.example.org/1" };
    const first = story(item);
    const later = story(item, FEED, SOURCE, NOW + 3 * 86_400_000);
    expect(later.id).toBe(first.id);
    expect(first.id).toBe(storyIdFor("wire", "guid:urn:1"));
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("is scoped per feed: the same GUID in two feeds is two stories", () => {
    const other: FeedSource = { ...SOURCE, id: "other", name: "Other" };
    expect(story({ title: "1", guid: "1" }, FEED, other).id).not.toBe(
      story({ title: "1", guid: "1" }).id,
    );
  });

  it("is the GUID first: a changed title, link or date keeps the id", () => {
    const base = story({ title: "Draft", guid: "g-42", link: "https://news.example.org/a" });
    const edited = story({
      title: "Final headline",
      guid: "g-42",
      link: "https://news.example.org/a-renamed",
      date: "2026-03-10T10:00:00Z",
    });
    expect(edited.id).toBe(base.id);
  });

  it("is the canonical link without a GUID: tracking differences do not matter", () => {
    const a = story({ title: "A", link: "https://news.example.org/a?utm_source=rss" });
    const b = story({ title: "A, updated", link: "https://news.example.org/a#comments" });
    expect(b.id).toBe(a.id);
    expect(b.id).toBe(storyIdFor("wire", "url:https://news.example.org/a"));
    expect(story({ title: "A", link: "https://news.example.org/b" }).id).not.toBe(a.id);
  });

  it("is title and date without GUID or link", () => {
    const a = story({ title: "Statement", date: "2026-03-10T10:00:00Z" });
    expect(story({ title: "Statement", date: "2026-03-10T10:00:00Z" }).id).toBe(a.id);
    expect(story({ title: "Statement", date: "2026-03-11T10:00:00Z" }).id).not.toBe(a.id);
    expect(story({ title: "Other statement", date: "2026-03-10T10:00:00Z" }).id).not.toBe(a.id);
  });
});

describe("story dates", () => {
  it("keep a valid date, in any common format", () => {
    for (const [date, iso] of [
      ["Tue, 10 Mar 2026 08:30:00 GMT", "2026-03-10T08:30:00.000Z"],
      ["Tue, 10 Mar 2026 09:30:00 +0100", "2026-03-10T08:30:00.000Z"],
      ["2026-03-10T08:30:00Z", "2026-03-10T08:30:00.000Z"],
      ["  2026-03-10T10:30:00+02:00 ", "2026-03-10T08:30:00.000Z"],
    ] as const) {
      const s = story({ title: "A", date });
      expect(s.publishedAt, date).toBe(iso);
      expect(s.publishedEstimated).toBe(false);
      expect(s.firstSeenAt).toBe(NOW_ISO);
    }
  });

  it("fall back to the first-seen time when missing, invalid, in the future or a default", () => {
    for (const date of [
      undefined,
      "",
      "yesterday",
      "2026-13-45T99:00:00Z",
      "Tue, 10 Mar 2099 08:30:00 GMT",
      new Date(NOW + 25 * 3600_000).toISOString(),
      "1970-01-01T00:00:00Z",
    ]) {
      const s = story({ title: "A", date });
      expect(s.publishedAt, String(date)).toBe(NOW_ISO);
      expect(s.publishedEstimated, String(date)).toBe(true);
    }
  });

  it("accept a date up to a day ahead (time-zone slips)", () => {
    const soon = new Date(NOW + 3 * 3600_000).toISOString();
    expect(story({ title: "A", date: soon })).toMatchObject({
      publishedAt: soon,
      publishedEstimated: false,
    });
  });
});

describe("story fields", () => {
  it("turn 'address (Name)' into the name and drop bare e-mail addresses", () => {
    expect(story({ title: "A", author: "jane@example.org (Jane Doe)" }).author).toBe("Jane Doe");
    expect(story({ title: "A", author: "  jane@example.org  ( Jane Doe )" }).author).toBe(
      "Jane Doe",
    );
    expect(story({ title: "A", author: "noreply@example.org" }).author).toBeUndefined();
    expect(story({ title: "A", author: "<b>Max</b> Mustermann" }).author).toBe("Max Mustermann");
    expect(story({ title: "A", author: "   " }).author).toBeUndefined();
  });

  it("take the language from the item, else the feed, else the source", () => {
    const feedDe = { ...FEED, language: "de-DE" };
    const sourceFr = { ...SOURCE, language: "fr" };
    expect(story({ title: "A", language: "en-GB" }, feedDe, sourceFr).language).toBe("en");
    expect(story({ title: "A" }, feedDe, sourceFr).language).toBe("de");
    expect(story({ title: "A" }, FEED, sourceFr).language).toBe("fr");
    expect(story({ title: "A" }).language).toBeUndefined();
    // Values that are not language codes are skipped, not trusted.
    expect(story({ title: "A", language: "english" }, feedDe, sourceFr).language).toBe("de");
    expect(story({ title: "A", language: "EN_us" }).language).toBe("en");
  });

  it("take the title from the text when the item has none, and drop items with neither", () => {
    expect(story({ body: "<p>First line of the body.</p><p>Second.</p>" }).title).toBe(
      "First line of the body.",
    );
    expect(normalizeItem(raw({ title: "  ", body: "<p> </p>" }), SOURCE, FEED, NOW)).toBe(
      undefined,
    );
  });

  it("clip long titles at a word boundary", () => {
    const s = normalizeItem(raw({ title: "word ".repeat(200) }), SOURCE, FEED, NOW, {
      maxTitle: 50,
      maxText: 100,
    });
    expect(s?.title.length).toBeLessThanOrEqual(50);
    expect(s?.title).toMatch(/^(word )+word…$/);
  });

  it("fold titles to one line of plain text", () => {
    expect(story({ title: "Line one\n  <i>line</i>\ttwo &amp; three" }).title).toBe(
      "Line one line two & three",
    );
  });
});

describe("normalizeFeed", () => {
  it("drops duplicate GUIDs within a document, the first one winning", async () => {
    const parsed = await parseFeed(`<rss version="2.0"><channel><title>T</title>
      <link>https://news.example.org/</link>
      <item><title>First</title><guid>dup</guid></item>
      <item><title>Unique</title><guid>u</guid></item>
      <item><title>Second copy</title><guid>dup</guid></item>
      <item><title>Same link</title><link>https://news.example.org/x?utm_source=a</link></item>
      <item><title>Same link again</title><link>https://news.example.org/x#top</link></item>
      <item><title></title><description></description></item>
    </channel></rss>`);
    const stories = normalizeFeed(parsed, SOURCE, NOW);
    expect(stories.map((s) => s.title)).toEqual(["First", "Unique", "Same link"]);
    expect(new Set(stories.map((s) => s.id)).size).toBe(3);
  });
});
