/**
 * Through the emulator, with Redis as storage behind a TCP proxy the test cuts: a command during
 * the outage is answered at once in plain words (not after a hang, not with the library's
 * "Redis client is not connected … throwOnConnectError"), the log keeps the backend's words,
 * and commands work again once Redis is back.
 */
import { createServer, type Server, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, INTERNALS, startBotHarness } from "../helpers/bot-harness.js";
import { RedisProxy } from "../helpers/redis-proxy.js";
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

/**
 * The harder outage: Redis hangs (connections stay open, nothing answers), so nothing fails by
 * itself; STORAGE_TIMEOUT_MS (2 s by default) is what turns the wait into an answer, in time.
 */
describe("/subscribe while Redis hangs", async () => {
  const available = await serviceAvailable("Redis", REDIS_PORT);
  let h: BotHarness;
  let proxy: RedisProxy | undefined;

  beforeAll(async () => {
    if (!available) return;
    proxy = await RedisProxy.open();
    h = await startBotHarness({
      storage: {
        url: proxy.url,
        namespace: `fdhang${process.pid}${Math.floor(Math.random() * 1e6)}`,
      },
    });
  });
  afterAll(async () => {
    await h?.close().catch(() => {});
    await proxy?.close();
  });

  it.runIf(available)(
    "is answered with the storage notice in under 3 s, and subscribes once Redis is back",
    async () => {
      const subscribe = () =>
        h.run({
          name: "subscribe",
          options: [{ name: "topic", type: 3, value: "climate" }],
          timeoutMs: 6000,
        });
      proxy?.stall();
      const timings: number[] = [];
      for (let attempt = 1; attempt <= 2; attempt++) {
        const started = Date.now();
        const { record, outcome } = await subscribe();
        timings.push(Date.now() - started);
        expect(outcome.message?.content, `attempt ${attempt}`).toBe(
          "Storage is unavailable right now; try again in a minute.",
        );
        // The visible answer within Discord's 3 s: a reply, or a deferral at 2 s then an edit.
        expect(Date.now() - started).toBeLessThan(3000);
        expect([4, 5]).toContain(record.callbacks[0]?.type);
      }
      expect(h.ctx.subscriptions.forGuild(h.guildId)).toEqual([]);
      process.stderr.write(`/subscribe during a Redis hang answered in ${timings.join(", ")} ms\n`);

      await proxy?.restore();
      let content: string | undefined = "Storage is unavailable right now; try again in a minute.";
      for (let i = 0; i < 60 && content?.startsWith("Storage is unavailable"); i++) {
        await new Promise((r) => setTimeout(r, 250));
        content = (await subscribe()).outcome.message?.content;
      }
      expect(content).not.toMatch(/Storage is unavailable/);
      expect(h.ctx.subscriptions.forGuild(h.guildId).map((s) => s.topic)).toEqual(["climate"]);
    },
    40_000,
  );
});
