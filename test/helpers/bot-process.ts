/**
 * The bot as a process, started as `npm start` starts it (node with the tsx loader), in its own
 * process group so that a signal reaches everything it started. Output is kept for diagnostics.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** A well-formed bot token the emulator accepts; never a real one. */
export const TEST_TOKEN =
  "MTAwMDAwMDAwMDAwMDAwMDAx.GfdTst.ZmFrZS10b2tlbi1mb3ItdGhlLWVtdWxhdG9yLW9ubHk";

/**
 * The environment of a bot process that polls every second with no hourly cap, against the
 * emulator at `apiUrl` and feeds on loopback: what the kill tests run, so that a burst is in
 * flight when they strike.
 */
export function fastPollingEnv(
  apiUrl: string,
  feedsFile: string,
  dbPath: string,
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DISCORD_TOKEN: TEST_TOKEN,
    DISCORD_API_URL: apiUrl,
    FEEDS_FILE: feedsFile,
    STORAGE_URL: `sqlite://${dbPath}`,
    ALLOW_PRIVATE_FEED_HOSTS: "127.0.0.1",
    POLL_SCHEDULE: "* * * * * *",
    FEED_MIN_INTERVAL_SEC: "1",
    ALERTS_PER_CHANNEL_HOUR: "1000",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
  };
}

/** How many slash commands the bot registers: one per file in commands/. */
export const COMMAND_COUNT = readdirSync(new URL("../../commands/", import.meta.url)).filter((f) =>
  f.endsWith(".ts"),
).length;

export class BotProcess {
  output = "";
  child: ChildProcess | undefined;
  exited: Promise<number | null> = Promise.resolve(null);
  startedAt = 0;
  runs = 0;

  /** `entry`: the script `npm start` runs, or another (`src/sharded.ts` for start:sharded). */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly entry = "src/main.ts",
  ) {}

  start(): void {
    this.output = "";
    this.runs += 1;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", this.entry], {
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    const take = (c: Buffer) => {
      this.output += c.toString();
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  get ready(): boolean {
    return this.output.includes("slash commands in place");
  }

  /** Signals the whole group; resolves with the exit code once no member lives. */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    const pgid = this.child?.pid;
    if (pgid === undefined) return null;
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
    const code = await this.exited;
    await until("the process group to die", () => liveInGroup(pgid) === 0, 10_000, this);
    return code;
  }
}

/** Processes of a group that are not zombies (Linux /proc). */
function liveInGroup(pgid: number): number {
  let live = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid && fields[0] !== "Z") live++;
    } catch {
      // exited while we looked
    }
  }
  return live;
}

export async function until(
  what: string,
  condition: () => boolean,
  timeoutMs: number,
  bot?: BotProcess,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}\n--- bot output ---\n${bot?.output.slice(-4000) ?? ""}`,
      );
    await sleep(50);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
