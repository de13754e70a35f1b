/**
 * A TCP proxy between the bot and the real Redis on 127.0.0.1:6379 that a test can break: other
 * agents share that Redis, so it is never stopped; the bot loses it through this proxy only.
 * - `cut()`: the server goes away: connections close, new ones are refused.
 * - `stall()`: the server hangs (or a route drops packets): connections stay open, nothing answers.
 * - `restore()`: Redis is reachable again (stalled connections are dropped, as a healed partition
 *   would find them timed out).
 */
import { createServer, type Server, Socket } from "node:net";

export const REDIS_PORT = 6379;

export class RedisProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #stalled = false;
  port = 0;

  static async open(): Promise<RedisProxy> {
    const proxy = new RedisProxy();
    await proxy.#listen(0);
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async #listen(port: number): Promise<void> {
    this.#server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve) => this.#server?.listen(port, "127.0.0.1", resolve));
    const address = this.#server.address();
    this.port = typeof address === "object" && address ? address.port : 0;
  }

  #accept(client: Socket): void {
    this.#sockets.add(client);
    client.on("error", () => {});
    client.once("close", () => this.#sockets.delete(client));
    if (this.#stalled) {
      client.resume(); // read and drop whatever it sends; answer nothing
      return;
    }
    const upstream = new Socket();
    upstream.connect(REDIS_PORT, "127.0.0.1");
    this.#sockets.add(upstream);
    upstream.on("error", () => {});
    upstream.once("close", () => {
      this.#sockets.delete(upstream);
      client.destroy();
    });
    client.once("close", () => upstream.destroy());
    client.on("data", (data) => {
      if (!this.#stalled) upstream.write(data);
    });
    upstream.on("data", (data) => {
      if (!this.#stalled) client.write(data);
    });
  }

  async cut(): Promise<void> {
    this.#stalled = false;
    const closed = new Promise((resolve) => this.#server?.close(resolve));
    for (const s of this.#sockets) s.destroy();
    await closed;
    this.#server = undefined;
  }

  stall(): void {
    this.#stalled = true;
  }

  async restore(): Promise<void> {
    if (this.#stalled) {
      this.#stalled = false;
      for (const s of this.#sockets) s.destroy();
    }
    if (!this.#server) await this.#listen(this.port);
  }

  async close(): Promise<void> {
    if (this.#server) await this.cut();
    for (const s of this.#sockets) s.destroy();
  }
}
