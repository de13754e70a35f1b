/**
 * The operator's HTTP endpoint (METRICS_PORT): `/metrics` in Prometheus' text format and
 * `/healthz` (200 while storage answers, 503 with a short JSON reason otherwise). Loopback by
 * default: the numbers say how busy the bot is and which failures it sees, which is nobody's
 * business outside the host unless the operator opens it with METRICS_HOST.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { HealthReport } from "./health.js";
import type { Metrics } from "./registry.js";

export interface MetricsServerOptions {
  metrics: Metrics;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  health: () => Promise<HealthReport>;
  log: Pick<Logger, "info" | "error">;
}

export interface MetricsServer {
  host: string;
  port: number;
  url(path: string): string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  options: MetricsServerOptions,
): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return send(res, 405, "text/plain", "method not allowed\n");
  }
  if (path === "/metrics") {
    const { body, contentType } = await options.metrics.scrape();
    return send(res, 200, contentType, body);
  }
  if (path === "/healthz") {
    const report = await options.health();
    const body = report.ok ? { status: "ok" } : { status: "unavailable", reason: report.reason };
    return send(res, report.ok ? 200 : 503, "application/json", `${JSON.stringify(body)}\n`);
  }
  send(res, 404, "text/plain", "not found: try /metrics or /healthz\n");
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    answer(req, res, options).catch((err: unknown) => {
      options.log.error({ err, path: req.url }, "metrics endpoint failed");
      if (!res.headersSent) send(res, 500, "text/plain", "internal error\n");
      else res.destroy();
    });
  });
  // Scrapers keep connections open; close() must not wait for them.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  options.log.info({ host: address, port }, "metrics endpoint listening");
  const hostInUrl = address.includes(":") ? `[${address}]` : address;
  return {
    host: address,
    port,
    url: (path) => `http://${hostInUrl}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
