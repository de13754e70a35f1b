import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Diagnostics a test prints (timings, dumps, library warnings) are shown when it fails, where
    // they help, and not otherwise: a passing run is a summary, not ~170 lines of noise.
    silent: "passed-only",
  },
});
