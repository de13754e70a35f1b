import { readFile, stat } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { type Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { Agent, type Dispatcher, request } from "undici";
import { decodeBody } from "./charset.js";
import {
  type BlockedReason,
  BlockedUrlError,
  checkUrl,
  guardedLookup,
  type Resolver,
  type UrlPolicy,
} from "./guard.js";

export type FetchErrorKind =
  | "timeout"
  | "too-large"
  | "http"
  | "redirects"
  | "network"
  | "blocked"
  | "not-found";

export class FetchError extends Error {
  override name = "FetchError";
  constructor(
    message: string,
    readonly kind: FetchErrorKind,
    readonly status?: number,
    /** Seconds the server asked us to wait (Retry-After), when it said. */
    readonly retryAfterSec?: number,
    /** For kind "blocked": which rule refused the URL. */
    readonly blockedReason?: BlockedReason,
  ) {
    super(message);
  }

  static blocked(error: BlockedUrlError): FetchError {
    return new FetchError(error.message, "blocked", undefined, undefined, error.reason);
  }
}

export interface Validators {
  etag?: string;
  lastModified?: string;
  /** The URL that gave them (after redirects); they are only ever sent back to it. */
  url?: string;
}

interface FetchMeta {
  finalUrl: string;
  validators: Validators;
  /** Cache-Control max-age in seconds, when the server gave one. */
  maxAgeSec?: number;
}

export type FetchResult =
  | ({ status: "not-modified" } & FetchMeta)
  | ({
      status: "ok";
      /**
       * The body as read (after Content-Encoding), in the parts it came in. The poller hands them
       * to its processor as they are, so that a worker joins and decodes them; a transfer to a
       * worker empties them.
       */
      body: Buffer[];
      /** The body decoded (BOM, header charset, XML prolog, UTF-8), on first read, on this thread. */
      readonly text: string;
      readonly charset: string;
      bytes: number;
      contentType?: string;
      /** The cap the body was read under (decoding applies it again to undeclared gzip). */
      maxBytes: number;
    } & FetchMeta);

export interface FetcherOptions {
  timeoutMs: number;
  connectTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
  policy: Omit<UrlPolicy, "allowFile">;
  /** The clock for Retry-After dates; replaceable in tests. */
  now?: () => number;
  /** DNS resolution; replaceable so tests can make a name resolve to a chosen address. */
  resolver?: Resolver;
}

export interface FetchRequest {
  url: string;
  validators?: Validators;
  /** Only feeds from the operator's file may read local files. */
  allowFile?: boolean;
  /** A URL a server's member gave: only the standard ports, plus ALLOW_FEED_PORTS. */
  userGiven?: boolean;
  signal?: AbortSignal;
}

const ACCEPT =
  "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5";

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Drops a body we will not read; destroying an undici body without a listener raises an error event. */
function discard(body: Readable): void {
  body.once("error", () => {});
  body.destroy();
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round((at - now) / 1000));
}

export function parseMaxAge(cacheControl: string | undefined): number | undefined {
  if (!cacheControl || /\bno-(store|cache)\b/i.test(cacheControl)) return undefined;
  const match = /\bmax-age\s*=\s*"?(\d+)/i.exec(cacheControl);
  return match ? Number(match[1]) : undefined;
}

function decompressor(
  encoding: string | undefined,
  firstByte: number | undefined,
): zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    // "deflate" should be zlib-wrapped, but some servers send raw deflate; the zlib header tells.
    case "deflate":
      return (firstByte ?? 0) === 0x78 ? zlib.createInflate() : zlib.createInflateRaw();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Reads a body, stopping as soon as the decoded size passes the cap (a gzip bomb stops early). */
async function readCapped(
  body: Readable,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(new FetchError(`feed is larger than ${maxBytes} bytes`, "too-large"));
        // replay() may be waiting on the socket; end the body so the pipeline settles now.
        discard(body);
        return;
      }
      chunks.push(chunk);
      done();
    },
  });
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return [];
  const firstChunk = first.value as Buffer;
  const inflate = decompressor(encoding, firstChunk[0]);
  async function* replay() {
    yield firstChunk;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value as Buffer;
  }
  try {
    if (inflate) await pipeline(replay(), inflate, sink);
    else await pipeline(replay(), sink);
  } catch (error) {
    if (error instanceof FetchError) throw error;
    // Only the decompressor's own errors (zlib Z_*, brotli ERR__*) mean a bad body; an abort or a
    // socket error goes to fetch(), which tells a timeout from a network failure.
    const code = (error as NodeJS.ErrnoException).code;
    if (!inflate || typeof code !== "string" || !/^(Z_|ERR__|ERR_BROTLI)/.test(code)) throw error;
    throw new FetchError(
      `could not decompress the ${encoding} body: ${(error as Error).message}`,
      "network",
    );
  }
  return chunks;
}

/**
 * Fetches feeds over HTTP(S) with the limits a public bot needs: timeouts, a size cap after
 * decompression, a bounded number of redirects (each hop checked against the URL policy), and
 * conditional requests so an unchanged feed costs one small response and no parsing.
 */
export class Fetcher {
  readonly #agent: Dispatcher;
  /** The ports a server's feed may use, on every hop: the web's two and the operator's. */
  readonly #userPorts: ReadonlySet<number>;

  constructor(private readonly options: FetcherOptions) {
    this.#userPorts = new Set([80, 443, ...(options.policy.ports ?? [])]);
    this.#agent = new Agent({
      connect: {
        timeout: options.connectTimeoutMs,
        lookup: guardedLookup({ ...options.policy, allowFile: false }, options.resolver),
      },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connections: 4,
      keepAliveTimeout: 10_000,
    });
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async fetch(req: FetchRequest): Promise<FetchResult> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      return await this.#follow(req, signal);
    } catch (error) {
      if (error instanceof FetchError) throw error;
      if (error instanceof BlockedUrlError) throw FetchError.blocked(error);
      if (timeout.aborted) {
        throw new FetchError(`no complete answer within ${this.options.timeoutMs} ms`, "timeout");
      }
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof BlockedUrlError) throw FetchError.blocked(cause);
      const err = error as NodeJS.ErrnoException;
      if (err.name === "ConnectTimeoutError" || err.code === "UND_ERR_CONNECT_TIMEOUT") {
        throw new FetchError(
          `could not connect within ${this.options.connectTimeoutMs} ms`,
          "timeout",
        );
      }
      if (err.code === "UND_ERR_HEADERS_TIMEOUT" || err.code === "UND_ERR_BODY_TIMEOUT") {
        throw new FetchError(`no complete answer within ${this.options.timeoutMs} ms`, "timeout");
      }
      throw new FetchError(`network error: ${err.code ?? err.message}`, "network");
    }
  }

  async #follow(req: FetchRequest, signal: AbortSignal): Promise<FetchResult> {
    let url: URL;
    try {
      url = toUrl(req.url);
    } catch {
      throw new FetchError(`not a valid URL: ${req.url}`, "blocked");
    }
    const validatorsFor = req.validators?.url ?? url.href;
    const policy: UrlPolicy = {
      ...this.options.policy,
      allowFile: req.allowFile === true,
      ports: req.userGiven ? this.#userPorts : undefined,
    };
    for (let hop = 0; ; hop++) {
      checkUrl(policy, url);
      if (url.protocol === "file:")
        return readLocalFeed(url, req.validators, this.options.maxBytes);
      const res = await request(url, {
        method: "GET",
        dispatcher: this.#agent,
        signal,
        headers: this.#headers(req.validators, url.href === validatorsFor),
      });
      const location = header(res.headers, "location");
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && location) {
        discard(res.body);
        if (hop >= this.options.maxRedirects) {
          throw new FetchError(`more than ${this.options.maxRedirects} redirects`, "redirects");
        }
        url = new URL(location, url);
        // A redirect to a local file is never allowed, whatever the origin of the feed.
        policy.allowFile = false;
        continue;
      }
      return this.#finish(url, res);
    }
  }

  #headers(validators: Validators | undefined, theirUrl: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      "user-agent": this.options.userAgent,
      accept: ACCEPT,
      "accept-encoding": "gzip, deflate, br",
    };
    // Validators belong to the URL that gave them: a permanently redirected feed still gets its
    // 304s, and an ETag from one host is never shown to another.
    if (theirUrl && validators?.etag) headers["if-none-match"] = validators.etag;
    if (theirUrl && validators?.lastModified)
      headers["if-modified-since"] = validators.lastModified;
    return headers;
  }

  async #finish(url: URL, res: Dispatcher.ResponseData): Promise<FetchResult> {
    const meta: FetchMeta = {
      finalUrl: url.href,
      validators: {
        url: url.href,
        etag: header(res.headers, "etag"),
        lastModified: header(res.headers, "last-modified"),
      },
      maxAgeSec: parseMaxAge(header(res.headers, "cache-control")),
    };
    if (res.statusCode === 304) {
      discard(res.body);
      return { status: "not-modified", ...meta };
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      discard(res.body);
      const retryAfter = parseRetryAfter(
        header(res.headers, "retry-after"),
        (this.options.now ?? Date.now)(),
      );
      const kind = res.statusCode === 404 || res.statusCode === 410 ? "not-found" : "http";
      throw new FetchError(`HTTP ${res.statusCode}`, kind, res.statusCode, retryAfter);
    }
    const declared = Number(header(res.headers, "content-length"));
    if (Number.isFinite(declared) && declared > this.options.maxBytes) {
      discard(res.body);
      throw new FetchError(`feed is larger than ${this.options.maxBytes} bytes`, "too-large");
    }
    const contentType = header(res.headers, "content-type");
    const bytes = await readCapped(
      res.body,
      header(res.headers, "content-encoding"),
      this.options.maxBytes,
    );
    return okResult(bytes, contentType, this.options.maxBytes, meta);
  }
}

/** `file:config/x.xml` (no slashes) is relative to the working directory, as operators write it. */
function toUrl(raw: string): URL {
  const relative = /^file:(?!\/)(.+)$/i.exec(raw.trim());
  return relative?.[1] ? pathToFileURL(resolvePath(relative[1])) : new URL(raw);
}

/** Local feeds (the bundled samples): the file's mtime plays the part of Last-Modified. */
async function readLocalFeed(
  url: URL,
  validators: Validators | undefined,
  maxBytes: number,
): Promise<FetchResult> {
  const path = fileURLToPath(url);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new FetchError(`no such file: ${path}`, "not-found");
  }
  if (info.size > maxBytes)
    throw new FetchError(`feed is larger than ${maxBytes} bytes`, "too-large");
  const lastModified = info.mtime.toUTCString();
  const meta = { finalUrl: url.href, validators: { lastModified } };
  if (validators?.lastModified === lastModified) return { status: "not-modified", ...meta };
  return okResult([await readFile(path)], undefined, maxBytes, meta);
}

/**
 * A body with its text decoded only when someone reads it: the poller never does (its worker
 * decodes), the command line and `/feeds add` do.
 */
function okResult(
  body: Buffer[],
  contentType: string | undefined,
  maxBytes: number,
  meta: FetchMeta,
): FetchResult {
  let decoded: { text: string; charset: string } | undefined;
  const decode = () => {
    decoded ??= decodeBody(Buffer.concat(body), contentType, maxBytes);
    return decoded;
  };
  return {
    status: "ok",
    body,
    get text() {
      return decode().text;
    },
    get charset() {
      return decode().charset;
    },
    bytes: body.reduce((n, part) => n + part.length, 0),
    contentType,
    maxBytes,
    ...meta,
  };
}
