import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storyIdFor } from "../../src/feeds/id.js";
import { type NormalizeLimits, normalizeItem } from "../../src/feeds/normalize.js";
import type { FeedSource, ParsedFeed, RawItem, Story } from "../../src/feeds/types.js";
import { canonicalUrl } from "../../src/feeds/url.js";
import { htmlToText, toSingleLine } from "../../src/text/html.js";

// ---------------------------------------------------------------------------------------------
// The reference: normalizeItem as it was before dates were read and written without Date where
// they can be, languages remembered, and authors without an '@' spared two regexes; kept verbatim
// (its text, URL and id helpers are the current ones, each checked against its own reference).
// ---------------------------------------------------------------------------------------------

const DEFAULT_LIMITS: NormalizeLimits = { maxTitle: 500, maxText: 20_000 };

// A date more than a day ahead is a publisher's clock or time-zone error; more than 30 years back
// is a default value ("1970-01-01"). Either way first-seen time tells the reader more.
const MAX_FUTURE_MS = 24 * 3600_000;
const MIN_DATE_MS = Date.UTC(1995, 0, 1);

function parseDate(raw: string | undefined, now: number): number | undefined {
  if (!raw) return undefined;
  const time = Date.parse(raw.trim());
  if (Number.isNaN(time) || time > now + MAX_FUTURE_MS || time < MIN_DATE_MS) return undefined;
  return time;
}

/** "jane@example.org (Jane Doe)" → "Jane Doe"; a bare e-mail address is not a byline. */
function cleanAuthor(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let author = toSingleLine(raw);
  const inParens = /^\S+@\S+\s*\(([^)]+)\)$/.exec(author);
  if (inParens?.[1]) author = inParens[1].trim();
  if (/^\S+@\S+$/.test(author)) return undefined;
  return author.slice(0, 200) || undefined;
}

function cleanLanguage(...candidates: Array<string | undefined>): string | undefined {
  for (const raw of candidates) {
    const match = raw && /^\s*([a-zA-Z]{2})(?:[-_][a-zA-Z0-9]+)?\s*$/.exec(raw);
    if (match?.[1]) return match[1].toLowerCase();
  }
  return undefined;
}

/** Cut at a word boundary so that no stored text ends in half a word. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * One raw item to a Story, or undefined when there is nothing a reader could use (no title and
 * no text). Identity: the GUID, else the canonical link, else title + date.
 */
function referenceNormalizeItem(
  raw: RawItem,
  source: FeedSource,
  feed: Pick<ParsedFeed, "link" | "language">,
  now: number,
  limits: NormalizeLimits = DEFAULT_LIMITS,
): Story | undefined {
  const text = clip(htmlToText(raw.body ?? ""), limits.maxText);
  let title = toSingleLine(raw.title ?? "");
  if (!title && text) title = text.split("\n")[0] ?? "";
  title = clip(title, limits.maxTitle);
  if (!title) return undefined;
  const base =
    feed.link && /^https?:/i.test(feed.link)
      ? feed.link
      : /^https?:/i.test(source.url)
        ? source.url
        : undefined;
  const url =
    canonicalUrl(raw.link, base) ??
    (raw.guid && /^https?:\/\//i.test(raw.guid) ? canonicalUrl(raw.guid) : undefined);
  const published = parseDate(raw.date, now);
  const guid = raw.guid ? raw.guid.slice(0, 500) : undefined;
  const identity = guid ? `guid:${guid}` : url ? `url:${url}` : `title:${title}\n${raw.date ?? ""}`;
  return {
    id: storyIdFor(source.id, identity),
    feedId: source.id,
    feedName: source.name,
    guid,
    title,
    text,
    url,
    publishedAt: new Date(published ?? now).toISOString(),
    publishedEstimated: published === undefined,
    firstSeenAt: new Date(now).toISOString(),
    author: cleanAuthor(raw.author),
    language: cleanLanguage(raw.language, feed.language, source.language),
    categories: raw.categories
      .map((c) => toSingleLine(c))
      .filter(Boolean)
      .slice(0, 20),
  };
}

// ---------------------------------------------------------------------------------------------

const NOW = Date.UTC(2026, 2, 11, 12);
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

const date = fc.oneof(
  // What the parser hands over: toISOString's form, of any time around now.
  fc
    .integer({ min: Date.UTC(1969, 11, 31), max: NOW + 3 * 86_400_000 })
    .map((ms) => new Date(ms).toISOString()),
  // The same form with fields out of range (Feb 30, 24:00, minute 60, month 13) or short years.
  fc
    .tuple(
      fc.oneof(fc.integer({ min: 1994, max: 2026 }), fc.integer({ min: 0, max: 2100 })),
      fc.integer({ min: 0, max: 13 }),
      fc.oneof(fc.integer({ min: 27, max: 32 }), fc.integer({ min: 0, max: 32 })),
      fc.oneof(fc.constantFrom(0, 23, 24, 25), fc.integer({ min: 0, max: 25 })),
      fc.oneof(fc.constantFrom(0, 59, 60), fc.integer({ min: 0, max: 61 })),
      fc.oneof(fc.constantFrom(0, 59, 60), fc.integer({ min: 0, max: 61 })),
      fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 999 })),
    )
    .map(
      ([y, mo, d, h, mi, s, ms]) =>
        `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}Z`,
    ),
  fc.constantFrom(
    "2026-03-10T08:30:00Z",
    "2026-03-10T08:30:00.000+01:00",
    " 2026-03-10T08:30:00.000Z ",
    "2026-03-10T08:30:00.000z",
    "2026-03-10t08:30:00.000Z",
    "+002026-03-10T08:30:00.000Z",
    "2026-03-1OT08:30:00.000Z",
    "Tue, 10 Mar 2026 08:30:00 GMT",
    "Tue, 10 Mar 2026 09:30:00 +0100",
    "1970-01-01T00:00:00.000Z",
    "2000-02-29T23:59:59.999Z",
    "2100-02-29T00:00:00.000Z",
    "2026-02-29T10:00:00.000Z",
    "2024-02-30T10:00:00.000Z",
    "2025-04-31T10:00:00.000Z",
    "2026-03-09T24:00:00.000Z",
    "2026-03-09T23:59:60.000Z",
    "2026-03-09T23:60:00.000Z",
    "yesterday",
    "",
  ),
);

const item: fc.Arbitrary<RawItem> = fc.record(
  {
    guid: fc.option(fc.constantFrom("g1", "https://news.example.org/g?fbclid=1", "urn:x"), {
      nil: undefined,
    }),
    title: fc.option(fc.constantFrom("Talks resume", " A  title ", "<b>Bold</b> &amp; more", ""), {
      nil: undefined,
    }),
    link: fc.option(
      fc.constantFrom("https://news.example.org/a?utm_source=rss", "/rel", "javascript:x"),
      { nil: undefined },
    ),
    body: fc.option(fc.constantFrom("<p>Body one.</p><p>Two</p>", "plain", ""), { nil: undefined }),
    date: fc.option(date, { nil: undefined }),
    author: fc.option(
      fc.constantFrom(
        "Jane Doe",
        "jane@example.org (Jane Doe)",
        "jane@example.org",
        "a@b (c) d",
        "<i>x</i>@y",
        "@",
        " ",
      ),
      { nil: undefined },
    ),
    language: fc.option(fc.constantFrom("en-GB", "de", "english", " fr ", "EN_us", ""), {
      nil: undefined,
    }),
    categories: fc.array(fc.constantFrom("World", "", " ", "<b>Trade</b>", "A  B"), {
      maxLength: 25,
    }),
  },
  { requiredKeys: ["categories"] },
);

const feed = fc.record({
  link: fc.option(fc.constantFrom("https://news.example.org/world/", "javascript:void(0)"), {
    nil: undefined,
  }),
  language: fc.option(fc.constantFrom("de-DE", "en", "xx-yy-zz"), { nil: undefined }),
});

const source = fc.record({
  id: fc.constantFrom("wire", "other"),
  name: fc.constant("World Wire"),
  url: fc.constantFrom("https://feeds.example.org/world.xml", "file:///x"),
  language: fc.option(fc.constantFrom("fr", "pt-BR"), { nil: undefined }),
  origin: fc.constant("guild" as const),
});

const now = fc.oneof(
  fc.constant(NOW),
  fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2200, 0, 1) }),
);

describe("normalizeItem against the reference", () => {
  it("gives the same story for every item, in any order of calls", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(item, feed, source, now), { minLength: 1, maxLength: 8 }),
        (calls) => {
          // Twice over, so that every remembered value is also met again after others.
          for (const [raw, f, s, t] of [...calls, ...calls]) {
            expect(normalizeItem(raw, s, f, t)).toEqual(referenceNormalizeItem(raw, s, f, t));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("writes any time as toISOString does", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 253_402_300_799_999 }),
          fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }),
          fc.constantFrom(0, 253_402_300_799_999, 253_402_300_800_000, -1, 951_782_400_000),
        ),
        (t) => {
          const raw: RawItem = { title: "A", categories: [] };
          const src: FeedSource = {
            id: "w",
            name: "W",
            url: "https://x.example/",
            origin: "guild",
          };
          const story = normalizeItem(raw, src, {}, t);
          expect(story?.firstSeenAt).toBe(new Date(t).toISOString());
          expect(story?.publishedAt).toBe(new Date(t).toISOString());
        },
      ),
      { numRuns: 5000 },
    );
  });
});
