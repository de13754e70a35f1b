import { describe, expect, it } from "vitest";
import { codeUrl } from "../../commands/feeds.js";

describe("codeUrl (feed addresses in /feeds replies)", () => {
  it("shows a long address cut with an ellipsis, never as if it were whole", () => {
    const url = `https://example.org/${"a".repeat(400)}`;
    const shown = codeUrl(url);
    expect(shown.startsWith("`https://example.org/aaa")).toBe(true);
    expect(shown.endsWith("…`")).toBe(true);
    expect(shown.length).toBe(302);
  });

  it("keeps a short address whole and cannot be broken out of by a backtick", () => {
    expect(codeUrl("https://example.org/feed.xml")).toBe("`https://example.org/feed.xml`");
    expect(codeUrl("https://example.org/a`b")).toBe("`https://example.org/a%60b`");
  });
});
