import { describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/store/group-commit.js";

describe("GroupCommit", () => {
  it("merges the callers that arrive during a commit into the next one, answering each", async () => {
    const commits: number[][] = [];
    let release: () => void = () => {};
    const batcher = new GroupCommit<number, string>(async (items) => {
      commits.push(items);
      if (commits.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((n) => `done ${n}`);
    });
    const first = batcher.submit(1);
    const later = [batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    release();
    expect(await first).toBe("done 1");
    expect(await Promise.all(later)).toEqual(["done 2", "done 3", "done 4"]);
    expect(commits).toEqual([[1], [2, 3, 4]]);
  });

  it("fails every caller of a failed commit, and the next commit runs", async () => {
    let fail = true;
    const batcher = new GroupCommit<number, number>(async (items) => {
      if (fail) throw new Error("storage unavailable");
      return items;
    });
    const failed = [batcher.submit(1), batcher.submit(2)];
    for (const p of failed) await expect(p).rejects.toThrow("storage unavailable");
    fail = false;
    expect(await batcher.submit(3)).toBe(3);
  });
});
