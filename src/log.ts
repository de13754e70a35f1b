import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { maskStorageUrl } from "./store/url-secrets.js";

export type { Logger };

export interface LogOptions {
  level: string;
  format: "json" | "pretty" | "auto";
  /** Where log lines go; stderr by default so that stdout stays for alerts and CLI output. */
  destination?: NodeJS.WritableStream;
}

// Anything that might carry a credential is censored wherever it appears in a log object.
const REDACT = [
  "token",
  "*.token",
  "DISCORD_TOKEN",
  "*.DISCORD_TOKEN",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "password",
  "*.password",
  "STORAGE_URL",
  "*.STORAGE_URL",
  "storageUrl",
  "*.storageUrl",
];

const STORAGE_URL_KEYS = new Set(["STORAGE_URL", "storageUrl"]);

/** A storage URL keeps its host and database, which help, and loses its password. */
function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? "";
  return STORAGE_URL_KEYS.has(key) && typeof value === "string"
    ? maskStorageUrl(value)
    : "[redacted]";
}

export function createLogger(options: LogOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const usePretty =
    options.format === "pretty" ||
    (options.format === "auto" && (destination as { isTTY?: boolean }).isTTY === true);
  const base = {
    level: options.level,
    redact: { paths: REDACT, censor },
    base: { app: "foreign-desk" },
  };
  if (usePretty) {
    return pino(
      base,
      pretty({
        destination,
        sync: true,
        colorize: true,
        ignore: "pid,hostname,app",
        translateTime: "HH:MM:ss",
      }),
    );
  }
  return pino(base, destination);
}
