import { afterEach, describe, expect, it } from "vitest";
import { FeedServer, redirect, serve } from "../helpers/feed-server.js";
import { guildFeed, pollerHarness } from "./harness.js";

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Only story</title><guid>urn:1</guid><link>https://x.example/1</link></item></channel></rss>`;

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe("a permanently redirected feed", () => {
  it("sends its validators to the URL that gave them, and gets its 304s", async () => {
    server = await FeedServer.start();
    server.route("/old.xml", redirect("/new.xml", 301));
    server.route("/new.xml", serve(RSS, { contentType: "application/rss+xml", etag: '"v1"' }));
    const h = pollerHarness();
    const feed = guildFeed("moved", server.url("/old.xml"));

    expect((await h.poller.pollFeed(feed)).status).toBe("new");
    h.clock.now += 3600_000;
    const second = await h.poller.pollFeed(feed);
    expect(second.status).toBe("not-modified");
    expect(h.parses()).toBe(1);
    // The old URL never sees the ETag; the new one gets it.
    expect(
      server.requestsTo("/old.xml").every((r) => r.headers["if-none-match"] === undefined),
    ).toBe(true);
    expect(server.requestsTo("/new.xml").at(-1)?.headers["if-none-match"]).toBe('"v1"');
    await h.close();
  });
});
