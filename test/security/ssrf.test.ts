import type { LookupAddress } from "node:dns";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseHostAllowList } from "../../src/feeds/allow-list.js";
import { FetchError, Fetcher } from "../../src/feeds/fetch.js";
import { BlockedUrlError, checkUrl, type Resolver } from "../../src/feeds/guard.js";

const FEED = `<rss version="2.0"><channel><title>t</title><item><title>ok</title><guid>1</guid></item></channel></rss>`;

let server: Server;
let port = 0;
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url?.startsWith("/to-loopback")) {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/feed` });
      return res.end();
    }
    if (req.url?.startsWith("/to-name")) {
      res.writeHead(302, { location: `http://intranet.test:${port}/feed` });
      return res.end();
    }
    res.setHeader("content-type", "application/rss+xml");
    res.end(FEED);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A resolver with fixed answers, so tests never touch real DNS. */
const resolver: Resolver = (hostname, _options, callback) => {
  const table: Record<string, string[]> = {
    "intranet.test": ["10.0.0.5"],
    "metadata.test": ["169.254.169.254"],
    "loop.test": ["127.0.0.1"],
    "mixed.test": ["93.184.216.34", "127.0.0.1"],
    "v6loop.test": ["::1"],
    "v4compat.test": ["::7f00:1"],
    "feeds.test": ["127.0.0.1"],
  };
  const answers = table[hostname];
  if (!answers)
    return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }), []);
  callback(
    null,
    answers.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 })),
  );
};

function fetcher(allow = ""): Fetcher {
  return new Fetcher({
    timeoutMs: 3000,
    connectTimeoutMs: 1000,
    maxBytes: 1_000_000,
    maxRedirects: 5,
    userAgent: "test",
    policy: { allow: parseHostAllowList(allow) },
    resolver,
  });
}

async function refusal(url: string, allow = ""): Promise<FetchError> {
  const f = fetcher(allow);
  try {
    await f.fetch({ url });
  } catch (error) {
    return error as FetchError;
  } finally {
    await f.close();
  }
  throw new Error(`${url} was fetched`);
}

describe("user-given feed URLs", () => {
  const blocked = [
    "http://127.0.0.1:PORT/feed",
    "http://127.1:PORT/feed",
    "http://2130706433:PORT/feed",
    "http://0x7f.0.0.1:PORT/feed",
    "http://0177.0.0.1:PORT/feed",
    "http://[::1]:PORT/feed",
    "http://[::ffff:127.0.0.1]:PORT/feed",
    "http://[::ffff:7f00:1]:PORT/feed",
    "http://[::127.0.0.1]:PORT/feed",
    "http://[::7f00:1]:PORT/feed",
    "http://[64:ff9b::7f00:1]:PORT/feed",
    "http://[2002:7f00:1::]:PORT/feed",
    "http://localhost:PORT/feed",
    "http://feeds.localhost:PORT/feed",
    "http://10.1.2.3/feed",
    "http://172.16.0.1/feed",
    "http://192.168.1.1/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/feed",
    "http://224.0.0.1/feed",
    "http://0.0.0.0:PORT/feed",
    "http://[fc00::1]/feed",
    "http://[fd12:3456::1]/feed",
    "http://[fe80::1]/feed",
    "http://[ff02::1]/feed",
    "http://[::]/feed",
    "http://intranet.test/feed",
    "http://metadata.test/latest/meta-data/",
    "http://loop.test:PORT/feed",
    "http://mixed.test:PORT/feed",
    "http://v6loop.test:PORT/feed",
    "http://v4compat.test:PORT/feed",
  ];
  for (const raw of blocked) {
    it(`refuses ${raw.replace(":PORT", "")} without connecting`, async () => {
      const before = hits;
      const error = await refusal(raw.replace("PORT", String(port)));
      expect(error).toBeInstanceOf(FetchError);
      expect(error.kind).toBe("blocked");
      // One sentence that says why, and how an operator could allow it.
      expect(error.message).toMatch(/address that feeds may not use/);
      expect(error.message.split(". ").length).toBeLessThanOrEqual(2);
      expect(hits).toBe(before);
    });
  }

  const badSchemes: Array<[string, RegExp]> = [
    ["ftp://example.org/feed", /Only http and https feed URLs are allowed, not ftp/],
    ["file:///etc/passwd", /Only http and https feed URLs are allowed/],
    ["javascript:alert(1)", /Only http and https feed URLs are allowed, not javascript/],
    ["http://user:secret@example.org/feed", /may not carry a user name or password/],
    ["not a url", /not a valid URL/],
  ];
  for (const [raw, message] of badSchemes) {
    it(`refuses ${raw}`, async () => {
      const error = await refusal(raw);
      expect(error.kind).toBe("blocked");
      expect(error.message).toMatch(message);
    });
  }

  it("reaches an address the operator allowed", async () => {
    const f = fetcher("127.0.0.1");
    const result = await f.fetch({ url: `http://127.0.0.1:${port}/feed` });
    await f.close();
    expect(result.status).toBe("ok");
  });

  it("reaches a host name the operator allowed, but not a redirect from it to a private address", async () => {
    const f = fetcher("feeds.test");
    expect((await f.fetch({ url: `http://feeds.test:${port}/feed` })).status).toBe("ok");
    const toLiteral = await f
      .fetch({ url: `http://feeds.test:${port}/to-loopback` })
      .catch((e: FetchError) => e);
    expect(toLiteral).toBeInstanceOf(FetchError);
    expect((toLiteral as FetchError).kind).toBe("blocked");
    const toName = await f
      .fetch({ url: `http://feeds.test:${port}/to-name` })
      .catch((e: FetchError) => e);
    expect((toName as FetchError).kind).toBe("blocked");
    expect((toName as FetchError).message).toMatch(/intranet\.test resolves to 10\.0\.0\.5/);
    await f.close();
  });

  it("refuses a redirect from an allowed address to a local file", async () => {
    const local = createServer((_req, res) => {
      res.writeHead(301, { location: "file:///etc/passwd" });
      res.end();
    });
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    const address = local.address();
    const f = fetcher("127.0.0.1");
    const error = await f
      .fetch({
        url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`,
        allowFile: true,
      })
      .catch((e: FetchError) => e);
    await f.close();
    await new Promise<void>((resolve) => local.close(() => resolve()));
    expect((error as FetchError).kind).toBe("blocked");
  });
});

describe("ports in user-given URLs", () => {
  const policy = (ports: number[] = []) => ({
    allow: parseHostAllowList("feeds.test"),
    allowFile: false,
    ports: new Set([80, 443, ...ports]),
  });

  it("allows only the standard web ports unless the operator adds more", () => {
    expect(() => checkUrl(policy(), new URL("https://news.example.org/rss"))).not.toThrow();
    expect(() => checkUrl(policy(), new URL("http://news.example.org:80/rss"))).not.toThrow();
    expect(() => checkUrl(policy(), new URL("https://news.example.org:8443/rss"))).toThrow(
      /Feeds on port 8443 are not allowed/,
    );
    expect(() => checkUrl(policy(), new URL("http://news.example.org:6379/"))).toThrow(
      BlockedUrlError,
    );
    expect(() =>
      checkUrl(policy([8443]), new URL("https://news.example.org:8443/rss")),
    ).not.toThrow();
    // A host the operator opened is no exception: opening a host never opens its ports.
    expect(() => checkUrl(policy(), new URL("http://feeds.test:9000/rss"))).toThrow(
      /Feeds on port 9000 are not allowed/,
    );
    expect(() => checkUrl(policy([9000]), new URL("http://feeds.test:9000/rss"))).not.toThrow();
    // The operator's own feeds are not restricted.
    expect(() =>
      checkUrl({ ...policy(), ports: undefined }, new URL("http://news.example.org:8080/")),
    ).not.toThrow();
  });

  it("refuses a user-given URL on another port before connecting", async () => {
    const f = fetcher();
    const error = await f
      .fetch({ url: "http://mixed.test:2375/", userGiven: true })
      .catch((e: FetchError) => e);
    await f.close();
    expect((error as FetchError).kind).toBe("blocked");
    expect((error as FetchError).message).toMatch(/port 2375/);
  });
});
