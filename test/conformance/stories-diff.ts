/**
 * Proves a change to the feed reader keeps what it reads: dumps every story (all fields) or the
 * refusal of every file of the corpus, then compares two dumps field by field.
 *
 *   node --import tsx test/conformance/stories-diff.ts dump before.json [corpus dir]
 *   node --import tsx test/conformance/stories-diff.ts compare before.json after.json
 *
 * Run `dump` on the old code (a checkout of the base commit) and on the new one, then `compare`.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { decodeBody } from "../../src/feeds/charset.js";
import { normalizeFeed } from "../../src/feeds/normalize.js";
import { FeedParseError, parseFeed } from "../../src/feeds/parse.js";
import type { FeedSource, Story } from "../../src/feeds/types.js";

interface FileDump {
  file: string;
  refused?: string;
  crashed?: string;
  title?: string;
  ttlMinutes?: number;
  stories: Story[];
}

// A fixed clock: first-seen times and the "date in the future" rule must not vary between runs.
const NOW = Date.UTC(2026, 0, 1);

async function dump(dir: string): Promise<FileDump[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && !/\.(md|txt)$/i.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  const out: FileDump[] = [];
  for (const path of files) {
    const file = relative(dir, path);
    const source: FeedSource = {
      id: "corpus",
      name: file,
      url: "https://corpus.invalid/feed",
      origin: "operator",
    };
    const { text } = decodeBody(await readFile(path), undefined, 5_000_000);
    try {
      const parsed = await parseFeed(text);
      out.push({
        file,
        title: parsed.title,
        ttlMinutes: parsed.ttlMinutes,
        stories: normalizeFeed(parsed, source, NOW),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      out.push(
        error instanceof FeedParseError
          ? { file, refused: message, stories: [] }
          : { file, crashed: message, stories: [] },
      );
    }
  }
  return out;
}

function summary(dumps: FileDump[]): string {
  const withStories = dumps.filter((d) => d.stories.length > 0).length;
  const stories = dumps.reduce((n, d) => n + d.stories.length, 0);
  const refused = dumps.filter((d) => d.refused !== undefined).length;
  const crashed = dumps.filter((d) => d.crashed !== undefined).length;
  return `${dumps.length} files: ${withStories} with ${stories} stories, ${refused} refused, ${crashed} crashed`;
}

/** Every difference between two dumps, one line each. */
export function compareDumps(before: FileDump[], after: FileDump[]): string[] {
  const lines: string[] = [];
  const afterByFile = new Map(after.map((d) => [d.file, d]));
  for (const a of before) {
    const b = afterByFile.get(a.file);
    if (!b) {
      lines.push(`${a.file}: missing after`);
      continue;
    }
    for (const key of ["refused", "crashed", "title", "ttlMinutes"] as const) {
      if (a[key] !== b[key])
        lines.push(`${a.file}: ${key} ${JSON.stringify(a[key])} → ${JSON.stringify(b[key])}`);
    }
    if (a.stories.length !== b.stories.length)
      lines.push(`${a.file}: ${a.stories.length} stories → ${b.stories.length}`);
    const n = Math.min(a.stories.length, b.stories.length);
    for (let i = 0; i < n; i++) {
      const sa = a.stories[i] as unknown as Record<string, unknown>;
      const sb = b.stories[i] as unknown as Record<string, unknown>;
      for (const key of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
        const va = JSON.stringify(sa[key]);
        const vb = JSON.stringify(sb[key]);
        if (va !== vb)
          lines.push(`${a.file} #${i} ${key}: ${va?.slice(0, 120)} → ${vb?.slice(0, 120)}`);
      }
    }
  }
  for (const b of after) if (!before.some((a) => a.file === b.file)) lines.push(`${b.file}: new`);
  return lines;
}

async function main(): Promise<void> {
  const [command, first, second] = process.argv.slice(2);
  if (command === "dump" && first) {
    const dumps = await dump(resolve(second ?? "../shared/corpus/feeds"));
    await writeFile(first, JSON.stringify(dumps));
    console.log(summary(dumps));
    return;
  }
  if (command === "compare" && first && second) {
    const before = JSON.parse(await readFile(first, "utf8")) as FileDump[];
    const after = JSON.parse(await readFile(second, "utf8")) as FileDump[];
    console.log(`before: ${summary(before)}`);
    console.log(`after:  ${summary(after)}`);
    const lines = compareDumps(before, after);
    for (const line of lines) console.log(line);
    console.log(lines.length === 0 ? "identical" : `${lines.length} differences`);
    process.exitCode = lines.length === 0 ? 0 : 1;
    return;
  }
  console.error("usage: stories-diff.ts dump <out.json> [corpus dir] | compare <a.json> <b.json>");
  process.exitCode = 2;
}

await main();
