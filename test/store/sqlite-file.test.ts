import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openStorage } from "../../src/store/open.js";

const dir = mkdtempSync(join(tmpdir(), "fd-sqlite-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const modeOf = (path: string) => statSync(path).mode & 0o777;

function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { base: undefined, timestamp: false },
    {
      write: (line: string) => void lines.push(JSON.parse(line)),
    },
  );
  return Object.assign(log, { lines });
}

describe("the SQLite database file", () => {
  it("is created 0600 in a 0700 directory, and so are its WAL companions", async () => {
    const file = join(dir, "fresh", "data", "bot.sqlite");
    const log = recordingLog();
    const storage = await openStorage(`sqlite://${file}`, { log });
    await storage.kv.set("k", { v: 1 });
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    expect(modeOf(`${file}-shm`)).toBe(0o600);
    expect(modeOf(join(dir, "fresh", "data"))).toBe(0o700);
    expect(modeOf(join(dir, "fresh"))).toBe(0o700);
    await storage.close();
    expect(log.lines).toEqual([]);
  });

  it("is narrowed to 0600 at open when others could read it, with one log line each", async () => {
    const file = join(dir, "old.sqlite");
    writeFileSync(file, ""); // an empty file is an empty SQLite database
    writeFileSync(`${file}-wal`, "");
    chmodSync(file, 0o644);
    chmodSync(`${file}-wal`, 0o666);
    const log = recordingLog();
    const storage = await openStorage(`sqlite://${file}`, { log });
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(`${file}-wal`)).toBe(0o600);
    await storage.close();
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 40, file, was: "644", now: "600" }),
      expect.objectContaining({ level: 40, file: `${file}-wal`, was: "666", now: "600" }),
    ]);
  });

  it("leaves a directory it did not create as it was", async () => {
    const shared = join(dir, "shared");
    const storage0 = await openStorage(`sqlite://${join(shared, "a.sqlite")}`);
    await storage0.close();
    chmodSync(shared, 0o755);
    const storage = await openStorage(`sqlite://${join(shared, "b.sqlite")}`);
    await storage.close();
    expect(modeOf(shared)).toBe(0o755);
    expect(modeOf(join(shared, "b.sqlite"))).toBe(0o600);
  });
});
