/**
 * A generated corpus of hostile and broken feeds. Nothing big is committed: every body is built
 * here, and the large ones (50 MB, decompression bombs, slow bodies) are streams produced on
 * demand, so neither the repository nor the test process ever holds them whole.
 *
 *   const corpus = hostileCorpus(server.origin);
 *   for (const entry of corpus) server.route(`/feed/${entry.name}`, corpusHandler(entry));
 *
 * `expect` says what a robust pipeline must do with the feed: give stories, refuse it with a
 * recorded reason, or either (as long as it does one of the two, safely).
 */
import type { ServerResponse } from "node:http";
import { pipeline, Readable } from "node:stream";
import zlib from "node:zlib";
import iconv from "iconv-lite";
import { seededRandom } from "../../src/classify/learned/hash.js";
import type { Handler } from "../helpers/feed-server.js";

export type Expectation = "stories" | "refused" | "either";

export interface CorpusEntry {
  /** Unique, URL-safe: also the feed id and the path it is served on. */
  name: string;
  description: string;
  /** A fixed body, or a factory for a fresh stream per request (big bodies). */
  body: Buffer | (() => Readable);
  headers?: Record<string, string | number>;
  /** HTTP status; default 200. */
  status?: number;
  /** Drop the connection right after the body (a server that lies about Content-Length). */
  abortAfterBody?: boolean;
  expect: Expectation;
}

/** Text the real classifier tags (russia-ukraine, security-defence), so the item gets posted. */
export const TOPICAL =
  "Russia and Ukraine: NATO allies debate defence spending as Kremlin talks stall in Moscow";
const TOPICAL_BODY =
  "Ukraine said Russian forces shelled the city overnight. NATO defence ministers met in Brussels to discuss military spending and sanctions on Moscow. The Kremlin rejected the talks.";

export const XXE_CANARY_PATH = "/xxe-canary";
export const MB = 1024 * 1024;
const RSS_TYPE = "application/rss+xml";

/** XML text escaping for element content and attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

interface Item {
  title?: string;
  link?: string;
  guid?: string;
  description?: string;
  pubDate?: string;
  author?: string;
  category?: string;
  /** Raw XML appended inside <item>. */
  extra?: string;
}

interface RssOptions {
  prolog?: string | null;
  doctype?: string;
  channelTitle?: string;
  channelLink?: string;
  rssAttrs?: string;
}

/** An RSS 2.0 document; item fields are inserted raw (callers escape what must be escaped). */
export function rss(items: Item[], opts: RssOptions = {}): string {
  const prolog = opts.prolog === null ? "" : (opts.prolog ?? '<?xml version="1.0"?>');
  const body = items
    .map((it) => {
      const parts = [
        it.title !== undefined ? `<title>${it.title}</title>` : "",
        it.link !== undefined ? `<link>${it.link}</link>` : "",
        it.guid !== undefined ? `<guid isPermaLink="false">${it.guid}</guid>` : "",
        it.description !== undefined ? `<description>${it.description}</description>` : "",
        it.pubDate !== undefined ? `<pubDate>${it.pubDate}</pubDate>` : "",
        it.author !== undefined ? `<author>${it.author}</author>` : "",
        it.category !== undefined ? `<category>${it.category}</category>` : "",
        it.extra ?? "",
      ];
      return `<item>${parts.join("")}</item>`;
    })
    .join("\n");
  return `${prolog}${opts.doctype ?? ""}<rss version="2.0"${opts.rssAttrs ?? ""}><channel><title>${
    opts.channelTitle ?? "Hostile"
  }</title><link>${opts.channelLink ?? "https://news.example/"}</link>\n${body}\n</channel></rss>`;
}

/** A topical item with a unique link and guid under the feed's own prefix. */
function topical(feed: string, i: number, over: Partial<Item> = {}): Item {
  return {
    title: `${TOPICAL} (${i})`,
    link: `https://news.example/${feed}/${i}`,
    guid: `${feed}-${i}`,
    description: esc(TOPICAL_BODY),
    pubDate: new Date(Date.UTC(2026, 2, 10, 12, 0, i % 60)).toUTCString(),
    ...over,
  };
}

const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

/** Deterministic bytes (mulberry32), for garbage bodies. */
const prng = seededRandom;

function randomBytes(n: number, seed: number): Buffer {
  const next = prng(seed);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
  return out;
}

/** `total` bytes: `head`, then `chunk` repeated, generated lazily in 64 kB pieces. */
function repeated(head: string, chunk: string, total: number): () => Readable {
  return () => {
    const piece = Buffer.from(chunk.repeat(Math.max(1, Math.floor(65536 / chunk.length))));
    async function* gen() {
      const first = Buffer.from(head);
      yield first;
      let sent = first.length;
      while (sent < total) {
        const n = Math.min(piece.length, total - sent);
        yield n === piece.length ? piece : piece.subarray(0, n);
        sent += n;
      }
    }
    return Readable.from(gen(), { objectMode: false });
  };
}

/** `total` zero-ish bytes compressed on the fly: a decompression bomb that is never in memory. */
function bomb(
  total: number,
  compress: () => zlib.Gzip | zlib.BrotliCompress | zlib.Deflate,
  wrap?: () => zlib.Gzip,
): () => Readable {
  return () => {
    const source = repeated("<rss><channel><title>", "A".repeat(1024), total)();
    // pipeline() destroys every stage when the last one is destroyed (the client gave up).
    const done = () => {};
    return wrap ? pipeline(source, compress(), wrap(), done) : pipeline(source, compress(), done);
  };
}

/** A body that sends `chunk` every `intervalMs`, up to `max` times: alive but hopelessly slow. */
function slow(head: string, chunk: string, intervalMs: number, max: number): () => Readable {
  return () => {
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    return new Readable({
      read() {
        if (timer) return;
        if (sent === 0) {
          sent++;
          this.push(head);
          return;
        }
        timer = setTimeout(() => {
          timer = undefined;
          if (sent++ >= max) this.push(null);
          else this.push(chunk);
        }, intervalMs);
      },
      destroy(error, done) {
        clearTimeout(timer);
        done(error);
      },
    });
  };
}

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

const MENTIONS = "@everyone @here <@123> <@!123> <@&456> <#789> </ban:1>";
const EVIL_DATES = [
  "Fri, 31 Dec 9999 23:59:59 GMT",
  "Mon, 01 Jan 1900 00:00:00 GMT",
  "garbage date",
  "-000001-01-01T00:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "0",
  "Thu, 31 Feb 2025 25:61:61 +9999",
  "2026-13-45T99:99:99+99:99",
  "NaN",
  "".padEnd(5000, "9"),
];

/** Builds the corpus; `origin` is the feed server's, for the XXE-over-HTTP canary. */
export function hostileCorpus(origin: string): CorpusEntry[] {
  const c: CorpusEntry[] = [];
  const add = (e: CorpusEntry) => c.push({ headers: { "content-type": RSS_TYPE }, ...e });
  const text = (name: string, description: string, body: string, expect: Expectation) =>
    add({ name, description, body: utf8(body), expect });

  // ---------------------------------------------------------------------------------- malformed
  text(
    "unclosed-tags",
    "items whose <title> and <item> are never closed",
    `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>${TOPICAL}<description>never closed`,
    "either",
  );
  text(
    "bad-nesting",
    "<b> and <title> closed in the wrong order inside an item",
    `<rss version="2.0"><channel><item><title><b>${TOPICAL}</title></b><link>https://news.example/bad-nesting/1</link></item></channel></rss>`,
    "either",
  );
  text(
    "cdata-terminator-in-text",
    "a literal ]]> in element text and a CDATA section closed twice",
    rss([
      topical("cdata-terminator-in-text", 1, { title: `${TOPICAL} ]]> more` }),
      topical("cdata-terminator-in-text", 2, {
        description: `<![CDATA[ <p>${TOPICAL_BODY}</p> ]]> ]]> tail ]]>`,
      }),
    ]),
    "either",
  );
  text(
    "invalid-control-chars",
    "C0 controls XML forbids (\\x01, \\x0B, \\x1B) in titles and descriptions",
    rss([
      topical("invalid-control-chars", 1, { title: `\u0001${TOPICAL}\u000B\u001B[31m` }),
      topical("invalid-control-chars", 2, { description: `bell\u0007 ${TOPICAL_BODY}\u0008` }),
    ]),
    "stories",
  );
  add({
    name: "nul-bytes",
    description: "NUL bytes inside the prolog, tags and text",
    body: Buffer.concat([
      utf8('<?xml version="1.0"?>\u0000'),
      utf8(
        rss([topical("nul-bytes", 1, { title: `${TOPICAL}\u0000\u0000 nul` })], { prolog: null }),
      ),
      Buffer.alloc(64),
    ]),
    expect: "either",
  });
  add({
    name: "latin1-bytes-declared-utf8",
    description: "the header says UTF-8, the bytes are Latin-1 (invalid UTF-8 sequences)",
    body: iconv.encode(
      rss([topical("latin1-bytes-declared-utf8", 1, { title: `Réfugiés à Genève: ${TOPICAL}` })]),
      "latin1",
    ),
    headers: { "content-type": "application/rss+xml; charset=utf-8" },
    expect: "stories",
  });
  add({
    name: "utf8-bytes-declared-latin1",
    description: "the prolog says ISO-8859-1, the bytes are UTF-8 (mojibake)",
    body: utf8(
      rss(
        [topical("utf8-bytes-declared-latin1", 1, { title: `Zürich – “quotes” ${TOPICAL} 🇺🇦` })],
        {
          prolog: '<?xml version="1.0" encoding="ISO-8859-1"?>',
        },
      ),
    ),
    expect: "stories",
  });
  add({
    name: "utf8-bom-declared-utf16",
    description: "a UTF-8 byte-order mark before a prolog that claims UTF-16",
    body: Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      utf8(
        rss([topical("utf8-bom-declared-utf16", 1)], {
          prolog: '<?xml version="1.0" encoding="UTF-16"?>',
        }),
      ),
    ]),
    expect: "stories",
  });
  add({
    name: "utf16le-no-bom",
    description: "UTF-16LE without a byte-order mark",
    body: iconv.encode(
      rss([topical("utf16le-no-bom", 1)], { prolog: '<?xml version="1.0" encoding="UTF-16"?>' }),
      "utf-16le",
    ),
    headers: { "content-type": "text/xml" },
    expect: "stories",
  });
  add({
    name: "utf16be-no-bom-header-says-utf8",
    description: "UTF-16BE without a BOM while the header claims UTF-8",
    body: iconv.encode(rss([topical("utf16be-no-bom-header-says-utf8", 1)]), "utf-16be"),
    headers: { "content-type": "text/xml; charset=utf-8" },
    expect: "stories",
  });
  add({
    name: "utf16le-bom-declared-utf8",
    description: "UTF-16LE with a BOM and a prolog that says UTF-8",
    body: Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      iconv.encode(
        rss([topical("utf16le-bom-declared-utf8", 1)], {
          prolog: '<?xml version="1.0" encoding="UTF-8"?>',
        }),
        "utf-16le",
      ),
    ]),
    expect: "stories",
  });
  add({
    name: "mixed-encodings",
    description: "UTF-8, Latin-1, Windows-1252 and Shift_JIS bytes in one document",
    body: Buffer.concat([
      utf8('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><item><title>'),
      utf8(`${TOPICAL} 🇺🇦 `),
      iconv.encode("Genève ", "latin1"),
      iconv.encode("“smart” ", "windows-1252"),
      iconv.encode("日本語", "shift_jis"),
      utf8("</title><link>https://news.example/mixed-encodings/1</link></item></channel></rss>"),
    ]),
    expect: "stories",
  });
  add({
    name: "unknown-charset",
    description: "a charset name no decoder knows, in the header and the prolog",
    body: utf8(
      rss([topical("unknown-charset", 1)], {
        prolog: '<?xml version="1.0" encoding="x-klingon-9"?>',
      }),
    ),
    headers: { "content-type": "application/rss+xml; charset=x-klingon-9" },
    expect: "stories",
  });
  add({
    name: "utf32-bom",
    description: "UTF-32LE with a byte-order mark",
    body: iconv.encode(`\uFEFF${rss([topical("utf32-bom", 1)])}`, "utf-32le"),
    expect: "either",
  });
  text(
    "invalid-char-refs",
    "character references to NUL, a lone surrogate and beyond U+10FFFF",
    rss([
      topical("invalid-char-refs", 1, { title: `${TOPICAL} &#0; &#xD800; &#x110000; &#xFFFE;` }),
      topical("invalid-char-refs", 2, { title: `${TOPICAL} &#xDC00;x &#55357;` }),
    ]),
    "stories",
  );
  text(
    "word-processor-char-refs",
    "&#11; and &#8; (vertical tab, backspace) as pasted from word processors",
    rss([topical("word-processor-char-refs", 1, { title: `${TOPICAL}&#11; &#8;end` })]),
    "stories",
  );
  text(
    "one-letter-entities",
    "R&D; and Q&A; (one-letter entity names XML does not define)",
    rss([topical("one-letter-entities", 1, { title: `${TOPICAL}: R&D; spending, Q&A;` })]),
    "stories",
  );
  text(
    "html-entities-undefined-in-xml",
    "&nbsp; &mdash; &bogus; and bare ampersands",
    rss([
      topical("html-entities-undefined-in-xml", 1, {
        title: `${TOPICAL}&nbsp;&mdash; AT&T &bogus; &;`,
        link: "https://news.example/html-entities-undefined-in-xml/1?a=1&b=2",
      }),
    ]),
    "stories",
  );

  // ----------------------------------------------------------------------------------- entities
  const laughs = [
    '<!ENTITY lol "lol">',
    ...Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
    ),
  ].join("");
  text(
    "billion-laughs",
    "nested internal entities that expand to 10^9 'lol's",
    rss([topical("billion-laughs", 1, { title: `${TOPICAL} &lol9;`, description: "&lol9;" })], {
      doctype: `<!DOCTYPE rss [${laughs}]>`,
    }),
    "either",
  );
  const big = "x".repeat(50_000);
  text(
    "quadratic-blowup",
    "one 50 kB entity referenced 50,000 times (2.5 GB if expanded)",
    rss([topical("quadratic-blowup", 1, { description: "&a;".repeat(50_000) })], {
      doctype: `<!DOCTYPE rss [<!ENTITY a "${big}">]>`,
    }),
    "either",
  );
  text(
    "xxe-file",
    "an external entity pointing at file:///etc/passwd, used in title and description",
    rss([topical("xxe-file", 1, { title: `${TOPICAL} &xxe;`, description: "&xxe;" })], {
      doctype: '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    }),
    "either",
  );
  text(
    "xxe-parameter-entity",
    "a parameter entity loading file:///etc/passwd into the DTD",
    rss([topical("xxe-parameter-entity", 1)], {
      doctype:
        '<!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p; <!ENTITY % q "<!ENTITY leak \'%p;\'>"> %q;]>',
    }),
    "either",
  );
  text(
    "xxe-http",
    "an external entity over HTTP to a canary URL that must never be requested",
    rss([topical("xxe-http", 1, { title: `${TOPICAL} &canary;` })], {
      doctype: `<!DOCTYPE rss [<!ENTITY canary SYSTEM "${origin}${XXE_CANARY_PATH}">]>`,
    }),
    "either",
  );
  text(
    "external-dtd",
    "a DOCTYPE with an external DTD on file: and http:",
    rss([topical("external-dtd", 1)], {
      doctype: `<!DOCTYPE rss SYSTEM "${origin}${XXE_CANARY_PATH}">`,
    }),
    "either",
  );

  // ------------------------------------------------------------------------------- size & bombs
  add({
    name: "huge-50mb-declared",
    description: "a 50 MB body with an honest Content-Length (refused before reading)",
    body: repeated(
      rss([], { prolog: null }).replace("</channel></rss>", ""),
      "<!-- pad -->",
      50 * MB,
    ),
    headers: { "content-type": RSS_TYPE, "content-length": 50 * MB },
    expect: "refused",
  });
  add({
    name: "huge-50mb-chunked",
    description: "a 50 MB chunked body of items, no Content-Length (refused at the cap)",
    body: repeated(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>',
      `<item><title>${TOPICAL}</title><description>${esc(TOPICAL_BODY)}</description></item>`,
      50 * MB,
    ),
    expect: "refused",
  });
  add({
    name: "gzip-bomb",
    description: "Content-Encoding: gzip that inflates to 1 GB",
    body: bomb(1024 * MB, () => zlib.createGzip({ level: 1 })),
    headers: { "content-type": RSS_TYPE, "content-encoding": "gzip" },
    expect: "refused",
  });
  add({
    name: "gzip-bomb-unlabelled",
    description: "a 200 MB gzip bomb (~200 kB on the wire) sent without Content-Encoding",
    body: bomb(200 * MB, () => zlib.createGzip({ level: 6 })),
    expect: "refused",
  });
  add({
    name: "brotli-bomb",
    description: "Content-Encoding: br that inflates to 1 GB",
    body: bomb(1024 * MB, () =>
      zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } }),
    ),
    headers: { "content-type": RSS_TYPE, "content-encoding": "br" },
    expect: "refused",
  });
  add({
    name: "deflate-bomb",
    description: "Content-Encoding: deflate (zlib-wrapped) that inflates to 1 GB",
    body: bomb(1024 * MB, () => zlib.createDeflate({ level: 1 })),
    headers: { "content-type": RSS_TYPE, "content-encoding": "deflate" },
    expect: "refused",
  });
  add({
    name: "nested-gzip-bomb",
    description: "gzip inside gzip: the outer layer is small, the inner one inflates to 200 MB",
    body: bomb(
      200 * MB,
      () => zlib.createGzip({ level: 6 }),
      () => zlib.createGzip(),
    ),
    headers: { "content-type": RSS_TYPE, "content-encoding": "gzip" },
    expect: "refused",
  });
  add({
    name: "gzip-label-plain-body",
    description: "Content-Encoding: gzip on a plain (uncompressed) body",
    body: utf8(rss([topical("gzip-label-plain-body", 1)])),
    headers: { "content-type": RSS_TYPE, "content-encoding": "gzip" },
    expect: "refused",
  });
  add({
    name: "content-length-lies",
    description: "Content-Length says 100 kB, the connection drops after 300 bytes",
    body: utf8(rss([topical("content-length-lies", 1)]).slice(0, 300)),
    headers: { "content-type": RSS_TYPE, "content-length": 100_000 },
    abortAfterBody: true,
    expect: "refused",
  });
  add({
    name: "slowloris",
    description: "headers at once, then one byte every 250 ms for ever (timeout)",
    body: slow('<?xml version="1.0"?><rss version="2.0"><channel>', " ", 250, 200),
    expect: "refused",
  });
  text(
    "ten-thousand-items",
    "10,000 items (only the first maxItems are taken)",
    rss(Array.from({ length: 10_000 }, (_, i) => topical("ten-thousand-items", i))),
    "stories",
  );
  text(
    "one-mb-title",
    "a 1 MB title of topical words",
    rss([topical("one-mb-title", 1, { title: `${TOPICAL} `.repeat(Math.ceil(MB / 90)) })]),
    "stories",
  );
  text(
    "one-mb-title-no-spaces",
    "a 1 MB title that is a single word, and a 2 MB description likewise",
    rss([
      topical("one-mb-title-no-spaces", 1, {
        title: `Ukraine${"A".repeat(MB)}`,
        description: "B".repeat(2 * MB),
      }),
    ]),
    "stories",
  );
  text(
    "newline-flood",
    "a title of 100,000 newlines around the words, a description of 200,000 blank paragraphs",
    rss([
      topical("newline-flood", 1, {
        title: `${"\n".repeat(50_000)}${TOPICAL}${"\r\n".repeat(50_000)}`,
        description: esc("<p>\n</p>".repeat(200_000)) + esc(TOPICAL_BODY),
      }),
    ]),
    "stories",
  );
  text(
    "giant-attribute",
    "a 2 MB attribute value on <item> and on <link href>",
    rss([
      topical("giant-attribute", 1, { extra: `<media:content url="${"z".repeat(2 * MB)}"/>` }),
    ]).replace("<item>", `<item data-x="${"y".repeat(MB)}">`),
    "either",
  );
  text(
    "nested-xml-10000",
    "10,000 levels of nested elements inside an item",
    rss([topical("nested-xml-10000", 1, { extra: nested(10_000, "<x>", "</x>", "deep") })]),
    "either",
  );
  text(
    "nested-html-10000",
    "a description of 10,000 nested <div><span> levels (escaped HTML)",
    rss([
      topical("nested-html-10000", 1, {
        description: esc(nested(10_000, "<div><span>", "</span></div>", TOPICAL_BODY)),
      }),
    ]),
    "stories",
  );
  text(
    "unclosed-html-10000",
    "10,000 unclosed <b and < in a description: tag stripping must stay linear",
    rss([
      topical("unclosed-html-10000", 1, {
        description: esc(`${"<b".repeat(10_000)} ${"a < ".repeat(10_000)} ${TOPICAL_BODY}`),
      }),
    ]),
    "stories",
  );

  text(
    "unclosed-script-50000",
    "50,000 unclosed <script> and <style> tags in a description: block dropping must stay linear",
    rss([
      topical("unclosed-script-50000", 1, {
        description: esc(
          `${"<script>".repeat(25_000)}${"<style x=1>".repeat(25_000)} ${TOPICAL_BODY}`,
        ),
      }),
    ]),
    "stories",
  );
  text(
    "overlong-char-refs",
    "numeric character references of 400 digits (decimal and hex), raw and inside escaped HTML",
    rss([
      topical("overlong-char-refs", 1, {
        title: `${TOPICAL} &amp;#${"9".repeat(400)};`,
        description: `&amp;#x${"f".repeat(400)}; ${esc(`<p>${TOPICAL_BODY} &#${"1".repeat(400)};</p>`)}`,
      }),
    ]),
    "stories",
  );

  // -------------------------------------------------------------------------------- hostile text
  text(
    "zero-width-rtl-titles",
    "U+202E, U+200B-U+200F, U+2066-U+2069, U+FEFF and soft hyphens in titles",
    rss([
      topical("zero-width-rtl-titles", 1, { title: `\u202E${TOPICAL}\u202C gpj.exe` }),
      topical("zero-width-rtl-titles", 2, {
        title: `N\u200BA\u200CT\u200DO\u2060 ${TOPICAL}\uFEFF\u00AD\u2066x\u2069\u200E\u200F`,
      }),
      topical("zero-width-rtl-titles", 3, {
        title: `&#x202E;${TOPICAL}&#x200B;&#8203;`,
      }),
    ]),
    "stories",
  );
  text(
    "script-and-onerror",
    "<script>, onerror= and javascript: inside descriptions (escaped and CDATA)",
    rss([
      topical("script-and-onerror", 1, {
        description: esc(
          `<script>alert(document.cookie)</script><img src=x onerror="alert(1)"><a href="javascript:alert(1)">${TOPICAL_BODY}</a><svg onload=alert(1)>`,
        ),
      }),
      topical("script-and-onerror", 2, {
        title: `<script>alert(1)</script>${TOPICAL}`,
        description: `<![CDATA[<iframe src="javascript:alert(1)"></iframe><style>*{}</style><p onclick="x()">${TOPICAL_BODY}</p>]]>`,
      }),
    ]),
    "stories",
  );
  text(
    "mentions-everywhere",
    "@everyone, @here, user/role/channel/command mentions in titles, descriptions, authors",
    rss(
      [
        topical("mentions-everywhere", 1, {
          title: esc(`${MENTIONS} ${TOPICAL}`),
          description: esc(`${MENTIONS} ${TOPICAL_BODY} ${MENTIONS}`),
          author: esc(`x@y.z (${MENTIONS})`),
          category: "@everyone",
        }),
        topical("mentions-everywhere", 2, {
          title: `<![CDATA[@here <@&456> ${TOPICAL}]]>`,
          description: `<![CDATA[<p>@everyone</p><@123> ${TOPICAL_BODY}]]>`,
        }),
        topical("mentions-everywhere", 3, {
          title: `@EVERYONE @HeRe ＠everyone @\u200Beveryone ${TOPICAL}`,
        }),
      ],
      { channelTitle: esc(MENTIONS) },
    ),
    "stories",
  );
  text(
    "mentions-unescaped-markup",
    "mention syntax written raw into XML (<@123> is not well-formed): refused, or mended safely",
    rss([topical("mentions-unescaped-markup", 1, { title: `${MENTIONS} ${TOPICAL}` })]),
    "either",
  );
  text(
    "mentions-entity-encoded",
    "mentions that only appear once entities are decoded (&#64;everyone, &lt;@&amp;456&gt;)",
    rss([
      topical("mentions-entity-encoded", 1, {
        title: `&#64;everyone &amp;#64;here &lt;@&amp;456&gt; &amp;lt;#789&amp;gt; ${TOPICAL}`,
        description: `&amp;#64;everyone &amp;amp;lt;@123&amp;amp;gt; ${esc(TOPICAL_BODY)}`,
      }),
    ]),
    "stories",
  );
  text(
    "masked-links",
    "markdown masked links [click](https://evil.example) in titles and descriptions",
    rss([
      topical("masked-links", 1, {
        title: `[click](https://evil.example) ${TOPICAL} [x] (https://evil.example/2)`,
        description: esc(
          `[Official NATO statement](https://evil.example/phish) ${TOPICAL_BODY} [a]( <https://evil.example> )`,
        ),
      }),
    ]),
    "stories",
  );
  const schemes = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    " javascript:alert(1)",
    "\tjava\nscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://evil.example/x",
    "//evil.example/protocol-relative",
    "http://",
    "https://[::1",
  ];
  text(
    "dangerous-link-schemes",
    "javascript:, data:, vbscript:, file:, ftp: and broken links (also as GUIDs)",
    rss(
      schemes.map((link, i) =>
        topical("dangerous-link-schemes", i, { link: esc(link), guid: esc(link) }),
      ),
      { channelLink: "javascript:alert(1)" },
    ),
    "stories",
  );
  text(
    "credentialed-links",
    "links with user:password@ credentials",
    rss([
      topical("credentialed-links", 1, { link: "https://user:hunter2@news.example/cred/1" }),
      topical("credentialed-links", 2, { link: "http://admin@news.example:8080/cred/2" }),
      topical("credentialed-links", 3, { link: "https://:secret@news.example/cred/3" }),
    ]),
    "stories",
  );
  text(
    "markdown-bomb",
    "**__~~|| nested 2,000 deep, 5,000 backticks, headings, quotes, spoilers",
    rss([
      topical("markdown-bomb", 1, {
        title: `${"**__~~||".repeat(2000)}${TOPICAL}${"||~~__**".repeat(2000)}`,
        description: esc(
          `${"`".repeat(5000)} # ${TOPICAL_BODY}\n> quote\n- list\n1. one\n||spoiler|| ${"\\".repeat(3000)}`,
        ),
      }),
      topical("markdown-bomb", 2, { title: `${"`".repeat(5000)} ${TOPICAL}` }),
      topical("markdown-bomb", 3, { title: `# ${TOPICAL}`, description: esc("```js\nx\n```") }),
    ]),
    "stories",
  );
  text(
    "duplicate-guids",
    "50 items sharing one GUID (and one link)",
    rss(
      Array.from({ length: 50 }, (_, i) =>
        topical("duplicate-guids", i, { guid: "same", link: "https://news.example/dup/1" }),
      ),
    ),
    "stories",
  );
  text(
    "missing-everything",
    "items with no title, no link, no text, no date",
    rss([{}, {}, { extra: "<foo/>" }]),
    "refused",
  );
  text(
    "title-only-invisible",
    "titles made only of invisible characters and whitespace",
    rss([{ title: "&#x200B;&#x202E; &#xFEFF;\u00A0" }, { title: "   \n\t " }]),
    "refused",
  );
  text(
    "unicode-separator-titles",
    "titles of only U+2028/U+2029/U+1680 (dropped) and topical titles wrapped in them",
    rss([
      { title: "\u2028 \u2029\u1680", link: "https://news.example/unicode-separator-titles/0" },
      topical("unicode-separator-titles", 1, { title: `\u2028${TOPICAL}\u2029\u1680` }),
    ]),
    "stories",
  );
  text(
    "text-but-no-title",
    "items without a title whose text becomes the title",
    rss([topical("text-but-no-title", 1, { title: undefined })]),
    "stories",
  );
  text(
    "hostile-dates",
    "dates in year 9999, 1900, -1, 275760, garbage, 5,000 digits",
    rss(EVIL_DATES.map((d, i) => topical("hostile-dates", i, { pubDate: esc(d) }))),
    "stories",
  );
  text(
    "emoji-titles",
    "a valid feed whose every item title is only emoji",
    rss(
      ["👨‍👩‍👧‍👦", "🇺🇦🇷🇺", "🏳️‍🌈🔥💥", "👍🏽".repeat(300), "🤡"].map((title, i) => ({
        title,
        link: `https://news.example/emoji-titles/${i}`,
      })),
    ),
    "stories",
  );
  text(
    "comments-and-pis",
    "comments with mentions, processing instructions and CDATA everywhere",
    `<?xml version="1.0"?><!-- @everyone --><?php evil(); ?><rss version="2.0"><!-- <item> --><channel><title><![CDATA[x]]></title><item><title><!-- @here -->${TOPICAL}<![CDATA[ <@&456> ]]></title><link>https://news.example/comments-and-pis/1</link><?pi x?></item></channel></rss>`,
    "stories",
  );
  text(
    "long-url",
    "a 100 kB link and a 5 kB host name",
    rss([
      topical("long-url", 1, { link: `https://news.example/long-url/${"a".repeat(100_000)}` }),
      topical("long-url", 2, { link: `https://${"b".repeat(5000)}.example/x` }),
    ]),
    "stories",
  );
  text(
    "atom-hostile",
    "Atom with javascript: links, HTML content full of mentions, bad dates",
    `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>@everyone</title><entry><title type="html">${esc(`<b>${MENTIONS}</b> ${TOPICAL}`)}</title><link href="javascript:alert(1)"/><id>atom-1</id><updated>not a date</updated><content type="html">${esc(`<script>x</script>${MENTIONS} ${TOPICAL_BODY}`)}</content></entry><entry><title>${TOPICAL} two</title><link rel="alternate" href="https://news.example/atom-hostile/2"/><id>atom-2</id><published>9999-12-31T23:59:59Z</published></entry></feed>`,
    "stories",
  );
  text(
    "rdf-hostile",
    "RSS 1.0 (RDF) with mentions and a data: link",
    `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>r</title></channel><item rdf:about="https://news.example/rdf-hostile/1"><title>@here ${TOPICAL}</title><link>data:text/html,x</link><description>${esc(MENTIONS)}</description></item></rdf:RDF>`,
    "stories",
  );
  text(
    "wrong-root",
    "a well-formed XML document that is not a feed",
    '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "refused",
  );
  text(
    "rss-without-channel",
    "<rss> with items but no <channel>",
    `<rss version="2.0"><item><title>${TOPICAL}</title></item></rss>`,
    "either",
  );
  text(
    "prolog-only",
    "an XML declaration and nothing else",
    '<?xml version="1.0" encoding="utf-8"?>',
    "refused",
  );

  // --------------------------------------------------------------------------------- not a feed
  add({
    name: "html-page",
    description: "an HTML page served as text/html",
    body: utf8(
      `<!DOCTYPE html><html><head><title>${TOPICAL}</title></head><body><script>alert(1)</script></body></html>`,
    ),
    headers: { "content-type": "text/html; charset=utf-8" },
    expect: "refused",
  });
  text(
    "html-page-disguised",
    "an HTML page behind an XML declaration and a comment, served as RSS",
    `<?xml version="1.0"?><!-- generated --><html><body><item><title>${TOPICAL}</title></item></body></html>`,
    "refused",
  );
  add({
    name: "json-feed",
    description: "a JSON Feed document",
    body: utf8(
      JSON.stringify({
        version: "https://jsonfeed.org/version/1.1",
        title: "@everyone",
        items: [{ id: "1", title: TOPICAL, url: "javascript:alert(1)" }],
      }),
    ),
    headers: { "content-type": "application/feed+json" },
    expect: "refused",
  });
  text("empty-body", "a 200 with an empty body", "", "refused");
  text("whitespace-only", "spaces, tabs, newlines and a BOM", "\uFEFF \t\r\n  \n\t", "refused");
  add({
    name: "random-binary",
    description: "64 kB of random bytes labelled as RSS",
    body: randomBytes(65_536, 42),
    expect: "refused",
  });
  add({
    name: "png-bytes",
    description: "a PNG signature and junk",
    body: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(2048, 7),
    ]),
    headers: { "content-type": "image/png" },
    expect: "refused",
  });
  add({
    name: "feed-served-as-image",
    description: "a valid feed whose Content-Type says image/png",
    body: utf8(rss([topical("feed-served-as-image", 1)])),
    headers: { "content-type": "image/png" },
    expect: "stories",
  });

  // ---------------------------------------------------------------------------------- HTTP games
  add({
    name: "http-500-with-feed",
    description: "a 500 whose body is a valid feed",
    body: utf8(rss([topical("http-500-with-feed", 1)])),
    status: 500,
    expect: "refused",
  });
  add({
    name: "http-404",
    description: "a 404 with an HTML body",
    body: utf8("<html>not found</html>"),
    status: 404,
    expect: "refused",
  });
  add({
    name: "http-429-huge-retry-after",
    description: "a 429 asking to wait 10^20 seconds",
    body: Buffer.alloc(0),
    status: 429,
    headers: { "retry-after": "100000000000000000000" },
    expect: "refused",
  });
  add({
    name: "redirect-loop",
    description: "a redirect to itself, for ever",
    body: Buffer.alloc(0),
    status: 302,
    headers: { location: "/feed/redirect-loop" },
    expect: "refused",
  });
  add({
    name: "redirect-to-file",
    description: "a redirect to file:///etc/passwd",
    body: Buffer.alloc(0),
    status: 301,
    headers: { location: "file:///etc/passwd" },
    expect: "refused",
  });
  add({
    name: "redirect-to-metadata",
    description: "a redirect to the cloud metadata address 169.254.169.254",
    body: Buffer.alloc(0),
    status: 302,
    headers: { location: "http://169.254.169.254/latest/meta-data/" },
    expect: "refused",
  });
  add({
    name: "redirect-to-javascript",
    description: "a redirect to javascript:",
    body: Buffer.alloc(0),
    status: 302,
    headers: { location: "javascript:alert(1)" },
    expect: "refused",
  });
  return c;
}

/** Serves one corpus entry: fixed bodies with Content-Length, streams as they come. */
export function corpusHandler(entry: CorpusEntry): Handler {
  return (_req, res: ServerResponse) => {
    const headers: Record<string, string | number> = { ...entry.headers };
    if (Buffer.isBuffer(entry.body)) {
      headers["content-length"] ??= entry.body.length;
      res.writeHead(entry.status ?? 200, headers);
      if (entry.abortAfterBody) {
        res.write(entry.body, () => res.socket?.destroy());
        return;
      }
      res.end(entry.body);
      return;
    }
    res.writeHead(entry.status ?? 200, headers);
    const stream = entry.body();
    stream.on("error", () => res.destroy());
    // A client that gave up (cap reached, timeout) must stop the generator, not buffer it.
    res.on("close", () => stream.destroy());
    stream.pipe(res);
  };
}
