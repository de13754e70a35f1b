import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBody } from "../../src/feeds/charset.js";
import { normalizeFeed } from "../../src/feeds/normalize.js";
import { FeedParseError, parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource, Story } from "../../src/feeds/types.js";

const NOW = Date.UTC(2026, 2, 11, 12);
const SOURCE: FeedSource = {
  id: "prop",
  name: "Property feed",
  url: "https://prop.example.org/feed.xml",
  origin: "guild",
};
// A hang shows up as a failed run, not as a stuck test file. FC_RUNS=20000 for a longer hunt.
const RUN = { numRuns: Number(process.env.FC_RUNS ?? 300), timeout: 2000 } as const;

/**
 * The contract the Poller relies on: parseFeed + normalizeFeed either give stories or reject with
 * FeedParseError. Any other exception would escape the poll loop as a crash.
 */
async function parseOrRefuse(text: string): Promise<Story[] | FeedParseError> {
  try {
    return normalizeFeed(await parseFeed(text), SOURCE, NOW);
  } catch (error) {
    if (error instanceof FeedParseError) return error;
    throw new Error(
      `escaped as ${(error as Error)?.name}: ${(error as Error)?.message} for ${JSON.stringify(text.slice(0, 300))}`,
    );
  }
}

const CONTENT_TYPES = [
  undefined,
  "application/rss+xml",
  "text/xml; charset=utf-8",
  "text/xml; charset=windows-1252",
  "text/xml; charset=iso-8859-1",
  "application/xml; charset=utf-16",
  "text/xml; charset=shift_jis",
  "text/xml; charset=no-such-charset",
];

const PREFIXES: number[][] = [
  [],
  [0xef, 0xbb, 0xbf], // UTF-8 BOM
  [0xff, 0xfe], // UTF-16LE BOM
  [0xfe, 0xff], // UTF-16BE BOM
  [0x1f, 0x8b], // gzip magic without a valid stream
  [...Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0">')],
];

const randomBody = fc.oneof(
  fc
    .tuple(fc.constantFrom(...PREFIXES), fc.uint8Array({ maxLength: 1500 }))
    .map(([prefix, rest]) => Uint8Array.from([...prefix, ...rest])),
  // A valid gzip stream of random bytes: exercises the unlabelled-gzip path.
  fc.uint8Array({ maxLength: 800 }).map((bytes) => new Uint8Array(gzipSync(bytes))),
);

/** Pieces of feeds, well- and ill-formed, to be strung together at random. */
const FRAGMENTS = [
  '<?xml version="1.0"?>',
  '<?xml version="1.0" encoding="ISO-8859-1"?>',
  '<rss version="2.0">',
  "<rss>",
  "</rss>",
  "<channel>",
  "</channel>",
  "<item>",
  "</item>",
  "<title>",
  "</title>",
  "<link>",
  "</link>",
  "<guid>",
  "</guid>",
  "<guid isPermaLink='true'>",
  "<pubDate>",
  "</pubDate>",
  "<description>",
  "</description>",
  "<author>",
  "</author>",
  "<dc:creator>",
  "</dc:creator>",
  "<category>",
  "</category>",
  "<ttl>",
  "</ttl>",
  '<feed xmlns="http://www.w3.org/2005/Atom">',
  "</feed>",
  "<entry>",
  "</entry>",
  '<link href="https://a.example/x"/>',
  '<link rel="alternate" href="javascript:alert(1)"/>',
  "<published>",
  "</published>",
  "<updated>",
  "</updated>",
  "<id>",
  "</id>",
  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">',
  "</rdf:RDF>",
  "<![CDATA[",
  "]]>",
  "<!-- comment -->",
  "<!--",
  "-->",
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
  '<!DOCTYPE rss [<!ENTITY b "&a;&a;&a;&a;">]>',
  "<!DOCTYPE html>",
  "<html>",
  "&a;",
  "&amp;",
  "&amp;amp;",
  "&",
  "<",
  ">",
  "&lt;b&gt;",
  "&nbsp;",
  "&eacute;",
  "&#8217;",
  "&#x1F600;",
  "&#0;",
  "&#xD800;",
  "&#99999999;",
  "&unknownentity;",
  "&#",
  "<unclosed",
  "<a href='",
  "</wrong>",
  "<x:y:z>",
  "<title/>",
  "<item/>",
  "https://news.example.org/a?utm_source=x#frag",
  "/relative/path",
  "Tue, 10 Mar 2026 08:30:00 GMT",
  "2026-03-10T08:30:00Z",
  "2099-01-01T00:00:00Z",
  "1970-01-01",
  "not a date",
  "jane@example.org (Jane Doe)",
  "\u0000",
  "\u0007",
  "\uFEFF",
  "\uFFFE",
  "\u200B",
  "\uD800",
  "Außenministerin “quoted” €",
  "外交部",
  "🇺🇳",
  " ",
  "\n",
];

const xmlish = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 10 }) },
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(""));

/** Starts like a real feed so the parser gets far, then goes wrong at random. */
const feedish = fc
  .tuple(
    fc.constantFrom(...FRAGMENTS.slice(0, 2), ""),
    fc.constantFrom(
      '<rss version="2.0"><channel><title>T</title>',
      '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>',
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>T</title></channel>',
    ),
    xmlish,
  )
  .map((parts) => parts.join(""));

/** Items that parse, with hostile field values, for the properties of normalised stories. */
const FIELD = fc.oneof(
  fc.constantFrom(...FRAGMENTS.filter((f) => !/[<&]/.test(f))),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    "&lt;b&gt;bold&lt;/b&gt;",
    "<![CDATA[<p>para</p>]]>",
    "&amp;nbsp;",
    "   ",
    "&lt;!-- --&gt;",
    "javascript:alert(1)",
    "data:text/html,x",
    "mailto:a@b.c",
    "http://[::1",
    "HTTPS://Example.ORG:443/Path?fbclid=1&b=2",
    "//cdn.example.org/x",
  ),
);

function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDFFF]/g, "")
    .replace(/&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g, "&amp;")
    .replace(/</g, (_, offset: number, whole: string) =>
      whole.startsWith("<![CDATA[", offset) ? "<" : "&lt;",
    );
}

const item = fc.record(
  {
    title: FIELD,
    link: FIELD,
    guid: FIELD,
    pubDate: FIELD,
    description: FIELD,
    author: FIELD,
  },
  { requiredKeys: [] },
);

const wellFormedFeed = fc.array(item, { maxLength: 12 }).map((items) => {
  const body = items
    .map(
      (it) =>
        `<item>${Object.entries(it)
          .map(([tag, value]) => `<${tag}>${escapeXml(String(value))}</${tag}>`)
          .join("")}</item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>P</title><link>https://prop.example.org/</link>${body}</channel></rss>`;
});

function expectWellFormed(stories: Story[]): void {
  expect(new Set(stories.map((s) => s.id)).size).toBe(stories.length);
  for (const s of stories) {
    expect(s.title.trim().length).toBeGreaterThan(0);
    expect(s.title).not.toMatch(/\n/);
    expect(new Date(s.publishedAt).toISOString()).toBe(s.publishedAt);
    expect(Date.parse(s.publishedAt)).toBeLessThanOrEqual(NOW + 86_400_000);
    if (s.url !== undefined) {
      expect(s.url).toMatch(/^https?:\/\//);
      expect(s.url).not.toMatch(/#|utm_|fbclid/);
    }
    expect(s.feedId).toBe(SOURCE.id);
  }
}

describe("parseFeed + normalizeFeed never fail in an unexpected way", () => {
  it("on random bytes, decoded like a fetched body", async () => {
    await fc.assert(
      fc.asyncProperty(randomBody, fc.constantFrom(...CONTENT_TYPES), async (bytes, type) => {
        const { text } = decodeBody(bytes, type, 1_000_000);
        const result = await parseOrRefuse(text);
        if (!(result instanceof FeedParseError)) expectWellFormed(result);
      }),
      RUN,
    );
  });

  it("on random XML-ish text", async () => {
    await fc.assert(
      fc.asyncProperty(xmlish, async (text) => {
        const result = await parseOrRefuse(text);
        if (!(result instanceof FeedParseError)) expectWellFormed(result);
      }),
      RUN,
    );
  });

  it("on text that starts like a feed and then goes wrong", async () => {
    await fc.assert(
      fc.asyncProperty(feedish, async (text) => {
        const result = await parseOrRefuse(text);
        if (!(result instanceof FeedParseError)) expectWellFormed(result);
      }),
      RUN,
    );
  });
});

describe("normalised stories", () => {
  it("have a title, an ISO date, an http(s) URL or none, and unique ids", async () => {
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(wellFormedFeed, async (text) => {
        const result = await parseOrRefuse(text);
        expect(result).not.toBeInstanceOf(FeedParseError);
        if (result instanceof FeedParseError) return;
        if (result.length > 0) nonEmpty++;
        expectWellFormed(result);
      }),
      RUN,
    );
    // The generator must actually produce stories, or the property says nothing.
    expect(nonEmpty).toBeGreaterThan(100);
  });
});

/** Settles like `promise`, or rejects with a plain Error if it has not settled within a second. */
function within<T>(promise: Promise<T>, ms = 1000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, hang]).finally(() => clearTimeout(timer));
}

describe("regressions found by these properties", () => {
  const GOOD = `<rss version="2.0"><channel><title>Good</title><item><title>Good story</title><guid>g1</guid></item></channel></rss>`;

  it("refuses a document without a root element, also after a successful parse", async () => {
    // rss-parser's shared xml2js parser used to leave such a parse pending forever…
    await parseFeed(GOOD);
    for (const rootless of ['<?xml version="1.0"?>', "<!DOCTYPE rss>", "<!-- nothing yet -->"]) {
      await expect(within(parseFeed(rootless))).rejects.toBeInstanceOf(FeedParseError);
    }
  });

  it("never answers one document with another document's items", async () => {
    // …until the next document's parse resolved it with that document's items.
    await parseFeed(GOOD);
    const empty = parseFeed('<?xml version="1.0" encoding="utf-8"?>\n');
    const other = await parseFeed(GOOD.replaceAll("Good", "Other"));
    expect(other.title).toBe("Other");
    await expect(within(empty)).rejects.toBeInstanceOf(FeedParseError);
  });
});
