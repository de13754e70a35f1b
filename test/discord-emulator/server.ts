/**
 * HTTP transport: one node:http server on 127.0.0.1 serves REST under `/api/v10` and upgrades
 * WebSocket requests to the gateway on the same port. Handles body parsing (JSON and the
 * multipart `payload_json` form discord.js uses for uploads), outage mode and request logging.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Gateway } from "./gateway.js";
import type { RestApi, RestResponse } from "./rest.js";
import type { EmulatorState } from "./state.js";
import { type Upload, uploadProblem } from "./uploads.js";

const API_PREFIX = "/api/v10";

export class HttpServer {
  private readonly server: Server;
  port = 0;

  constructor(
    private readonly state: EmulatorState,
    private readonly rest: () => RestApi,
    private readonly gateway: () => Gateway,
  ) {
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        // A bug in the emulator must be loud, but still answer so the client does not hang.
        console.error("discord-emulator: request handler crashed", err);
        if (!res.headersSent)
          send(res, { status: 500, body: { message: "500: Internal Server Error", code: 0 } });
      });
    });
    this.server.on("upgrade", (req, socket, head: Buffer) => {
      this.gateway().handleUpgrade(req, socket, head);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);

    if (!url.pathname.startsWith(`${API_PREFIX}/`)) {
      const versioned = /^\/api\/v\d+\//.test(url.pathname);
      const response: RestResponse = versioned
        ? { status: 400, body: { message: "Invalid API version", code: 50041 } }
        : { status: 404, body: { message: "404: Not Found", code: 0 } };
      this.log(method, url.pathname, "unknown", response.status, undefined);
      send(res, response);
      return;
    }
    const path = url.pathname.slice(API_PREFIX.length);

    if (this.state.outage) {
      this.log(method, path, "outage", 503, undefined);
      send(res, { status: 503, body: { message: "503: Service Unavailable", code: 0 } });
      return;
    }

    const parsed = await parseBody(req.headers["content-type"], raw);
    if ("error" in parsed) {
      this.log(method, path, "invalid-body", 400, undefined);
      send(res, {
        status: 400,
        body: { message: "The request body contains invalid JSON.", code: 50109 },
      });
      return;
    }

    const tooLarge = uploadProblem(parsed.uploads);
    if (tooLarge) {
      this.log(method, path, "upload-refused", tooLarge.status, undefined);
      send(res, tooLarge);
      return;
    }

    const { route, response } = this.rest().handle({
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      body: parsed.body,
      files: parsed.uploads.length,
      uploads: parsed.uploads,
    });
    this.log(method, path, route, response.status, parsed.body);
    if (route === "unknown") {
      // Missing emulator routes should be visible in test output, not just a silent 404.
      console.warn(`discord-emulator: unknown route ${method} ${path}`);
    }
    send(res, response);
  }

  private log(method: string, path: string, route: string, status: number, body: unknown): void {
    this.state.requests.push({
      method,
      path,
      route,
      status,
      at: Date.now(),
      ...(body !== undefined ? { body } : {}),
    });
  }
}

function send(res: ServerResponse, response: RestResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined && response.status !== 204) {
    payload = JSON.stringify(response.body);
    headers["Content-Type"] = "application/json";
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

type ParsedBody = { body: unknown; uploads: Upload[] } | { error: true };

async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, uploads: [] };
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) {
    // discord.js sends uploads as multipart with the JSON in a `payload_json` part.
    const form = await new Request("http://127.0.0.1/", {
      method: "POST",
      headers: { "content-type": contentType ?? "" },
      body: raw,
    }).formData();
    const uploads: Upload[] = [];
    let body: unknown;
    for (const [key, value] of form.entries()) {
      if (key === "payload_json" && typeof value === "string") {
        try {
          body = JSON.parse(value);
        } catch {
          return { error: true };
        }
      } else if (typeof value !== "string") {
        uploads.push({
          field: key,
          filename: value.name,
          contentType: value.type || "application/octet-stream",
          bytes: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { body, uploads };
  }
  try {
    return { body: JSON.parse(raw.toString("utf8")), uploads: [] };
  } catch {
    return { error: true };
  }
}
