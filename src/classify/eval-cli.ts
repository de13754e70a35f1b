import { existsSync } from "node:fs";
import { DEV_SET_PATH, evaluate, formatEval, loadDevSet } from "./eval.js";
import { createClassifier, loadTaxonomy } from "./index.js";

/**
 * `npm run eval [path] [--errors]`: per-topic and micro/macro P/R/F1 on the tune split, the
 * holdout split and everything. Always exits 0; it reports, it does not gate (the test does).
 */
const args = process.argv.slice(2);
const showErrors = args.includes("--errors");
const path = args.find((a) => !a.startsWith("--")) ?? DEV_SET_PATH;

if (!existsSync(path)) {
  console.warn(`No dev set at ${path}; nothing to evaluate.`);
} else {
  const rows = loadDevSet(path);
  const classifier = createClassifier(loadTaxonomy());
  const groups: Array<[string, typeof rows]> = [
    ["split=tune", rows.filter((r) => r.split === "tune")],
    ["split=holdout", rows.filter((r) => r.split === "holdout")],
    ["all", rows],
  ];
  for (const [name, subset] of groups) {
    if (subset.length === 0) {
      console.log(`== ${name}: no stories\n`);
      continue;
    }
    const result = evaluate(classifier, subset);
    console.log(formatEval(name, result).join("\n"));
    if (showErrors && name === "split=tune") {
      for (const e of result.errors) {
        console.log(
          `  ${e.id}: ${e.fp.length ? `+${e.fp.join(",")}` : ""} ${e.fn.length ? `-${e.fn.join(",")}` : ""}`,
        );
      }
    }
    console.log("");
  }
}
