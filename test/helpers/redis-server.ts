/**
 * A private Redis a test may stop and restart: `redis-server` as a child on a free loopback port,
 * with its own temp dir, and persistence on (an append-only file fsynced on every write), as an
 * operator's Redis that is stopped and restarted keeps its data. The shared Redis on 6379 is never
 * touched. Without redis-server on the machine, `startPrivateRedis` resolves to undefined after a
 * loud warning, or throws under REQUIRE_SERVICES=1 (see services.ts).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { isListening } from "./services.js";

const BINARY = process.env.REDIS_SERVER_BIN ?? "redis-server";

/** Whether `redis-server` can be run here. */
export function redisServerInstalled(): boolean {
  const probe = spawnSync(BINARY, ["--version"], { stdio: "ignore" });
  return probe.status === 0;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PrivateRedis {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  output = "";

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Starts one on a free port; undefined (after a warning) when redis-server is absent. */
  static async start(): Promise<PrivateRedis | undefined> {
    if (!redisServerInstalled()) {
      const message = `${BINARY} is not installed, so a Redis that a test may stop cannot be run`;
      if (process.env.REQUIRE_SERVICES === "1")
        throw new Error(`${message}, and REQUIRE_SERVICES=1 forbids skipping`);
      process.stderr.write(
        `\n!!! SKIPPING tests that stop Redis: ${message}. Install it (apt-get install -y redis-server) to run them.\n\n`,
      );
      return undefined;
    }
    const redis = new PrivateRedis(await freePort(), mkdtempSync(join(tmpdir(), "fd-redis-")));
    await redis.restart();
    return redis;
  }

  /** Starts the server (again) on the same port and dir; resolves once it answers PING. */
  async restart(): Promise<void> {
    if (this.#child) throw new Error("private Redis is already running");
    const child = spawn(
      BINARY,
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        // The AOF is the persistence; no RDB snapshots besides it.
        "--save",
        "",
        "--daemonize",
        "no",
        "--protected-mode",
        "yes",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.#child = child;
    const take = (c: Buffer) => {
      this.output += c.toString();
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    this.#exited = new Promise((resolve) =>
      child.once("exit", () => {
        if (this.#child === child) this.#child = undefined;
        resolve();
      }),
    );
    const end = Date.now() + 10_000;
    for (;;) {
      if (!this.#child) throw new Error(`redis-server exited at start:\n${this.output}`);
      if (await isListening(this.port, "127.0.0.1", 200)) {
        const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
        // Loading the AOF answers -LOADING; ready means it answers PING.
        const ok = await probe
          .connect()
          .then(() => probe.ping())
          .then(
            (r) => r === "PONG",
            () => false,
          );
        probe.disconnect();
        if (ok) return;
      }
      if (Date.now() > end) throw new Error(`redis-server did not answer:\n${this.output}`);
      await sleep(50);
    }
  }

  /**
   * Stops it the way an operator's `systemctl stop` does (SIGTERM: redis-server finishes the AOF
   * and exits); resolves once the process is gone and the port refuses connections.
   */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill("SIGTERM");
    await this.#exited;
  }

  /** Stops it and removes its files. */
  async close(): Promise<void> {
    const child = this.#child;
    if (child) {
      child.kill("SIGKILL");
      await this.#exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
