/**
 * Runs every file of the shared feed corpus through the reader: decode → parse → normalise.
 * Each file must either yield stories or be refused with a FeedParseError; anything else (another
 * exception, a hang) fails the run. Usage: npm run conformance [-- <corpus dir>]
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { decodeBody } from "../../src/feeds/charset.js";
import { normalizeFeed } from "../../src/feeds/normalize.js";
import { FeedParseError, parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource } from "../../src/feeds/types.js";

export interface FileOutcome {
  file: string;
  outcome: "stories" | "no-items" | "refused" | "crashed" | "hung";
  stories: number;
  detail?: string;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !/\.(md|txt)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const PER_FILE_MS = 10_000;

export async function checkFile(path: string, root: string): Promise<FileOutcome> {
  const file = relative(root, path);
  const source: FeedSource = {
    id: "corpus",
    name: file,
    url: "https://corpus.invalid/feed",
    origin: "operator",
  };
  const work = (async (): Promise<FileOutcome> => {
    const { text } = decodeBody(await readFile(path), undefined, 5_000_000);
    try {
      const parsed = await parseFeed(text);
      const stories = normalizeFeed(parsed, source, Date.now());
      return {
        file,
        outcome: stories.length > 0 ? "stories" : "no-items",
        stories: stories.length,
      };
    } catch (error) {
      if (error instanceof FeedParseError)
        return { file, outcome: "refused", stories: 0, detail: error.message };
      return {
        file,
        outcome: "crashed",
        stories: 0,
        detail: (error as Error).stack ?? String(error),
      };
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<FileOutcome>((done) => {
    timer = setTimeout(() => done({ file, outcome: "hung", stories: 0 }), PER_FILE_MS);
  });
  try {
    return await Promise.race([work, hung]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runCorpus(dir: string): Promise<FileOutcome[]> {
  const files = await listFiles(dir);
  const outcomes: FileOutcome[] = [];
  for (const path of files) outcomes.push(await checkFile(path, dir));
  return outcomes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = resolve(
    process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "../shared/corpus/feeds",
  );
  const outcomes = await runCorpus(dir);
  const count = (o: FileOutcome["outcome"]) => outcomes.filter((x) => x.outcome === o).length;
  const verbose = process.argv.includes("--verbose");
  for (const o of outcomes) {
    if (o.outcome === "crashed" || o.outcome === "hung" || (verbose && o.outcome !== "stories")) {
      console.log(
        `${o.outcome.padEnd(8)} ${o.file}${o.detail ? `: ${o.detail.split("\n")[0]}` : ""}`,
      );
    }
  }
  const stories = outcomes.reduce((n, o) => n + o.stories, 0);
  console.log(
    `corpus: ${outcomes.length} files — ${count("stories")} yielded ${stories} stories, ${count("no-items")} parsed with no items, ${count("refused")} refused cleanly, ${count("crashed")} crashed, ${count("hung")} hung`,
  );
  process.exit(count("crashed") + count("hung") > 0 ? 1 : 0);
}
