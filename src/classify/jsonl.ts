import { z } from "zod";

/** JSON lines validated one by one; a bad line throws with its number and what is wrong. */
export function parseJsonLines<S extends z.ZodType>(
  jsonl: string,
  schema: S,
  label: string,
): Array<z.output<S>> {
  const rows: Array<z.output<S>> = [];
  jsonl.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      throw new Error(`${label} line ${i + 1}: ${(err as Error).message}`);
    }
    const r = schema.safeParse(data);
    if (!r.success) throw new Error(`${label} line ${i + 1}: ${z.prettifyError(r.error)}`);
    rows.push(r.data);
  });
  return rows;
}
