/**
 * The README's chart (`docs/trends.png`) is the one the code draws: the sample is rendered here
 * and must equal the committed file byte for byte (fonts are bundled, the data and the clock are
 * fixed). After a deliberate change to the chart, `npm run chart:sample` writes the new file.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sampleChart } from "../../src/trends/sample.js";
import { MAX_UPLOAD_BYTES, pngSize } from "../discord-emulator/uploads.js";

const COMMITTED = new URL("../../docs/trends.png", import.meta.url);

describe("docs/trends.png", () => {
  it("is the sample chart as the renderer draws it today", async () => {
    const { png, alt, summary } = await sampleChart();
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
    expect(pngSize(png)).toEqual({ width: 1000, height: 500 });
    expect(png.length).toBeLessThan(MAX_UPLOAD_BYTES);
    expect(alt).toMatch(/^Line chart\. Stories per day, top topics/);
    expect(summary).toMatch(/Biggest rise: \*\*Middle East\*\*/);
    const committed = readFileSync(COMMITTED);
    expect(
      png.equals(committed),
      "docs/trends.png differs from the chart the code draws: run `npm run chart:sample`",
    ).toBe(true);
  });
});
