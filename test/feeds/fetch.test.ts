import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import iconv from "iconv-lite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FetchError, type Fetcher, type FetchResult } from "../../src/feeds/fetch.js";
import { normalizeFeed } from "../../src/feeds/normalize.js";
import { FeedParseError, parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource, Story } from "../../src/feeds/types.js";
import { backoffMs, DEFAULT_DUE_POLICY } from "../../src/schedule/due.js";
import { FeedServer, redirect, sequence, serve, status, trickle } from "../helpers/feed-server.js";
import { guildFeed, localFetcher, pollerHarness } from "../ingest/harness.js";

const NOW = Date.UTC(2026, 2, 11, 12);
const RSS_TYPE = "application/rss+xml";

let server: FeedServer;
const fetchers: Fetcher[] = [];

beforeAll(async () => {
  server = await FeedServer.start();
});
afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.close()));
  server.reset();
});
afterAll(async () => {
  await server.close();
});

/** A Fetcher allowed to reach 127.0.0.1, closed after the test. */
function fetcher(options: Parameters<typeof localFetcher>[0] = {}): Fetcher {
  const f = localFetcher(options);
  fetchers.push(f);
  return f;
}

function source(url: string, extra: Partial<FeedSource> = {}): FeedSource {
  return { id: "feed-1", name: "Test feed", url, origin: "guild", ...extra };
}

async function fetchOk(
  path: string,
  f = fetcher(),
): Promise<Extract<FetchResult, { status: "ok" }>> {
  const result = await f.fetch({ url: server.url(path) });
  if (result.status !== "ok") throw new Error(`expected a body, got ${result.status}`);
  return result;
}

/** Fetch → parse → normalise, the way the Poller does it. */
async function storiesFrom(path: string, f = fetcher()): Promise<Story[]> {
  const result = await fetchOk(path, f);
  return normalizeFeed(await parseFeed(result.text), source(server.url(path)), NOW);
}

/** The FetchError a fetch rejects with (fails the test if it resolves or throws anything else). */
async function fetchFailure(
  f: Fetcher,
  url: string,
  extra: { allowFile?: boolean } = {},
): Promise<FetchError> {
  const error = await f.fetch({ url, ...extra }).then(
    (r) => new Error(`resolved with ${r.status}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

async function parseFailure(text: string): Promise<FeedParseError> {
  const error = await parseFeed(text).then(
    () => new Error("parsed"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedParseError);
  return error as FeedParseError;
}

const RSS2 = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>World Wire</title>
    <link>https://wire.example.org/</link>
    <language>en-GB</language>
    <ttl>15</ttl>
    <item>
      <title>Ceasefire talks resume in Doha</title>
      <link>https://wire.example.org/world/doha-talks?utm_source=rss&amp;utm_medium=feed</link>
      <guid isPermaLink="false">wire-1001</guid>
      <pubDate>Tue, 10 Mar 2026 08:30:00 GMT</pubDate>
      <author>jane@example.org (Jane Doe)</author>
      <category>Diplomacy</category>
      <description>Negotiators met again on Tuesday.</description>
    </item>
    <item>
      <title>EU extends sanctions</title>
      <link>/europe/sanctions</link>
      <pubDate>Tue, 10 Mar 2026 10:00:00 +0100</pubDate>
      <dc:creator>Max Mustermann</dc:creator>
      <description>The Council agreed unanimously.</description>
    </item>
  </channel>
</rss>`;

const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Außenpolitik (Atom)</title>
  <link rel="alternate" href="https://atom.example.de/"/>
  <link rel="self" href="https://atom.example.de/feed.atom"/>
  <id>urn:uuid:feed</id>
  <updated>2026-03-10T12:00:00Z</updated>
  <entry>
    <title type="html">Gipfel in Brüssel</title>
    <link rel="alternate" href="https://atom.example.de/artikel/gipfel"/>
    <id>urn:uuid:entry-1</id>
    <published>2026-03-10T09:15:00+01:00</published>
    <updated>2026-03-10T11:00:00Z</updated>
    <author><name>Erika Musterfrau</name></author>
    <summary type="html">&lt;p&gt;Die Staats- und Regierungschefs berieten.&lt;/p&gt;</summary>
  </entry>
  <entry>
    <title>Ohne Datum</title>
    <link href="https://atom.example.de/artikel/ohne-datum"/>
    <id>urn:uuid:entry-2</id>
    <published>not a date</published>
    <content type="html">Text.</content>
  </entry>
</feed>`;

const RSS1 = `<?xml version="1.0" encoding="UTF-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://digest.example.net/">
    <title>Diplomacy Digest</title>
    <link>https://digest.example.net/</link>
    <description>RSS 1.0</description>
    <dc:language>fr</dc:language>
    <items><rdf:Seq><rdf:li rdf:resource="https://digest.example.net/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://digest.example.net/a">
    <title>Accord sur le nucléaire</title>
    <link>https://digest.example.net/a#top</link>
    <description>Les parties ont signé.</description>
    <dc:date>2026-03-09T18:45:00Z</dc:date>
    <dc:creator>Pierre Dupont</dc:creator>
  </item>
</rdf:RDF>`;

describe("feed formats, fetched and parsed", () => {
  it("reads RSS 2.0: titles, canonical links, dates, authors, language", async () => {
    server.route("/rss2", serve(RSS2, { contentType: `${RSS_TYPE}; charset=utf-8` }));
    const result = await fetchOk("/rss2");
    expect(result.charset).toBe("utf-8");
    const parsed = await parseFeed(result.text);
    expect(parsed.title).toBe("World Wire");
    expect(parsed.ttlMinutes).toBe(15);
    const stories = normalizeFeed(parsed, source(server.url("/rss2")), NOW);
    expect(
      stories.map((s) => ({
        title: s.title,
        url: s.url,
        publishedAt: s.publishedAt,
        publishedEstimated: s.publishedEstimated,
        author: s.author,
        language: s.language,
        text: s.text,
      })),
    ).toEqual([
      {
        title: "Ceasefire talks resume in Doha",
        url: "https://wire.example.org/world/doha-talks",
        publishedAt: "2026-03-10T08:30:00.000Z",
        publishedEstimated: false,
        author: "Jane Doe",
        language: "en",
        text: "Negotiators met again on Tuesday.",
      },
      {
        title: "EU extends sanctions",
        url: "https://wire.example.org/europe/sanctions",
        publishedAt: "2026-03-10T09:00:00.000Z",
        publishedEstimated: false,
        author: "Max Mustermann",
        language: "en",
        text: "The Council agreed unanimously.",
      },
    ]);
    expect(stories[0]?.guid).toBe("wire-1001");
    expect(stories[0]?.categories).toEqual(["Diplomacy"]);
  });

  it("reads Atom 1.0, keeping a bad date from sinking the feed", async () => {
    server.route("/atom", serve(ATOM, { contentType: "application/atom+xml" }));
    const stories = await storiesFrom("/atom");
    expect(stories).toHaveLength(2);
    expect(stories[0]).toMatchObject({
      title: "Gipfel in Brüssel",
      url: "https://atom.example.de/artikel/gipfel",
      guid: "urn:uuid:entry-1",
      publishedAt: "2026-03-10T08:15:00.000Z",
      publishedEstimated: false,
      author: "Erika Musterfrau",
      text: "Die Staats- und Regierungschefs berieten.",
    });
    expect(stories[1]).toMatchObject({
      title: "Ohne Datum",
      publishedAt: new Date(NOW).toISOString(),
      publishedEstimated: true,
    });
  });

  it("reads RSS 1.0 (RDF) with Dublin Core dates, creators and language", async () => {
    server.route("/rdf", serve(RSS1, { contentType: "application/rdf+xml" }));
    const stories = await storiesFrom("/rdf");
    expect(stories).toHaveLength(1);
    expect(stories[0]).toMatchObject({
      title: "Accord sur le nucléaire",
      url: "https://digest.example.net/a",
      guid: "https://digest.example.net/a",
      publishedAt: "2026-03-09T18:45:00.000Z",
      author: "Pierre Dupont",
      language: "fr",
      text: "Les parties ont signé.",
    });
  });

  it("sends a user agent, a feed Accept header and Accept-Encoding", async () => {
    server.route("/rss2", serve(RSS2, { contentType: RSS_TYPE }));
    await fetchOk("/rss2");
    const [req] = server.requestsTo("/rss2");
    expect(req?.headers["user-agent"]).toBe("ForeignDesk-test");
    expect(req?.headers.accept).toContain("application/rss+xml");
    expect(req?.headers["accept-encoding"]).toContain("gzip");
    expect(req?.headers["if-none-match"]).toBeUndefined();
  });
});

function rssWithTitle(title: string, encodingDecl?: string): string {
  const prolog = encodingDecl
    ? `<?xml version="1.0" encoding="${encodingDecl}"?>`
    : `<?xml version="1.0"?>`;
  return `${prolog}<rss version="2.0"><channel><title>Charset test</title><link>https://c.example.org/</link>
<item><title>${title}</title><link>https://c.example.org/1</link><description>${title}</description></item></channel></rss>`;
}

describe("character sets", () => {
  it("decodes ISO-8859-1 declared only in the XML prolog", async () => {
    const title = "Außenministerin trifft Amtskollegen in Genf – nein: Genève";
    const latin = title.replace("–", "-");
    const bytes = iconv.encode(rssWithTitle(latin, "ISO-8859-1"), "latin1");
    expect(bytes.includes(0xdf)).toBe(true); // ß is one byte, not UTF-8
    server.route("/latin1", serve(bytes, { contentType: "application/xml" }));
    const result = await fetchOk("/latin1");
    expect(result.charset).toBe("windows-1252");
    const [story] = normalizeFeed(await parseFeed(result.text), source(server.url("/")), NOW);
    expect(story?.title).toBe("Außenministerin trifft Amtskollegen in Genf - nein: Genève");
  });

  it("decodes Windows-1252 named in Content-Type: curly quotes 0x93/0x94 and € 0x80", async () => {
    const title = "Minister calls plan “quoted” – costs 5 € bn";
    const bytes = iconv.encode(rssWithTitle(title), "windows-1252");
    expect([0x93, 0x94, 0x80].every((b) => bytes.includes(b))).toBe(true);
    server.route("/cp1252", serve(bytes, { contentType: "text/xml; charset=windows-1252" }));
    const result = await fetchOk("/cp1252");
    expect(result.charset).toBe("windows-1252");
    const [story] = normalizeFeed(await parseFeed(result.text), source(server.url("/")), NOW);
    expect(story?.title).toBe(title);
    expect(story?.title).toContain("“quoted”");
    expect(story?.title).toContain("€");
  });

  it("reads 0x80–0x9F as Windows-1252 even when the header says ISO-8859-1", async () => {
    const bytes = iconv.encode(rssWithTitle("“€”"), "windows-1252");
    server.route("/mislabelled", serve(bytes, { contentType: "text/xml; charset=ISO-8859-1" }));
    const [story] = normalizeFeed(
      await parseFeed((await fetchOk("/mislabelled")).text),
      source(server.url("/")),
      NOW,
    );
    expect(story?.title).toBe("“€”");
  });

  it("prefers the header's charset to the prolog's", async () => {
    const bytes = iconv.encode(rssWithTitle("Außenministerin", "UTF-8"), "windows-1252");
    server.route("/header-wins", serve(bytes, { contentType: "text/xml; charset=windows-1252" }));
    const [story] = normalizeFeed(
      await parseFeed((await fetchOk("/header-wins")).text),
      source(server.url("/")),
      NOW,
    );
    expect(story?.title).toBe("Außenministerin");
  });

  it("decodes UTF-16LE with a BOM, even when the header claims UTF-8", async () => {
    const title = "Глава МИД — 外交部长 — Außenministerin";
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(rssWithTitle(title, "UTF-16"), "utf-16le"),
    ]);
    server.route("/utf16", serve(bytes, { contentType: "application/xml; charset=utf-8" }));
    const result = await fetchOk("/utf16");
    expect(result.charset).toBe("utf-16le");
    expect(result.text.charCodeAt(0)).not.toBe(0xfeff);
    const [story] = normalizeFeed(await parseFeed(result.text), source(server.url("/")), NOW);
    expect(story?.title).toBe(title);
  });
});

describe("CDATA and entities", () => {
  const ENTITY_FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Entities &amp; CDATA</title><link>https://e.example.org/</link>
<item><title><![CDATA[Trump & Xi: <em>talks</em> resume]]></title><guid>1</guid>
  <description><![CDATA[<p>First paragraph.</p><p>Second &amp; last, with ]]]]><![CDATA[> inside.</p>]]></description></item>
<item><title>Rock &amp;amp; Roll diplomacy</title><guid>2</guid></item>
<item><title>The minister&#8217;s visit to Caf&eacute; Europa</title><guid>3</guid>
  <description>&lt;b&gt;Sanctions&lt;/b&gt; extended&nbsp;again</description></item>
<item><title>5 &lt; 6 &amp;&amp; 7 &gt; 3</title><guid>4</guid></item>
<item><title>&#x201E;Zitat&#x201C; &#169; 2026</title><guid>5</guid></item>
</channel></rss>`;

  it("turns every item into plain text as a reader should see it (repairing &nbsp;)", async () => {
    server.route("/entities", serve(ENTITY_FEED, { contentType: RSS_TYPE }));
    const stories = await storiesFrom("/entities");
    expect(stories.map((s) => s.title)).toEqual([
      "Trump & Xi: talks resume",
      "Rock & Roll diplomacy",
      "The minister’s visit to Café Europa",
      "5 < 6 && 7 > 3",
      "„Zitat“ © 2026",
    ]);
    expect(stories[0]?.text).toBe("First paragraph.\nSecond & last, with ]]> inside.");
    expect(stories[2]?.text).toBe("Sanctions extended again");
  });
});

describe("content encodings", () => {
  it("inflates a gzip response", async () => {
    server.route("/gz", serve(RSS2, { contentType: RSS_TYPE, gzip: true }));
    const result = await fetchOk("/gz");
    expect(result.bytes).toBe(Buffer.byteLength(RSS2));
    expect((await parseFeed(result.text)).title).toBe("World Wire");
  });

  it("inflates deflate (zlib-wrapped and raw) and brotli", async () => {
    const encoded: Array<[string, string, Buffer]> = [
      ["/deflate", "deflate", deflateSync(RSS2)],
      ["/raw-deflate", "deflate", deflateRawSync(RSS2)],
      ["/br", "br", brotliCompressSync(RSS2, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })],
    ];
    for (const [path, encoding, body] of encoded) {
      server.route(
        path,
        serve(body, { contentType: RSS_TYPE, headers: { "content-encoding": encoding } }),
      );
      expect((await parseFeed((await fetchOk(path)).text)).title).toBe("World Wire");
    }
  });

  it("inflates a gzip body whose server forgot Content-Encoding", async () => {
    server.route("/gz-unlabelled", serve(gzipSync(RSS2), { contentType: RSS_TYPE }));
    expect((await parseFeed((await fetchOk("/gz-unlabelled")).text)).title).toBe("World Wire");
  });

  it("reports a corrupt gzip body as a network error, not a crash", async () => {
    const corrupt = Buffer.concat([gzipSync(RSS2).subarray(0, 40), Buffer.alloc(40, 0xaa)]);
    server.route("/bad-gz", serve(corrupt, { headers: { "content-encoding": "gzip" } }));
    const error = await fetchFailure(fetcher(), server.url("/bad-gz"));
    expect(error.kind).toBe("network");
    expect(error.message).toMatch(/decompress/);
  });
});

describe("limits", () => {
  it("times out on a server that sends no headers", async () => {
    server.route("/slow-headers", serve(RSS2, { delayMs: 5000 }));
    const f = fetcher({ timeoutMs: 300 });
    const started = Date.now();
    const error = await fetchFailure(f, server.url("/slow-headers"));
    expect(error.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("times out on a body that trickles in", async () => {
    // A chunk every 100 ms never trips a per-chunk idle timer; only the overall deadline helps.
    server.route(
      "/trickle",
      trickle(["<rss version='2.0'><channel><title>slow</title>", "<!-- more -->"], {
        contentType: RSS_TYPE,
        intervalMs: 100,
        forever: true,
      }),
    );
    const f = fetcher({ timeoutMs: 300 });
    const started = Date.now();
    const error = await fetchFailure(f, server.url("/trickle"));
    expect(error.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a body whose Content-Length is over the cap without reading it", async () => {
    server.route("/big", serve(Buffer.alloc(2_000_000, 0x20), { contentType: RSS_TYPE }));
    const error = await fetchFailure(fetcher({ maxBytes: 1_000_000 }), server.url("/big"));
    expect(error.kind).toBe("too-large");
  });

  /**
   * A body over the cap must be refused as soon as the cap is passed, and the connection let go
   * then: a body left half-read holds its socket (and Fetcher.close()) until the deadline.
   */
  async function expectPromptRefusal(path: string): Promise<void> {
    const f = localFetcher({ maxBytes: 1_000_000, timeoutMs: 10_000 });
    const started = Date.now();
    try {
      expect((await fetchFailure(f, server.url(path))).kind).toBe("too-large");
    } finally {
      await f.close();
    }
    expect(Date.now() - started).toBeLessThan(3000);
  }

  it("refuses a chunked body (no Content-Length) once it passes the cap", async () => {
    server.route(
      "/big-chunked",
      serve(Buffer.alloc(4_000_000, 0x20), { contentType: RSS_TYPE, chunkBytes: 64 * 1024 }),
    );
    await expectPromptRefusal("/big-chunked");
  });

  it("refuses an endless body", async () => {
    server.route(
      "/endless",
      trickle([Buffer.alloc(256 * 1024, 0x20)], { intervalMs: 1, forever: true }),
    );
    await expectPromptRefusal("/endless");
  });

  it("stops inflating a gzip bomb at the cap, without ballooning memory", async () => {
    // 50 MB of zeros, about 50 kB on the wire.
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(1_000_000);
    server.route(
      "/bomb",
      serve(bomb, { contentType: RSS_TYPE, headers: { "content-encoding": "gzip" } }),
    );
    const before = process.memoryUsage();
    const error = await fetchFailure(fetcher({ maxBytes: 1_000_000 }), server.url("/bomb"));
    const after = process.memoryUsage();
    expect(error.kind).toBe("too-large");
    // Inflating it all would hold 50 MB at once; stopping at the cap holds about 1 MB.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(20 * 1024 * 1024);
    expect(after.rss - before.rss).toBeLessThan(40 * 1024 * 1024);
  });

  it("does not inflate an unlabelled gzip bomb either: the parser refuses the raw bytes", async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024), { level: 9 });
    server.route("/bomb-unlabelled", serve(bomb, { contentType: RSS_TYPE }));
    const result = await fetchOk("/bomb-unlabelled", fetcher({ maxBytes: 1_000_000 }));
    expect(result.text.length).toBeLessThanOrEqual(1_000_000);
    await parseFailure(result.text);
  });
});

describe("redirects", () => {
  function chain(length: number): void {
    for (let n = 0; n <= length; n++) {
      server.route(
        `/hop-${n}`,
        n === 0 ? serve(RSS2, { contentType: RSS_TYPE }) : redirect(`/hop-${n - 1}`, 301),
      );
    }
  }

  it("follows five redirects and reports the final URL", async () => {
    chain(5);
    const result = await fetchOk("/hop-5");
    expect(result.finalUrl).toBe(server.url("/hop-0"));
    expect(server.requests.map((r) => r.path)).toEqual([
      "/hop-5",
      "/hop-4",
      "/hop-3",
      "/hop-2",
      "/hop-1",
      "/hop-0",
    ]);
  });

  it("gives up after more than five", async () => {
    chain(6);
    const error = await fetchFailure(fetcher(), server.url("/hop-6"));
    expect(error.kind).toBe("redirects");
    expect(server.requestsTo("/hop-0")).toHaveLength(0);
  });

  it("gives up on a redirect loop", async () => {
    server.route("/loop-a", redirect("/loop-b"));
    server.route("/loop-b", redirect(server.url("/loop-a"), 307));
    const error = await fetchFailure(fetcher(), server.url("/loop-a"));
    expect(error.kind).toBe("redirects");
    expect(server.requests.length).toBe(6);
  });

  it("refuses a redirect to a private address that is not allowed", async () => {
    server.route("/to-private", redirect("http://10.0.0.1/feed.xml"));
    server.route("/to-other-loopback", redirect(`http://127.0.0.2:${server.port}/feed`));
    server.route("/to-metadata", redirect("http://169.254.169.254/latest/meta-data/"));
    for (const path of ["/to-private", "/to-other-loopback", "/to-metadata"]) {
      const error = await fetchFailure(fetcher(), server.url(path));
      expect(error.kind).toBe("blocked");
    }
  });

  it("refuses a redirect to file:, even for a feed that may read files", async () => {
    server.route("/to-file", redirect("file:///etc/passwd"));
    const error = await fetchFailure(fetcher(), server.url("/to-file"), { allowFile: true });
    expect(error.kind).toBe("blocked");
  });

  it("sends validators on the first hop only", async () => {
    server.route("/moved", redirect("/new-home", 301));
    server.route("/new-home", serve(RSS2, { contentType: RSS_TYPE, etag: '"other"' }));
    const result = await fetcher().fetch({
      url: server.url("/moved"),
      validators: { etag: '"v1"', lastModified: "Tue, 10 Mar 2026 08:00:00 GMT" },
    });
    expect(result.status).toBe("ok");
    const [first, second] = server.requests;
    expect(first?.headers["if-none-match"]).toBe('"v1"');
    expect(first?.headers["if-modified-since"]).toBe("Tue, 10 Mar 2026 08:00:00 GMT");
    expect(second?.path).toBe("/new-home");
    expect(second?.headers["if-none-match"]).toBeUndefined();
    expect(second?.headers["if-modified-since"]).toBeUndefined();
    expect(result.validators.etag).toBe('"other"');
  });

  it("resolves a relative Location against the current URL", async () => {
    server.route("/dir/a", redirect("b"));
    server.route("/dir/b", serve(RSS1, { contentType: RSS_TYPE }));
    server.route("/dir/rel", redirect("a"));
    const result = await fetchOk("/dir/rel");
    expect(result.finalUrl).toBe(server.url("/dir/b"));
  });
});

describe("URL policy", () => {
  const dir = mkdtempSync(join(tmpdir(), "fd-fetch-"));
  const file = join(dir, "local.xml");
  writeFileSync(file, RSS2);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses file: unless the request allows it", async () => {
    const error = await fetchFailure(fetcher(), pathToFileURL(file).href);
    expect(error.kind).toBe("blocked");
    const result = await fetcher().fetch({ url: pathToFileURL(file).href, allowFile: true });
    expect(result.status).toBe("ok");
    if (result.status === "ok") expect((await parseFeed(result.text)).title).toBe("World Wire");
  });

  it("refuses the local server itself unless 127.0.0.1 is allowed", async () => {
    server.route("/rss2", serve(RSS2, { contentType: RSS_TYPE }));
    const error = await fetchFailure(
      fetcher({ policy: { allow: { hosts: new Set(), ranges: [] } } }),
      server.url("/rss2"),
    );
    expect(error.kind).toBe("blocked");
    expect(server.requests).toHaveLength(0);
  });

  it("classifies 404 and 410 as not-found and other statuses as http", async () => {
    server.route("/gone", status(410));
    server.route("/teapot", status(418));
    expect((await fetchFailure(fetcher(), server.url("/missing"))).kind).toBe("not-found");
    expect((await fetchFailure(fetcher(), server.url("/gone"))).kind).toBe("not-found");
    const other = await fetchFailure(fetcher(), server.url("/teapot"));
    expect(other.kind).toBe("http");
    expect(other.status).toBe(418);
  });
});

describe("documents that are not feeds", () => {
  it("refuses an HTML page", async () => {
    server.route(
      "/page",
      serve("<!DOCTYPE html>\n<html><head><title>Home</title></head><body>Hi</body></html>", {
        contentType: "text/html; charset=utf-8",
      }),
    );
    const error = await parseFailure((await fetchOk("/page")).text);
    expect(error.message).toBe("an HTML page, not a feed");
  });

  it("refuses truncated XML", async () => {
    server.route(
      "/truncated",
      serve(RSS2.slice(0, RSS2.indexOf("<item>") + 40), { contentType: RSS_TYPE }),
    );
    const error = await parseFailure((await fetchOk("/truncated")).text);
    expect(error.message).toMatch(/^not a readable feed/);
  });

  it("refuses an empty 200 body", async () => {
    server.route("/empty", serve("", { contentType: RSS_TYPE }));
    const result = await fetchOk("/empty");
    expect(result.text).toBe("");
    const error = await parseFailure(result.text);
    expect(error.message).toBe("empty response, not a feed");
  });
});

describe("the Poller against the server", () => {
  const LAST_MODIFIED = "Tue, 10 Mar 2026 11:00:00 GMT";

  it("does not parse an unchanged feed: the second poll is a conditional GET answered 304", async () => {
    const h = pollerHarness({ now: NOW });
    try {
      server.route(
        "/cond",
        serve(RSS2, { contentType: RSS_TYPE, etag: '"rev-7"', lastModified: LAST_MODIFIED }),
      );
      const feed = guildFeed("cond", server.url("/cond"));

      const first = await h.poller.pollFeed(feed);
      expect(first).toMatchObject({ status: "new", stored: 2 });
      expect(h.parses()).toBe(1);
      expect((await h.states.get("cond"))?.validators).toEqual({
        url: server.url("/cond"),
        etag: '"rev-7"',
        lastModified: LAST_MODIFIED,
      });

      h.clock.now += 16 * 60_000;
      const second = await h.poller.pollFeed(feed);
      expect(second).toMatchObject({ status: "not-modified", stored: 0, alerted: 0 });
      expect(h.parses()).toBe(1);

      const [req1, req2] = server.requestsTo("/cond");
      expect(req1?.headers["if-none-match"]).toBeUndefined();
      expect(req2?.headers["if-none-match"]).toBe('"rev-7"');
      expect(req2?.headers["if-modified-since"]).toBe(LAST_MODIFIED);

      const state = await h.states.get("cond");
      expect(state?.storiesStored).toBe(2);
      expect(state?.lastSuccessAt).toBe(h.clock.now);
      // ttl 15 minutes, as the feed asked on the full poll.
      expect(state?.nextDueAt).toBe(h.clock.now + 15 * 60_000);
    } finally {
      await h.close();
    }
  });

  it("keeps its validators when a 304 does not repeat them", async () => {
    const h = pollerHarness({ now: NOW });
    try {
      let polls = 0;
      server.route("/bare-304", (req, res, srv) => {
        polls++;
        if (req.headers["if-none-match"] === '"v1"') {
          res.writeHead(304); // no ETag, no Last-Modified: allowed, and common
          return void res.end();
        }
        return serve(RSS2, { contentType: RSS_TYPE, etag: '"v1"' })(req, res, srv);
      });
      const feed = guildFeed("bare", server.url("/bare-304"));
      for (let i = 0; i < 3; i++) {
        await h.poller.pollFeed(feed);
        h.clock.now += 20 * 60_000;
      }
      expect(polls).toBe(3);
      expect(server.requestsTo("/bare-304").map((r) => r.headers["if-none-match"])).toEqual([
        undefined,
        '"v1"',
        '"v1"',
      ]);
      expect(h.parses()).toBe(1);
    } finally {
      await h.close();
    }
  });

  it("backs off after 429 and 500 exactly as the due policy says, and recovers on success", async () => {
    const h = pollerHarness({ now: NOW, random: () => 0.5 });
    try {
      const MIN = 60_000;
      server.route(
        "/flaky",
        sequence(
          status(429, { "retry-after": "120" }),
          status(500),
          status(503, { "retry-after": "3600" }),
          status(500),
          serve(RSS2, { contentType: RSS_TYPE }),
        ),
      );
      const feed = guildFeed("flaky", server.url("/flaky"));
      const expectations: Array<{ failures: number; error: string; wait: number }> = [
        // 2 min backoff (jitter factor 1 with random 0.5) against Retry-After 120 s.
        { failures: 1, error: "HTTP 429", wait: Math.max(backoffMs(1), 120 * 1000) },
        { failures: 2, error: "HTTP 500", wait: backoffMs(2) },
        // 8 min backoff, but the server asked for an hour.
        { failures: 3, error: "HTTP 503", wait: Math.max(backoffMs(3), 3600 * 1000) },
        { failures: 4, error: "HTTP 500", wait: backoffMs(4) },
      ];
      expect(expectations.map((e) => e.wait / MIN)).toEqual([2, 4, 60, 16]);
      expect(DEFAULT_DUE_POLICY.backoffBaseMs).toBe(2 * MIN);

      for (const expected of expectations) {
        const report = await h.poller.runCycle([feed]);
        expect(report.due).toBe(1);
        expect(report.outcomes[0]?.status).toBe("failed");
        const state = await h.states.get("flaky");
        expect(state).toMatchObject({
          consecutiveFailures: expected.failures,
          lastError: expected.error,
          lastErrorAt: h.clock.now,
          nextDueAt: h.clock.now + expected.wait,
          initialized: false,
        });
        // Not due a millisecond early…
        h.clock.now += expected.wait - 1;
        expect((await h.poller.runCycle([feed])).due).toBe(0);
        // …and due right on time.
        h.clock.now += 1;
      }

      const report = await h.poller.runCycle([feed]);
      expect(report.outcomes[0]).toMatchObject({ status: "new", stored: 2 });
      const state = await h.states.get("flaky");
      expect(state).toMatchObject({
        consecutiveFailures: 0,
        lastSuccessAt: h.clock.now,
        nextDueAt: h.clock.now + 15 * MIN,
        initialized: true,
      });
      expect(state?.lastError).toBeUndefined();
      expect(server.requestsTo("/flaky")).toHaveLength(5);
    } finally {
      await h.close();
    }
  });

  it("applies the ±20 % jitter to the backoff", async () => {
    for (const [random, factor] of [
      [0, 0.8],
      [1, 1.2],
      [0.25, 0.9],
    ] as const) {
      const h = pollerHarness({ now: NOW, random: () => random });
      try {
        server.route("/down", status(500));
        await h.poller.pollFeed(guildFeed("down", server.url("/down")));
        expect((await h.states.get("down"))?.nextDueAt).toBe(
          NOW + Math.round(backoffMs(1) * factor),
        );
      } finally {
        await h.close();
      }
    }
  });

  it("finishes a cycle in which one feed serves a document with no root element", async () => {
    // Such a document used to leave its parse pending until another feed's document resolved it
    // with that feed's items, stalling the cycle and mixing feeds.
    const h = pollerHarness({ now: NOW });
    try {
      server.route("/good", serve(RSS2, { contentType: RSS_TYPE }));
      server.route(
        "/rootless",
        serve('<?xml version="1.0" encoding="utf-8"?>\n', { contentType: RSS_TYPE }),
      );
      const good = guildFeed("good", server.url("/good"));
      const rootless = guildFeed("rootless", server.url("/rootless"));
      await h.poller.runCycle([good]);
      h.clock.now += 60 * 60_000;
      server.route("/good", serve(RSS1, { contentType: RSS_TYPE }));
      const report = await h.poller.runCycle([rootless, good]);
      expect(report.outcomes.map((o) => [o.feedId, o.status])).toEqual([
        ["rootless", "failed"],
        ["good", "new"],
      ]);
      expect((await h.states.get("rootless"))?.storiesStored ?? 0).toBe(0);
    } finally {
      await h.close();
    }
  });

  it("counts a parse failure as a failure and keeps the old validators", async () => {
    const h = pollerHarness({ now: NOW });
    try {
      server.route(
        "/html",
        serve("<html><body>Maintenance</body></html>", {
          contentType: "text/html",
          etag: '"maint"',
        }),
      );
      const outcome = await h.poller.pollFeed(guildFeed("html", server.url("/html")));
      expect(outcome).toMatchObject({ status: "failed", error: "an HTML page, not a feed" });
      const state = await h.states.get("html");
      expect(state?.consecutiveFailures).toBe(1);
      expect(state?.validators).toEqual({});
      expect(state?.nextDueAt).toBe(NOW + backoffMs(1));
    } finally {
      await h.close();
    }
  });
});
