import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
// One process, as `npm run cli` runs it: node with the tsx loader.
const NODE = process.execPath;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(NODE, ["--import", "tsx", "src/cli/main.ts", ...args], {
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const dir = mkdtempSync(join(tmpdir(), "fd-cli-"));
const atom = join(dir, "feed.atom");
writeFileSync(
  atom,
  `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">
  <title>Außenpolitik</title><link href="https://amt.example/"/><id>urn:feed</id><updated>2026-11-27T10:00:00Z</updated>
  <entry><id>urn:a</id><title type="html">Gespräche über &lt;b&gt;Waffenruhe&lt;/b&gt; &amp;amp; Hilfe</title>
    <link href="/de/newsroom/waffenruhe?utm_medium=rss"/><published>2026-11-27T09:30:00+01:00</published>
    <author><name>Pressestelle</name></author>
    <summary type="html">&lt;p&gt;Die Ministerin reist nach Kairo.&lt;/p&gt;&lt;p&gt;Weitere Gespräche folgen.&lt;/p&gt;</summary></entry>
  <entry><id>urn:b</id><title>Zweite Meldung</title><link href="https://amt.example/de/b"/><updated>2026-11-26T08:00:00Z</updated><summary>Text.</summary></entry>
</feed>`,
);

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/slow") {
      setTimeout(() => res.end("<rss/>"), 10_000).unref();
      return;
    }
    if (req.url === "/page") {
      res.setHeader("content-type", "text/html");
      res.end("<!DOCTYPE html><html><body>Not a feed</body></html>");
      return;
    }
    res.setHeader("content-type", "application/atom+xml");
    res.end(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>X</title><entry><id>1</id><title>Served over HTTP</title><link href="https://x.example/1"/><updated>2026-11-28T00:00:00Z</updated></entry></feed>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("cli parse", () => {
  it("prints one JSON line per story of a file, cleaned and canonical", async () => {
    const result = await cli(["parse", atom]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]).sort()).toEqual([
      "author",
      "id",
      "publishedAt",
      "text",
      "title",
      "url",
    ]);
    expect(lines[0]).toMatchObject({
      title: "Gespräche über Waffenruhe & Hilfe",
      url: "https://amt.example/de/newsroom/waffenruhe",
      publishedAt: "2026-11-27T08:30:00.000Z",
      author: "Pressestelle",
      text: "Die Ministerin reist nach Kairo.\nWeitere Gespräche folgen.",
    });
    expect(lines[1].publishedAt).toBe("2026-11-26T08:00:00.000Z");
  });

  it("reads a URL", async () => {
    const result = await cli(["parse", `${base}/feed`]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim()).title).toBe("Served over HTTP");
  });

  it("refuses what is not a feed with one error line and exit 1", async () => {
    const page = await cli(["parse", `${base}/page`]);
    expect(page).toMatchObject({ code: 1, stdout: "" });
    expect(page.stderr.trim()).toBe("error: an HTML page, not a feed");
    const missing = await cli(["parse", join(dir, "nope.xml")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: /);
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it("gives up within the fetch timeout", async () => {
    const started = Date.now();
    const slow = await cli(["parse", `${base}/slow`], { FETCH_TIMEOUT_MS: "1000" });
    expect(slow.code).toBe(1);
    expect(slow.stderr.trim()).toBe("error: no complete answer within 1000 ms");
    expect(Date.now() - started).toBeLessThan(9000);
  });
});
