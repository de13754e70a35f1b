/**
 * `npm run chart:sample [-- --days 30 --locale en --topic climate --country DE --out file.png]`:
 * writes the sample /trends chart (see sample.ts; default `docs/trends.png`, the README's picture).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sampleChart } from "./sample.js";

const { values } = parseArgs({
  options: {
    days: { type: "string", default: "30" },
    locale: { type: "string", default: "en" },
    topic: { type: "string" },
    country: { type: "string" },
    out: { type: "string", default: "docs/trends.png" },
  },
});
const { png, summary, alt } = await sampleChart({
  days: Number(values.days) || 30,
  locale: values.locale,
  ...(values.topic ? { topic: values.topic } : {}),
  ...(values.country ? { country: values.country } : {}),
});
writeFileSync(values.out, png);
console.log(`${values.out}: ${png.length} bytes\n\n${summary}\n\nalt: ${alt}`);
