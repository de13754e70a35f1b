/**
 * PostgreSQL ends the bot's idle pooled connections (as a restart or a failover does): the bot
 * stays up, says so once, and the next read connects afresh and finds the data. Before the fix
 * this killed the process with an unhandled "error" event from @keyv/postgres's pool.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openStorage, type Storage } from "../../src/store/open.js";
import { serviceAvailable } from "../helpers/services.js";

const available = await serviceAvailable("PostgreSQL", 5432);
const BASE = "postgres://postgres@127.0.0.1:5432/test";

describe.runIf(available)("postgres connections dropped while idle", () => {
  const app = `fdtest-idle-${randomUUID().slice(0, 8)}`;
  const namespace = `fdtest${process.pid}idle`;
  let storage: Storage | undefined;
  afterAll(async () => {
    await storage?.kv.clear();
    await storage?.close();
  });

  it("are reported and replaced, and the data is still there", async () => {
    const warnings: string[] = [];
    storage = await openStorage(`${BASE}?application_name=${app}`, {
      namespace,
      log: { warn: (_obj: unknown, msg?: string) => warnings.push(String(msg)) },
    });
    await storage.kv.set("kept", { n: 1 });

    const admin = new pg.Client({ connectionString: BASE });
    await admin.connect();
    const ended = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
      [app],
    );
    await admin.end();
    expect(ended.rowCount).toBeGreaterThan(0);

    await expect.poll(() => warnings.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/postgres closed an idle connection/);
    expect(await storage.kv.get("kept")).toEqual({ n: 1 });
  });
});
