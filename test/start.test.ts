import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "fd-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULE = "─".repeat(72);

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the bot the way `npm start` does, with no Discord token and a private store. */
function start(extra: NodeJS.ProcessEnv = {}): Running {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DISCORD_TOKEN;
  delete env.FEEDS_FILE;
  delete env.BACKLOG_ALERTS;
  Object.assign(env, {
    STORAGE_URL: `sqlite://${join(dir, "bot.sqlite")}`,
    LOG_LEVEL: "warn",
    ...extra,
  });
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alerts = (text: string) => text.split(RULE).length - 1;

describe("npm start without a Discord token", () => {
  it("prints tagged, summarised alerts from the sample feeds within 30 s, then stops cleanly", async () => {
    const bot = start();
    try {
      await waitFor(() => alerts(bot.output()) >= 40 && bot.output().includes("Wang Yi"), 30_000);
    } finally {
      bot.child.kill("SIGTERM");
    }
    expect(await bot.exited).toBe(0);
    const out = bot.output();
    expect(out).toContain("terminal mode");
    expect(out).toContain("DISCORD_TOKEN");
    // The English and the German sample feeds both report the call: one is the alert, the other
    // a line under it, whichever feed was read first.
    const headline = /^Baerbock (raises Xinjiang|spricht mit Wang Yi)/;
    const baerbock = out.split(RULE).find((block) => headline.test(block.split("\n")[2] ?? ""));
    expect(baerbock).toBeDefined();
    expect(baerbock).toMatch(/Topics: .*human-rights/);
    expect(baerbock).toMatch(/Topics: .*china/);
    expect(baerbock).toMatch(/Topics: .*climate/);
    expect(baerbock).toMatch(/Countries: .*CN/);
    expect(out).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack traces
    // Only stories with a topic are alerts; the untagged ones are counted in the poll's line.
    expect(out).not.toContain("Topics: none");
    const summary = out.split("\n").filter((l) => /feeds were due/.test(l));
    expect(summary).toHaveLength(1);
    const counts =
      /\d+ new stories: (\d+) printed, (\d+) folded under earlier alerts, (\d+) untagged stored without printing/.exec(
        summary[0] ?? "",
      );
    const [, printed, folded, untagged] = counts ?? [];
    expect(Number(printed)).toBe(alerts(out));
    expect(Number(untagged)).toBeGreaterThan(0);
    // The German sample feed reports some of the English feeds' events: those are one line each
    // under the alert, not alerts of their own.
    const also = out.split("\n").filter((l) => l.startsWith("  ↳ also reported by"));
    expect(also).toHaveLength(Number(folded));
    const otherVersion = also.find((l) => /the same event as “Baerbock/.test(l)) ?? "";
    expect(otherVersion).toMatch(
      /also reported by (Außenpolitik aktuell \(Beispiel\)|World Wire \(sample\)), the same event as “Baerbock (raises Xinjiang|spricht mit Wang Yi)[^”]*”: Baerbock (spricht mit Wang Yi|raises Xinjiang)/,
    );
    // The line names the other version, never the alert's own.
    expect(otherVersion.includes("“Baerbock raises")).toBe(
      otherVersion.includes(": Baerbock spricht"),
    );
  }, 60_000);

  it("does not repeat those alerts after a restart", async () => {
    const bot = start();
    try {
      await waitFor(() => bot.output().includes("nothing new"), 30_000);
    } finally {
      bot.child.kill("SIGINT");
    }
    expect(await bot.exited).toBe(0);
    expect(alerts(bot.output())).toBe(0);
  }, 60_000);

  it("says each poll event once, in one line, naming a failed feed by its name", async () => {
    const feedsFile = join(dir, "feeds-one-missing.json");
    writeFileSync(
      feedsFile,
      JSON.stringify([
        { name: "World Wire (sample)", url: "file:config/samples/world-wire.rss.xml" },
        { name: "Missing Desk", url: "file:config/samples/no-such-feed.xml" },
      ]),
    );
    const bot = start({
      FEEDS_FILE: feedsFile,
      LOG_LEVEL: "info",
      STORAGE_URL: `sqlite://${join(dir, "events.sqlite")}`,
    });
    try {
      await waitFor(() => /feeds were due/.test(bot.output()), 30_000);
      await new Promise((r) => setTimeout(r, 300)); // anything printed right after the cycle
    } finally {
      bot.child.kill("SIGTERM");
    }
    expect(await bot.exited).toBe(0);
    const lines = bot.output().split("\n");
    const failure = lines.filter((l) => /Missing Desk|no-such-feed/.test(l));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toMatch(/^\(\d\d:\d\d:\d\d UTC: feed "Missing Desk" failed: /);
    expect(lines.filter((l) => /feeds were due/.test(l))).toHaveLength(1);
    expect(bot.output()).not.toMatch(/poll cycle done|feed poll failed/);
  }, 60_000);

  it("refuses to start with one line when the feeds file lists no feeds", async () => {
    const empty = join(dir, "empty-feeds.json");
    writeFileSync(empty, "[]\n");
    const bot = start({ FEEDS_FILE: empty });
    const exited = await Promise.race([
      bot.exited,
      new Promise<"running">((r) => setTimeout(() => r("running"), 20_000)),
    ]);
    if (exited === "running") bot.child.kill("SIGKILL");
    expect(exited).toBe(1);
    expect(bot.output().trim()).toBe(
      `error: FEEDS_FILE: ${empty} lists no feeds, so there is nothing to poll`,
    );
  }, 30_000);

  it("stops at once with one clear line when storage cannot be reached", async () => {
    const bot = start({ STORAGE_URL: "redis://127.0.0.1:1" });
    expect(await bot.exited).toBe(1);
    const lines = bot.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: cannot open storage redis:\/\/127\.0\.0\.1:1: /);
  }, 30_000);

  it("never prints a storage password, with or without a user name", async () => {
    // Port 6390 on loopback: nothing listens there. Each form also with a malformed port, where
    // the driver's own URL parser fails and its message would quote what it was given.
    const urls = [
      "redis://:s3cret@127.0.0.1:6390",
      "rediss://:s3cret@127.0.0.1:6390",
      "redis://default:s3cret@127.0.0.1:6390/0",
      "postgres://:s3cret@127.0.0.1:6390/test",
      "postgresql://bot:s3cret@127.0.0.1:6390/test",
      "postgres://127.0.0.1:6390/test?password=s3cret",
      "redis://:s3cret@127.0.0.1:bad",
      "postgres://bot:s3/cret@127.0.0.1:6390/test",
    ];
    const runs = urls.map((url) => ({ url, bot: start({ STORAGE_URL: url, LOG_LEVEL: "trace" }) }));
    for (const { url, bot } of runs) {
      expect(await bot.exited, url).toBe(1);
      const out = bot.output();
      expect(out, url).toMatch(/^error: cannot open storage \w+:\/\/.*\*\*\*/);
      expect(out, url).not.toMatch(/s3\/?cret/);
    }
  }, 60_000);

  it("stops at once with one line naming a bad setting", async () => {
    const bot = start({ POLL_SCHEDULE: "every minute" });
    expect(await bot.exited).toBe(1);
    expect(bot.output().trim()).toMatch(
      /^error: bad configuration: POLL_SCHEDULE: not a valid cron expression/,
    );
    expect(bot.output().trim().split("\n")).toHaveLength(1);
  }, 30_000);
});
