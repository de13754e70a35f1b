/**
 * Feed health as an operator and an admin read it: a valid feed with no items is healthy and
 * polled at its normal interval; a failure is recorded with a stable reason and reported under
 * the feed's name, not its internal id.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { nextDueAfterSuccess } from "../../src/schedule/due.js";
import { FeedServer, serve, status } from "../helpers/feed-server.js";
import { guildFeed, type Harness, pollerHarness } from "./harness.js";

const EMPTY_RSS =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet desk</title><link>https://q.example/</link></channel></rss>';
const EMPTY_ATOM =
  '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Quiet</title><id>urn:q</id></feed>';
const ONE_ITEM = `<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet desk</title>
<item><title>Envoys meet</title><guid>urn:1</guid><link>https://q.example/1</link></item></channel></rss>`;

let server: FeedServer | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  await server?.close();
});

describe("a valid feed with no items", () => {
  it.each([
    ["RSS", EMPTY_RSS],
    ["Atom", EMPTY_ATOM],
  ])("(%s) counts as healthy and is polled at its normal interval", async (_kind, body) => {
    server = await FeedServer.start();
    server.route("/empty.xml", serve(body, { contentType: "application/xml" }));
    h = pollerHarness();
    const feed = guildFeed("quiet", server.url("/empty.xml"));
    const report = await h.poller.runCycle([feed]);
    expect(report.outcomes[0]).toMatchObject({ status: "unchanged", stored: 0 });
    const state = await h.states.get("quiet");
    expect(state).toMatchObject({ consecutiveFailures: 0, initialized: true });
    expect(state?.lastError).toBeUndefined();
    expect(state?.nextDueAt).toBe(nextDueAfterSuccess(h.clock.now, {}));

    // Its first item, when one comes, is new: alerted like any new story.
    server.route("/empty.xml", serve(ONE_ITEM, { contentType: "application/xml" }));
    h.clock.now = state?.nextDueAt ?? 0;
    const next = await h.poller.runCycle([feed]);
    expect(next.outcomes[0]).toMatchObject({ status: "new", stored: 1, alerted: 1 });
  });
});

describe("a failing feed", () => {
  it("is recorded with a stable reason and reported by name; success clears the reason", async () => {
    server = await FeedServer.start();
    server.route("/gone.xml", status(404));
    server.route(
      "/half.xml",
      serve('<rss version="2.0"><channel><item>', { contentType: "text/xml" }),
    );
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: "warn" }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    h = pollerHarness({ log });
    const gone = guildFeed("fGone123", server.url("/gone.xml"), { name: "Gone Gazette" });
    const half = guildFeed("fHalf456", server.url("/half.xml"), { name: "Half Herald" });
    const report = await h.poller.runCycle([gone, half]);

    expect(report.outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          feedId: "fGone123",
          feedName: "Gone Gazette",
          status: "failed",
          reason: "not-found",
          error: "HTTP 404",
        }),
        expect.objectContaining({
          feedId: "fHalf456",
          feedName: "Half Herald",
          status: "failed",
          reason: "not-a-feed",
        }),
      ]),
    );
    expect((await h.states.get("fHalf456"))?.lastErrorReason).toBe("not-a-feed");
    // The technical detail stays for the operator.
    expect((await h.states.get("fHalf456"))?.lastError).toMatch(/not a readable feed: .*Line/);
    const failed = lines.filter((l) => l.msg === "feed poll failed");
    expect(failed.map((l) => [l.feedName, l.reason])).toEqual(
      expect.arrayContaining([
        ["Gone Gazette", "not-found"],
        ["Half Herald", "not-a-feed"],
      ]),
    );

    server.route("/gone.xml", serve(ONE_ITEM, { contentType: "application/rss+xml" }));
    h.clock.now += 24 * 3600_000;
    await h.poller.runCycle([gone]);
    const healed = await h.states.get("fGone123");
    expect(healed?.lastErrorReason).toBeUndefined();
    expect(healed?.consecutiveFailures).toBe(0);
  });
});
