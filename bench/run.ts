import { cpus } from "node:os";

/**
 * `npm run bench`: the machine, then each benchmark section with its own header.
 * `--only ingest|parse|eventloop|classify|summarize|analyze|load|cluster|trends|similar|fleet` runs one section. Sections whose module is missing (others
 * may still be writing them) are reported as skipped, not as failures.
 */

type Bench = () => Promise<string[]>;

interface Section {
  name:
    | "ingest"
    | "parse"
    | "eventloop"
    | "classify"
    | "summarize"
    | "analyze"
    | "load"
    | "cluster"
    | "trends"
    | "similar"
    | "fleet";
  load: () => Promise<Bench | undefined>;
}

const SECTIONS: Section[] = [
  { name: "ingest", load: async () => (await import("./ingest.js")).benchIngest },
  { name: "parse", load: async () => (await import("./parse.js")).benchParse },
  { name: "eventloop", load: async () => (await import("./eventloop.js")).benchEventLoop },
  {
    name: "classify",
    load: async () => ((await import("./classify.js")) as { benchClassify?: Bench }).benchClassify,
  },
  { name: "summarize", load: async () => (await import("./summarize.js")).benchSummarize },
  { name: "analyze", load: async () => (await import("./analyze.js")).benchAnalyze },
  { name: "load", load: async () => (await import("./load.js")).benchLoad },
  { name: "cluster", load: async () => (await import("./cluster.js")).benchCluster },
  { name: "trends", load: async () => (await import("./trends.js")).benchTrends },
  { name: "similar", load: async () => (await import("./similar.js")).benchSimilar },
  { name: "fleet", load: async () => (await import("./fleet.js")).benchFleet },
];

function parseOnly(argv: string[]): Section["name"] | undefined {
  const i = argv.findIndex((a) => a === "--only" || a.startsWith("--only="));
  if (i < 0) return undefined;
  const arg = argv[i] as string;
  const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : argv[i + 1];
  if (!SECTIONS.some((s) => s.name === value)) {
    console.error(`--only takes one of: ${SECTIONS.map((s) => s.name).join(", ")}`);
    process.exit(2);
  }
  return value as Section["name"];
}

function reason(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (err?.code === "ERR_MODULE_NOT_FOUND")
    return `module not found (${err.message.split("\n")[0]})`;
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const only = parseOnly(process.argv.slice(2));
  const cpu = cpus();
  console.log(`ForeignDesk benchmarks — ${new Date().toISOString()}`);
  console.log(
    `machine: ${cpu[0]?.model.trim() ?? "unknown cpu"}, ${cpu.length} cores; node ${process.version} (${process.platform}/${process.arch})`,
  );
  let failed = false;
  for (const section of SECTIONS) {
    if (only && section.name !== only) continue;
    console.log(`\n== ${section.name} ==`);
    let bench: Bench | undefined;
    try {
      bench = await section.load();
    } catch (error) {
      console.log(`skipped: ${reason(error)}`);
      continue;
    }
    if (typeof bench !== "function") {
      console.log(
        `skipped: the module does not export bench${section.name[0]?.toUpperCase()}${section.name.slice(1)}()`,
      );
      continue;
    }
    const t0 = performance.now();
    try {
      for (const line of await bench()) console.log(line);
      console.log(`(${section.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed = true;
      console.log(
        `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  if (failed) process.exitCode = 1;
}

await main();
