import { describe, expect, it } from "vitest";
import {
  embedLength,
  fitEmbeds,
  joinLines,
  linesToDescriptions,
  safeUrl,
  sanitize,
  truncate,
} from "../../src/discord/format.js";
import { escapeMarkdownText } from "../../src/discord/safe-text.js";

describe("truncate", () => {
  it("cuts at grapheme boundaries and ends in …", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("abcdefghij", 5)).toBe("abcd…");
    // 🇺🇦 is two code points (four code units); it is kept whole or dropped whole.
    const cut = truncate("ab🇺🇦cd", 5);
    expect(cut).toBe("ab…");
    expect(truncate("e\u0301e\u0301e\u0301", 4)).toBe("e\u0301…");
    expect(truncate("anything", 0)).toBe("");
  });
});

describe("sanitize (command replies use the alerts' rules)", () => {
  it("makes Markdown, masked links and mentions inert", () => {
    const out = sanitize("**bold** [click](https://evil.example) @everyone <@123> # Heading");
    expect(out).toContain("\\*\\*bold\\*\\*");
    expect(out).toContain("[click]");
    expect(out).not.toMatch(/\]\s*\(/);
    expect(out).not.toMatch(/@everyone/);
    expect(out).not.toContain("<@123>");
  });

  it("drops control characters and bidi overrides as alerts do, and folds newlines for single lines", () => {
    expect(sanitize("a\u0000b\u202Ec\nd", { singleLine: true })).toBe("abc d");
    expect(sanitize("a\u0000b\u202Ec\r\n\r\n\r\n\r\nd")).toBe("abc\n\nd");
  });
});

describe("embed fitting", () => {
  it("keeps ≤ 10 embeds and ≤ 6,000 characters, shortening descriptions first", () => {
    const embeds = Array.from({ length: 12 }, (_, i) => ({
      title: `Title ${i}`,
      description: "x".repeat(1500),
    }));
    const { embeds: fitted, dropped } = fitEmbeds(embeds);
    expect(fitted).toHaveLength(10);
    expect(dropped).toBe(2);
    expect(fitted.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(6000);
    expect(fitted.every((e) => (e.description?.length ?? 0) >= 80)).toBe(true);
  });

  it("splits lines into descriptions and counts what did not fit", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} ${"y".repeat(100)}`);
    const { descriptions, omitted } = linesToDescriptions(lines, { total: 5800 });
    expect(descriptions.join("").length).toBeLessThanOrEqual(5800);
    expect(descriptions.every((d) => d.length <= 4096)).toBe(true);
    expect(omitted).toBeGreaterThan(0);
    expect(descriptions.join("\n").split("\n").length + omitted).toBe(100);
  });

  it("joinLines stops at whole lines with a count", () => {
    const value = joinLines(
      Array.from({ length: 50 }, (_, i) => `entry number ${i}`),
      100,
    );
    expect(value.length).toBeLessThanOrEqual(100);
    expect(value).toMatch(/…and \d+ more$/);
  });

  it("accepts only http(s) URLs as embed links", () => {
    expect(safeUrl("https://a.example/x")).toBe("https://a.example/x");
    expect(safeUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeUrl(`https://a.example/${"x".repeat(3000)}`)).toBeUndefined();
  });
});

describe("escapeMarkdownText", () => {
  it("escapes inline and line-start Markdown but leaves URLs as they are", () => {
    expect(escapeMarkdownText("a *b* _c_ ~~d~~ `e` ||f|| [g](h) back\\slash")).toBe(
      "a \\*b\\* \\_c\\_ \\~\\~d\\~\\~ \\`e\\` \\|\\|f\\|\\| [g](h) back\\\\slash",
    );
    expect(escapeMarkdownText("# Head\n> quote\n- item\n1. one\n  + two")).toBe(
      "\\# Head\n\\> quote\n\\- item\n1\\. one\n  \\+ two",
    );
    expect(escapeMarkdownText("see https://ex.org/a_b?x=*y* and snake_case")).toBe(
      "see https://ex.org/a_b?x=*y* and snake\\_case",
    );
  });

  it("stays linear on long lines full of Markdown and URLs", () => {
    // Long lines are where look-behind based escaping (as in discord.js) turns quadratic.
    const line = "_x_ https://a.example/_b_ <a:c:1> *".repeat(20_000);
    const out = escapeMarkdownText(line);
    expect(out.length).toBeGreaterThan(line.length);
    expect(out).not.toMatch(/(?<!\\)_x/);
  });
});
