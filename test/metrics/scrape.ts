/** Reads Prometheus' text format into samples a test can look up by name and labels. */

export type Scrape = Map<string, number>;

function key(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return parts.length > 0 ? `${name}{${parts.join(",")}}` : name;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parseScrape(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(LABEL)) labels[k as string] = v as string;
    out.set(key(m[1] as string, labels), Number(m[3]));
  }
  return out;
}

/** The sample's value, or undefined when the scrape has no such series. */
export function sample(
  scrape: Scrape,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return scrape.get(key(name, labels));
}
