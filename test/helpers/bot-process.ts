/**
 * The bot as a process, started as `npm start` starts it (node with the tsx loader), in its own
 * process group so that a signal reaches everything it started. Output is kept for diagnostics.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

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

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(): void {
    this.output = "";
    this.runs += 1;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
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
