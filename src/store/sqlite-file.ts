import { chmod, mkdir, open, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Logger } from "pino";

/** The database holds every server's subscriptions: only the bot's own user may read it. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

// SQLite's companions of a database file. It creates them with the database file's own mode,
// but ones left by an older run keep whatever mode they had.
const SIBLINGS = ["", "-wal", "-shm", "-journal"];

/**
 * Makes sure the database file exists with mode 0600 before SQLite opens it (a directory the
 * bot creates for it gets 0700), and narrows a file, or a companion, that others could read.
 */
export async function prepareSqliteFile(path: string, log?: Pick<Logger, "warn">): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true, mode: DIR_MODE });
  // Created here rather than by SQLite, whose default (0644 less the umask) lets others read it.
  await (await open(path, "a", FILE_MODE)).close();
  for (const suffix of SIBLINGS) await narrow(`${path}${suffix}`, log);
}

async function narrow(file: string, log?: Pick<Logger, "warn">): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(file)).mode & 0o777;
  } catch {
    return; // no such companion
  }
  if ((mode & ~FILE_MODE) === 0) return;
  await chmod(file, FILE_MODE);
  log?.warn(
    { file, was: mode.toString(8), now: FILE_MODE.toString(8) },
    "storage file was readable by others; narrowed to owner only",
  );
}
