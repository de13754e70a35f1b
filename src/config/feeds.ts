import { readFile } from "node:fs/promises";
import { z } from "zod";
import { feedIdFor } from "../feeds/id.js";
import type { FeedSource } from "../feeds/types.js";
import { ConfigError } from "./env.js";

const feedEntry = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, - and _ only")
      .optional(),
    name: z.string().trim().min(1).max(100),
    url: z
      .string()
      .trim()
      .refine(
        (v) => /^(https?:\/\/|file:)/i.test(v) && URL.canParse(v),
        "must be an http(s) or file: URL",
      ),
    language: z
      .string()
      .regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, "must be an ISO 639-1 code such as en or de")
      .optional(),
    category: z.string().max(40).optional(),
  })
  .loose();

const feedsFile = z.array(feedEntry).max(50_000);

/** Reads the operator's feeds file: a JSON array of `{ name, url, language }`. */
export async function loadFeedsFile(path: string): Promise<FeedSource[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `FEEDS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  // A blank file is read as an empty list; the callers decide how loudly to say "no feeds".
  if (text.trim() === "") return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`FEEDS_FILE: ${path} is not valid JSON (${(error as Error).message})`);
  }
  return parseFeeds(data, `FEEDS_FILE (${path})`);
}

export function parseFeeds(data: unknown, label: string): FeedSource[] {
  const parsed = feedsFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `[${issue.path.join("].")}` : "";
    throw new ConfigError(`${label}: entry ${where}: ${issue?.message ?? "invalid"}`);
  }
  const seen = new Set<string>();
  const feeds: FeedSource[] = [];
  for (const entry of parsed.data) {
    const id = entry.id ?? feedIdFor(entry.url);
    if (seen.has(id)) continue; // the same URL listed twice is polled once
    seen.add(id);
    feeds.push({
      id,
      name: entry.name,
      url: entry.url,
      language: entry.language?.slice(0, 2).toLowerCase(),
      category: entry.category,
      origin: "operator",
    });
  }
  return feeds;
}
