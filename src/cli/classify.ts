import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { z } from "zod";
import type { Classifier } from "../classify/index.js";
import type { SummaryInput } from "../summarize/index.js";
import { summaryInputFor } from "../summarize/input.js";
import { htmlToText } from "../text/html.js";

const inputLine = z.object({
  title: z.string().max(10_000).default(""),
  text: z.string().max(2_000_000).default(""),
  language: z.string().max(10).optional(),
  budget: z.number().int().min(1).max(4096).optional(),
});

export interface ClassifyCommandDeps {
  classifier: Classifier;
  summarize: (input: SummaryInput) => string;
  budget: number;
}

/** One JSON line in, one JSON line out, in order; a bad line answers `{ "error" }` and the rest go on. */
export function classifyLine(line: string, deps: ClassifyCommandDeps): string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch (error) {
    return JSON.stringify({ error: `not JSON: ${(error as Error).message}` });
  }
  const parsed = inputLine.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return JSON.stringify({
      error: `${issue?.path.join(".") || "input"}: ${issue?.message ?? "invalid"}`,
    });
  }
  const title = htmlToText(parsed.data.title).replace(/\s*\n\s*/g, " ");
  const text = htmlToText(parsed.data.text);
  const result = deps.classifier.classify({ title, text, language: parsed.data.language });
  const summary = deps.summarize(
    summaryInputFor(
      { title, text, language: result.language, topics: result.topics },
      parsed.data.budget ?? deps.budget,
    ),
  );
  return JSON.stringify({
    topics: result.topics,
    countries: result.countries,
    language: result.language,
    summary,
  });
}

export async function classifyCommand(
  input: Readable,
  out: (line: string) => void,
  deps: ClassifyCommandDeps,
): Promise<void> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    out(classifyLine(line, deps));
  }
}
