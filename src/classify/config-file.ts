import { readFileSync } from "node:fs";

/**
 * A JSON config file (taxonomy, gazetteer, model) read and validated by `parse`, every failure
 * one sentence naming the file: unreadable, not JSON, or the validator's own message.
 */
export function loadJsonConfig<T>(path: string, what: string, parse: (data: unknown) => T): T {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`Cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (err) {
    throw new Error(
      `${what[0]?.toUpperCase()}${what.slice(1)} ${path} is not valid JSON: ${(err as Error).message}`,
    );
  }
  try {
    return parse(data);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n  (in ${path})`);
  }
}
