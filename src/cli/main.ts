import { isFeedError, parseCommand } from "./parse.js";

const USAGE = `usage: npm run --silent cli -- <command>

commands:
  parse <file-or-url>   print one JSON line per story of a feed
  classify              read {"title","text"} JSON lines on stdin, print topics, countries, language, summary
`;

const out = (line: string) => process.stdout.write(`${line}\n`);

// `cli parse feed.xml | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

async function run(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case "parse": {
      const target = args[0];
      if (!target) {
        process.stderr.write(USAGE);
        return 2;
      }
      try {
        await parseCommand(target, {
          timeoutMs: Number(process.env.FETCH_TIMEOUT_MS) || 20_000,
          maxBytes: 5_000_000,
          out,
        });
        return 0;
      } catch (error) {
        if (!isFeedError(error)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        return 1;
      }
    }
    case "classify": {
      // Loaded on demand: building the lexicons is work that `parse` does not need.
      const { loadClassifier, loadTaxonomy } = await import("../classify/index.js");
      const { summarize } = await import("../summarize/index.js");
      const { classifyCommand } = await import("./classify.js");
      const classifier = loadClassifier(loadTaxonomy());
      await classifyCommand(process.stdin, out, { classifier, summarize, budget: 500 });
      return 0;
    }
    default:
      process.stderr.write(USAGE);
      return command ? 2 : 0;
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
