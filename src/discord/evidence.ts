import { sanitize } from "./safe-text.js";

/** What a tag's evidence looks like wherever it is shown (alerts, /classify, the terminal). */
export interface EvidenceLike {
  term: string;
  text?: string;
  count?: number;
  kind?: "term" | "actor" | "word" | "country";
}

export interface EvidenceLineOptions {
  limit: number;
  /** ISO code → the reader's name for the country; without it countries are left out. */
  regionName?: (code: string) => string;
}

/**
 * "Nawalny, Straflager ×2, Russland": the terms, actors and words that made a tag, as the story
 * wrote them (a lexicon term shows without its wildcards), strongest first.
 */
export function evidenceLine(evidence: readonly EvidenceLike[], opts: EvidenceLineOptions): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const e of evidence) {
    if (parts.length >= opts.limit) break;
    let text: string;
    if (e.kind === "country") {
      if (!opts.regionName) continue;
      text = opts.regionName(e.term);
    } else text = e.text ?? e.term.replace(/\*/g, "");
    text = sanitize(text, { singleLine: true }).trim();
    const key = text.toLowerCase();
    if (text === "" || seen.has(key)) continue;
    seen.add(key);
    parts.push(`${text}${(e.count ?? 1) > 1 ? ` ×${e.count}` : ""}`);
  }
  return parts.join(", ");
}

/** Region names in the reader's language, falling back to the code. */
export function regionNamer(locale: string): (code: string) => string {
  const names = new Intl.DisplayNames([locale], { type: "region" });
  return (code) => {
    try {
      return names.of(code) ?? code;
    } catch {
      return code;
    }
  };
}
