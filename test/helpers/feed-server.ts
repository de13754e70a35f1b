/**
 * A small local HTTP server for feed tests: it listens on 127.0.0.1 (random port), serves routes a
 * test registers, and records every request so a test can assert what the bot sent.
 *
 *   const server = await FeedServer.start();
 *   server.route("/feed.xml", serve(RSS, { contentType: "application/rss+xml", etag: '"v1"' }));
 *   server.route("/old", redirect("/feed.xml"));
 *   await fetcher.fetch({ url: server.url("/feed.xml") });
 *   expect(server.requestsTo("/feed.xml")[0]?.headers["user-agent"]).toBe("test");
 *   await server.close();
 *
 * Remember that the bot refuses private addresses: a Fetcher that should reach this server needs
 * `policy: { allow: parseHostAllowList("127.0.0.1") }`.
 *
 * (`localFetcher()` in test/ingest/harness.ts builds one.)
 *
 * Handlers are plain node:http `(req, res, server) => void` functions (use `server.later()` rather
 * than setTimeout, so close() cancels pending answers). The factories below cover the usual cases
 * and can be called inside a custom handler: `serve` (status, headers, ETag/Last-Modified with
 * 304 on a matching conditional request, gzip, delayed headers, chunked body), `status`,
 * `redirect`, `trickle` (slow or endless body), `hang`, and `sequence` (a different answer per
 * request). Routes can be replaced between requests, e.g. to publish a new version of a feed.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import { gzipSync } from "node:zlib";

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string, as sent. */
  url: string;
  /** Header names in lower case, as Node gives them. */
  headers: IncomingHttpHeaders;
  /** Date.now() when the request arrived. */
  at: number;
}

/** Gives an answer; may be async. The server answers 500 if a handler throws. */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  server: FeedServer,
) => void | Promise<void>;

export class FeedServer {
  readonly #server: Server;
  readonly #routes = new Map<string, Handler>();
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Every request received since start (or the last `reset()`), in order. */
  readonly requests: RecordedRequest[] = [];
  #port = 0;

  private constructor() {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts a server on 127.0.0.1 with an OS-chosen port. */
  static async start(): Promise<FeedServer> {
    const server = new FeedServer();
    await new Promise<void>((resolve, reject) => {
      server.#server.once("error", reject);
      server.#server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.#server.address();
    if (!address || typeof address === "string") throw new Error("server has no TCP address");
    server.#port = address.port;
    return server;
  }

  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:PORT` */
  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The absolute URL of a path on this server (`url("/feed")` → `http://127.0.0.1:PORT/feed`). */
  url(path: string): string {
    return new URL(path, this.origin).href;
  }

  /**
   * Registers (or replaces) the handler for an exact path; the query string is ignored when
   * matching. Unregistered paths answer 404.
   */
  route(path: string, handler: Handler): this {
    this.#routes.set(path, handler);
    return this;
  }

  /** Requests to one path (query ignored), in order. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Forgets routes and recorded requests, for a server shared by several tests. */
  reset(): void {
    this.#routes.clear();
    this.requests.length = 0;
  }

  /**
   * Runs `fn` after `ms` unless the server closes first (timers of slow handlers must not outlive
   * the test). Handlers use it instead of setTimeout.
   */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
  }

  /** Stops listening, cancels pending slow answers and drops open connections. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#server.closeAllConnections();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    this.requests.push({
      method: req.method ?? "GET",
      path,
      url,
      headers: req.headers,
      at: Date.now(),
    });
    // A client that gives up mid-answer must not turn into an unhandled error here.
    res.on("error", () => {});
    const handler = this.#routes.get(path);
    try {
      if (handler) await handler(req, res, this);
      else {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
      }
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  }
}

export interface ServeOptions {
  /** Default 200. */
  status?: number;
  /** Shorthand for the Content-Type header. */
  contentType?: string;
  /** Extra response headers. */
  headers?: Record<string, string | number | string[]>;
  /** Sent as ETag; a request whose If-None-Match names it gets 304. */
  etag?: string;
  /** Sent as Last-Modified; a request whose If-Modified-Since is the same or later gets 304 (unless an If-None-Match says otherwise). */
  lastModified?: string;
  /** Compress the body with gzip and say so in Content-Encoding. */
  gzip?: boolean;
  /** Wait this long before sending anything (status line and headers included). */
  delayMs?: number;
  /** Omit Content-Length and send the body in chunks of this many bytes (chunked transfer encoding). */
  chunkBytes?: number;
}

/** Whether a request's conditional headers match the given validators (RFC 9110 §13.1). */
export function notModified(req: IncomingMessage, etag?: string, lastModified?: string): boolean {
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch !== undefined) {
    if (!etag) return false;
    const weak = (tag: string) => tag.trim().replace(/^W\//, "");
    return ifNoneMatch === "*" || ifNoneMatch.split(",").some((t) => weak(t) === weak(etag));
  }
  const ifModifiedSince = req.headers["if-modified-since"];
  if (ifModifiedSince !== undefined && lastModified) {
    const since = Date.parse(ifModifiedSince);
    const modified = Date.parse(lastModified);
    return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
  }
  return false;
}

/** Serves a fixed body (string bodies are sent as UTF-8; pass a Buffer for other encodings). */
export function serve(body: string | Buffer, options: ServeOptions = {}): Handler {
  const raw = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const payload = options.gzip ? gzipSync(raw) : raw;
  return (req, res, server) => {
    const answer = () => {
      const headers: Record<string, string | number | string[]> = { ...options.headers };
      if (options.contentType) headers["content-type"] = options.contentType;
      if (options.etag) headers.etag = options.etag;
      if (options.lastModified) headers["last-modified"] = options.lastModified;
      if (notModified(req, options.etag, options.lastModified)) {
        delete headers["content-type"];
        res.writeHead(304, headers);
        res.end();
        return;
      }
      if (options.gzip) headers["content-encoding"] = "gzip";
      if (options.chunkBytes) {
        res.writeHead(options.status ?? 200, headers);
        for (let i = 0; i < payload.length; i += options.chunkBytes)
          res.write(payload.subarray(i, i + options.chunkBytes));
        res.end();
        return;
      }
      headers["content-length"] = payload.length;
      res.writeHead(options.status ?? 200, headers);
      res.end(payload);
    };
    if (options.delayMs) server.later(options.delayMs, answer);
    else answer();
  };
}

/** Answers with a status, optional headers and a short body (e.g. `status(429, { "retry-after": "120" })`). */
export function status(
  code: number,
  headers: Record<string, string | number> = {},
  body = "",
): Handler {
  return (_req, res) => {
    res.writeHead(code, headers);
    res.end(body);
  };
}

/** Redirects to `location` (absolute, or relative to the request) with the given status. */
export function redirect(location: string, code = 302): Handler {
  return (_req, res) => {
    res.writeHead(code, { location, "content-length": 0 });
    res.end();
  };
}

export interface TrickleOptions {
  status?: number;
  contentType?: string;
  headers?: Record<string, string | number>;
  /** Pause between chunks. */
  intervalMs: number;
  /** Declared length, if the test wants one; otherwise the body is chunked. */
  contentLength?: number;
}

/**
 * Sends headers at once, then the body one chunk every `intervalMs` (waiting for the client to
 * drain when it stops reading): a server that is alive but slow. The chunks repeat forever when
 * `forever` is set (an endless body).
 */
export function trickle(
  chunks: Array<string | Buffer>,
  options: TrickleOptions & { forever?: boolean },
): Handler {
  return (_req, res, server) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (options.contentType) headers["content-type"] = options.contentType;
    if (options.contentLength !== undefined) headers["content-length"] = options.contentLength;
    res.writeHead(options.status ?? 200, headers);
    let i = 0;
    const next = () => {
      if (res.destroyed || res.writableEnded) return;
      if (i >= chunks.length) {
        if (!options.forever) return void res.end();
        i = 0;
      }
      const chunk = chunks[i++];
      const schedule = () => server.later(options.intervalMs, next);
      // Respect backpressure: a client that stops reading must not make the server buffer
      // an endless body in memory.
      if (chunk === undefined || res.write(chunk)) schedule();
      else res.once("drain", schedule);
    };
    next();
  };
}

/** Never answers (until the server closes): for connect/headers timeouts. */
export function hang(): Handler {
  return () => {};
}

/** A different handler for each successive request; the last one repeats. */
export function sequence(...handlers: Handler[]): Handler {
  let calls = 0;
  return (req, res, server) => {
    const handler = handlers[Math.min(calls++, handlers.length - 1)];
    if (!handler) throw new Error("sequence() needs at least one handler");
    return handler(req, res, server);
  };
}
