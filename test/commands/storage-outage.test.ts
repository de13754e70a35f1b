/**
 * Through the emulator, with Redis as storage behind a TCP proxy the test cuts: a command during
 * the outage is answered at once in plain words (not after a hang, not with the library's
 * "Redis client is not connected … throwOnConnectError"), the log keeps the backend's words,
 * and commands work again once Redis is back.
 */
import { createServer, type Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, INTERNALS, startBotHarness } from "../helpers/bot-harness.js";
import { serviceAvailable } from "../helpers/services.js";

const REDIS_PORT = 6379;

/** Forwards 127.0.0.1:<port> to Redis until cut. */
class CuttableProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  port = 0;

  async open(port = 0): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(REDIS_PORT, "127.0.0.1");
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("error", () => {});
        s.once("close", () => this.#sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server?.listen(port, "127.0.0.1", resolve));
    const address = this.#server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  async cut(): Promise<void> {
    const closed = new Promise((resolve) => this.#server?.close(resolve));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }
}

describe("a slash command while Redis is unreachable", async () => {
  const available = await serviceAvailable("Redis", REDIS_PORT);
  let h: BotHarness;
  const proxy = new CuttableProxy();

  beforeAll(async () => {
    if (!available) return;
    await proxy.open();
    h = await startBotHarness({
      storage: {
        url: `redis://127.0.0.1:${proxy.port}`,
        namespace: `fdoutage${process.pid}${Math.floor(Math.random() * 1e6)}`,
      },
    });
  });
  afterAll(async () => {
    await h?.close().catch(() => {});
    await proxy.cut().catch(() => {});
  });

  it.runIf(available)(
    "is answered at once in plain words, and works again when Redis is back",
    async () => {
      expect((await h.run({ name: "status" })).outcome.message?.embeds).toHaveLength(1);

      await proxy.cut();
      // The outage lasts: the client is reconnecting. Every command meanwhile (not only the first,
      // which sees the cut itself) must be answered at once.
      await new Promise((r) => setTimeout(r, 500));
      let reply = "";
      for (let attempt = 1; attempt <= 3; attempt++) {
        const started = Date.now();
        const { record, outcome } = await h.run({ name: "status", timeoutMs: 5000 });
        reply = outcome.message?.content ?? "";
        expect(reply, `command ${attempt}`).toBe(
          "Storage is unavailable right now; try again in a minute.",
        );
        expect(reply).not.toMatch(INTERNALS);
        // Within Discord's 3 s, without a deferral.
        expect(record.callbacks.map((c) => c.type)).toEqual([4]);
        expect(Date.now() - started).toBeLessThan(3000);
        const line = h.logs.find(
          (l) => l.msg === "command failed" && l.interactionId === record.id,
        );
        expect(line).toMatchObject({ command: "status", reason: "storage-unavailable" });
        expect(JSON.stringify(line?.err)).toMatch(/offline|not connected|closed/i);
      }

      await proxy.open(proxy.port);
      let answer = reply;
      for (let i = 0; i < 50 && answer !== ""; i++) {
        await new Promise((r) => setTimeout(r, 200));
        answer = (await h.run({ name: "status" })).outcome.message?.content ?? "";
      }
      expect(answer).toBe(""); // the status embed again, no notice
    },
  );
});
