/**
 * The metrics' parts on their own: settings, separate registries, the storage-error hook,
 * and /healthz against a storage that throws or hangs.
 */
import Keyv, { type KeyvStoreAdapter } from "keyv";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadEnvConfig } from "../../src/config/env.js";
import { storageHealth } from "../../src/metrics/health.js";
import { Metrics } from "../../src/metrics/registry.js";
import { type MetricsServer, startMetricsServer } from "../../src/metrics/server.js";
import { failingAsUnavailable, isStorageUnavailable } from "../../src/store/unavailable.js";
import { scrubStorageSecrets } from "../../src/store/url-secrets.js";
import { parseScrape, sample } from "./scrape.js";

const silent = pino({ level: "silent" });

/** A Keyv whose backend fails every call, as a dropped Redis connection does. */
function brokenKv(onError: (operation: string) => void): Keyv {
  const failing = new Map<string, unknown>();
  const adapter = Object.assign(failing, {
    namespace: undefined as string | undefined,
    opts: {},
    get: async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
    },
    set: async () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
    },
    delete: async () => false,
    clear: async () => {},
    on: () => adapter,
  }) as unknown as KeyvStoreAdapter;
  return new Keyv({ store: failingAsUnavailable(adapter, { onError }), throwOnErrors: true });
}

describe("metrics settings", () => {
  it("are off unless METRICS_PORT is set, and loopback by default", () => {
    const off = loadEnvConfig({});
    expect(off.METRICS_PORT).toBeUndefined();
    expect(off.METRICS_HOST).toBe("127.0.0.1");
    const on = loadEnvConfig({ METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" });
    expect(on.METRICS_PORT).toBe(9464);
    expect(on.METRICS_HOST).toBe("0.0.0.0");
    expect(loadEnvConfig({ METRICS_HOST: "::1" }).METRICS_HOST).toBe("::1");
  });

  it("refuses a bad port or host, naming the variable", () => {
    expect(() => loadEnvConfig({ METRICS_PORT: "70000" })).toThrow(/^METRICS_PORT: /);
    expect(() => loadEnvConfig({ METRICS_PORT: "http" })).toThrow(ConfigError);
    expect(() => loadEnvConfig({ METRICS_HOST: "http://x" })).toThrow(/^METRICS_HOST: /);
  });
});

describe("Metrics", () => {
  it("keeps each app's counts in its own registry", async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.storiesStored(3);
    a.polled("new");
    a.polled("unchanged");
    a.polled("failed", "timeout");
    a.polled("error", "storage-unavailable");
    b.storiesStored(1);
    const sa = parseScrape((await a.scrape()).body);
    const sb = parseScrape((await b.scrape()).body);
    expect(sample(sa, "foreigndesk_stories_stored_total")).toBe(3);
    expect(sample(sb, "foreigndesk_stories_stored_total")).toBe(1);
    expect(sample(sa, "foreigndesk_feed_polls_total", { outcome: "ok", reason: "" })).toBe(2);
    expect(
      sample(sa, "foreigndesk_feed_polls_total", { outcome: "failed", reason: "timeout" }),
    ).toBe(1);
    expect(
      sample(sa, "foreigndesk_feed_polls_total", {
        outcome: "error",
        reason: "storage-unavailable",
      }),
    ).toBe(1);
    // Process metrics only when asked for.
    expect(sample(sa, "foreigndesk_process_resident_memory_bytes")).toBeUndefined();
  });

  it("times a fetch once, however often its end is reported", async () => {
    const m = new Metrics();
    const end = m.fetchTimer();
    end();
    end();
    const s = parseScrape((await m.scrape()).body);
    expect(sample(s, "foreigndesk_feed_fetch_duration_seconds_count")).toBe(1);
  });

  it("measures lag for alerts and roll-ups, not for edits", async () => {
    const m = new Metrics();
    m.delivered("alerts", 2, [1_000, 4_000], 11_000);
    m.delivered("edit", 1, [0], 11_000);
    const s = parseScrape((await m.scrape()).body);
    expect(sample(s, "foreigndesk_alerts_sent_total", { kind: "alerts" })).toBe(2);
    expect(sample(s, "foreigndesk_alerts_sent_total", { kind: "edit" })).toBe(1);
    expect(sample(s, "foreigndesk_delivery_lag_seconds_count")).toBe(2);
    expect(sample(s, "foreigndesk_delivery_lag_seconds_sum")).toBe(17);
    expect(sample(s, "foreigndesk_delivery_lag_seconds_bucket", { le: "5" })).toBe(0);
    expect(sample(s, "foreigndesk_delivery_lag_seconds_bucket", { le: "15" })).toBe(2);
  });
});

describe("storage errors and /healthz", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("counts each failed storage operation once, by operation, through the injected hook", async () => {
    const metrics = new Metrics();
    const kv = brokenKv((op) => metrics.storageError(op));
    const failure = await kv.get("x").catch((e: unknown) => e);
    expect(isStorageUnavailable(failure)).toBe(true);
    await kv.set("x", 1).catch(() => {});
    await kv.get("y").catch(() => {});
    const s = parseScrape((await metrics.scrape()).body);
    expect(sample(s, "foreigndesk_storage_errors_total", { operation: "get" })).toBe(2);
    expect(sample(s, "foreigndesk_storage_errors_total", { operation: "set" })).toBe(1);
  });

  it("answers 503 with the cause while the storage adapter throws", async () => {
    const metrics = new Metrics();
    const kv = brokenKv((op) => metrics.storageError(op));
    server = await startMetricsServer({
      metrics,
      host: "127.0.0.1",
      port: 0,
      health: storageHealth(kv),
      log: silent,
    });
    const res = await fetch(server.url("/healthz"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: "unavailable",
      reason: "storage: connect ECONNREFUSED 127.0.0.1:6379",
    });
  });

  it("answers 503 within its deadline when storage hangs", async () => {
    const hung = { get: () => new Promise<undefined>(() => {}) } as unknown as Keyv;
    const check = storageHealth(hung, { timeoutMs: 50 });
    const started = Date.now();
    expect(await check()).toEqual({ ok: false, reason: "storage: no answer within 50 ms" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("keeps passwords out of the reason", async () => {
    const kv = {
      get: async () => {
        throw new Error("auth failed for redis://:hunter2@db:6379");
      },
    } as unknown as Keyv;
    const url = "redis://:hunter2@db:6379";
    // As app.ts wires it.
    const check = storageHealth(kv, { scrub: (m) => scrubStorageSecrets(m, url) });
    const { reason } = await check();
    expect(reason).toMatch(/^storage: auth failed for /);
    expect(reason).not.toContain("hunter2");
  });
});

describe("the fleet's queue gauge", () => {
  it("reports each queue's jobs by state at scrape time", async () => {
    const metrics = new Metrics();
    let waiting = 3;
    metrics.watchJobs(async () => ({
      fetch: { waiting, active: 1 },
      deliver: { delayed: 2 },
    }));
    const first = parseScrape(await metrics.registry.metrics());
    expect(sample(first, "foreigndesk_queue_jobs", { queue: "fetch", state: "waiting" })).toBe(3);
    expect(sample(first, "foreigndesk_queue_jobs", { queue: "deliver", state: "delayed" })).toBe(2);
    waiting = 0;
    const second = parseScrape(await metrics.registry.metrics());
    expect(sample(second, "foreigndesk_queue_jobs", { queue: "fetch", state: "waiting" })).toBe(0);
  });

  it("leaves the gauge out rather than hold up a scrape while the queue's Redis is away", async () => {
    const metrics = new Metrics();
    metrics.watchJobs(() => new Promise(() => {}));
    const started = Date.now();
    const text = await metrics.registry.metrics();
    expect(Date.now() - started).toBeLessThan(1900);
    // The rest of the scrape is there; the gauge has no sample.
    expect(text).toContain("# TYPE foreigndesk_feed_polls_total counter");
    const scrape = parseScrape(text);
    expect(sample(scrape, "foreigndesk_queue_jobs", { queue: "fetch", state: "waiting" })).toBe(
      undefined,
    );
  });
});
