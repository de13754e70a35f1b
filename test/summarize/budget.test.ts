import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarize } from "../../src/summarize/index.js";
import { prepareSentences } from "../../src/summarize/prepare.js";
import { truncateAtWord } from "../../src/text/truncate.js";

const graphemeSegmenter = new Intl.Segmenter("en", { granularity: "grapheme" });
const graphemes = (s: string): string[] => [...graphemeSegmenter.segment(s)].map((g) => g.segment);
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;
const ENDS_IN_WORD = /[\p{L}\p{M}\p{N}]$/u;
const STARTS_WORD = /^[\p{L}\p{M}\p{N}]/u;
const first = (s: string) => String.fromCodePoint(s.codePointAt(0) ?? 32);

/** Whether `summary` is whole sentences of `sentences`, in order, joined by single spaces. */
function isWholeSentences(summary: string, sentences: readonly string[]): boolean {
  const memo = new Map<string, boolean>();
  const from = (pos: number, next: number): boolean => {
    if (pos === summary.length) return true;
    const key = `${pos}:${next}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let ok = false;
    for (let i = next; i < sentences.length && !ok; i++) {
      const s = sentences[i] ?? "";
      const sep = pos === 0 ? "" : " ";
      if (summary.startsWith(sep + s, pos)) ok = from(pos + sep.length + s.length, i + 1);
    }
    memo.set(key, ok);
    return ok;
  };
  return from(0, 0);
}

/**
 * Whether `summary` is whole words from the start of one of `sentences` plus "…": the cut falls
 * on a grapheme boundary, and not inside a word (unless in a script written without spaces).
 */
function isWordPrefix(summary: string, sentences: readonly string[]): boolean {
  if (!summary.endsWith("…")) return false;
  const body = summary.slice(0, -1);
  if (!body || /\s$/u.test(body)) return false;
  return sentences.some((s) => {
    if (!s.startsWith(body) || s.length === body.length) return false;
    const whole = graphemes(s);
    const cut = graphemes(body);
    if (whole.slice(0, cut.length).join("") !== body) return false;
    const last = cut[cut.length - 1] ?? "";
    const next = whole[cut.length] ?? "";
    const inWord = ENDS_IN_WORD.test(last) && STARTS_WORD.test(next);
    return !inWord || UNSPACED.test(first(last)) || UNSPACED.test(first(next));
  });
}

const fragment = fc.constantFrom(
  "Talks resumed in Doha.",
  "The minister said",
  "Baerbock raised Xinjiang with Wang Yi.",
  "👨‍👩‍👧‍👦",
  "🇺🇦",
  "👍🏽",
  "é",
  "e\u0301",
  "n\u0303\u0301",
  "中国外交部周二表示。",
  "美国国务卿抵达北京",
  "ภาษาไทยง่ายนิดเดียว",
  "U.S.",
  "Dr.",
  "z. B.",
  "3.5",
  "1,5-Grad-Pfad",
  "\n",
  "\n\n",
  " ",
  ".",
  "a",
  "supercalifragilisticexpialidocious",
  "https://example.org/a/very/long/path",
  "!",
  "?",
  "…",
  "BERLIN (Reuters) -",
  "Read more",
  "The post X appeared first on Y.",
  "Menschenrechtsverletzungen",
);
const text = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fragment },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: "grapheme" }) },
      { weight: 1, arbitrary: fc.string({ maxLength: 10, unit: "binary" }) },
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(" "));
const terms = fc.array(
  fc.constantFrom("talks", "minister", "中国", "menschenrecht*", "un", "*grad*", "xinjiang"),
  { maxLength: 3 },
);

describe("the budget", () => {
  it("is never exceeded, never breaks a grapheme or a word, never throws, and is deterministic", () => {
    fc.assert(
      fc.property(
        text,
        // Small budgets half of the time, or the cut-at-a-word path would rarely run.
        fc.oneof(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 5000 })),
        terms,
        terms,
        fc.constantFrom(undefined, "en", "de", "fr", "zh", "th"),
        (t, budget, boostTerms, focusTerms, language) => {
          const input = {
            title: "Talks in Doha",
            text: t,
            budget,
            boostTerms,
            focusTerms,
            language,
          };
          const summary = summarize(input);
          expect(summary.length).toBeLessThanOrEqual(budget);
          expect(graphemes(summary).length).toBeLessThanOrEqual(budget);
          expect(summarize({ ...input })).toBe(summary);
          if (summary === "") return;
          const { sentences } = prepareSentences(input.title, t, language);
          expect(isWholeSentences(summary, sentences) || isWordPrefix(summary, sentences)).toBe(
            true,
          );
        },
      ),
      { numRuns: 1500, seed: 20261129 },
    );
  });

  it("also holds with fresh random seeds", () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 1, max: 600 }), (t, budget) => {
        const summary = summarize({ title: "", text: t, budget });
        expect(summary.length).toBeLessThanOrEqual(budget);
        if (summary) {
          const { sentences } = prepareSentences("", t, undefined);
          expect(isWholeSentences(summary, sentences) || isWordPrefix(summary, sentences)).toBe(
            true,
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("truncation", () => {
  it("cuts a single over-long sentence between words and ends with an ellipsis", () => {
    const text =
      "Negotiators in Geneva worked through the night on a draft text covering humanitarian corridors, prisoner exchanges and the monitoring of a ceasefire line";
    const summary = summarize({ title: "Talks", text, budget: 60 });
    expect(summary).toBe("Negotiators in Geneva worked through the night on a draft…");
    expect(summary.length).toBeLessThanOrEqual(60);
  });

  it("never leaves a dangling comma, dash or half a hyphenated word", () => {
    expect(truncateAtWord("Ministers met, talked and left the building quietly.", 16)).toBe(
      "Ministers met…",
    );
    expect(truncateAtWord("The 1.5-degree path is at risk, experts say.", 12)).toBe("The…");
    expect(truncateAtWord("Talks on the 1.5-degree path went on.", 24)).toBe(
      "Talks on the 1.5-degree…",
    );
    expect(truncateAtWord("Visit https://example.org/a/very/long/path today", 30)).toBe("Visit…");
  });

  it("gives nothing rather than half of a first word that does not fit", () => {
    expect(truncateAtWord("supercalifragilisticexpialidocious is long", 10)).toBe("");
    expect(
      summarize({ title: "t", text: "supercalifragilisticexpialidocious is long.", budget: 10 }),
    ).toBe("");
    expect(truncateAtWord("Talks resumed.", 1)).toBe("");
  });

  it("keeps emoji, flags and combining characters whole", () => {
    expect(truncateAtWord("👨‍👩‍👧‍👦 👨‍👩‍👧‍👦 👨‍👩‍👧‍👦", 14)).toBe("👨‍👩‍👧‍👦…");
    expect(truncateAtWord("🇺🇦🇺🇦🇺🇦 Kyiv", 9)).toBe("🇺🇦🇺🇦…");
    expect(truncateAtWord("🇺🇦🇺🇦🇺🇦 Kyiv", 8)).toBe("🇺🇦…");
    const combining = "Cafe\u0301 au lait and cre\u0300me bru\u0302le\u0301e were served.";
    const cut = truncateAtWord(combining, 12);
    expect(cut).toBe("Cafe\u0301 au…");
  });

  it("cuts CJK and Thai text between words", () => {
    const zh = "中国外交部周二表示美国国务卿将抵达北京进行会谈";
    const cut = truncateAtWord(zh, 8);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(8);
    expect(zh.startsWith(cut.slice(0, -1))).toBe(true);
    expect(cut).toBe("中国外交部周二…");
    expect(truncateAtWord("ภาษาไทยง่ายนิดเดียว", 10)).toBe("ภาษาไทย…");
  });
});
