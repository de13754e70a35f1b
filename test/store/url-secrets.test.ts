import { describe, expect, it } from "vitest";
import {
  maskStorageUrl,
  scrubStorageSecrets,
  storageUrlSecrets,
} from "../../src/store/url-secrets.js";

describe("maskStorageUrl", () => {
  const cases: Array<[string, string]> = [
    ["redis://:s3cret@127.0.0.1:6390", "redis://:***@127.0.0.1:6390"],
    ["rediss://:s3cret@cache.example:6380/2", "rediss://:***@cache.example:6380/2"],
    ["redis://default:s3cret@127.0.0.1:6379", "redis://default:***@127.0.0.1:6379"],
    ["postgres://:s3cret@db.example/fd", "postgres://:***@db.example/fd"],
    ["postgresql://bot:s3cret@db.example:5432/fd", "postgresql://bot:***@db.example:5432/fd"],
    // An unescaped '@' or '/' in the password: the userinfo ends at the last '@'.
    ["redis://:s3@cret@127.0.0.1:6390", "redis://:***@127.0.0.1:6390"],
    ["postgres://u:s3/cret@127.0.0.1/db", "postgres://u:***@127.0.0.1/db"],
    ["redis://:s3%40cret@127.0.0.1", "redis://:***@127.0.0.1"],
    // pg reads connection settings from the query too.
    [
      "postgres://db.example/fd?sslmode=require&password=s3cret",
      "postgres://db.example/fd?sslmode=require&password=***",
    ],
    ["postgres://db.example/fd?sslpassword=s3cret#x", "postgres://db.example/fd?sslpassword=***#x"],
    // Nothing secret: unchanged.
    ["postgres://postgres@127.0.0.1:5432/test", "postgres://postgres@127.0.0.1:5432/test"],
    ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379"],
    ["sqlite://data/foreign-desk.sqlite", "sqlite://data/foreign-desk.sqlite"],
    ["sqlite://data/me:x@y.sqlite", "sqlite://data/me:x@y.sqlite"],
  ];
  for (const [url, masked] of cases) {
    it(`${url} → ${masked}`, () => {
      expect(maskStorageUrl(url)).toBe(masked);
    });
  }
});

describe("scrubStorageSecrets", () => {
  it("removes the URL and the password in any form from a driver's message", () => {
    const url = "redis://:s3%40cret@127.0.0.1:6390";
    expect(storageUrlSecrets(url)).toEqual(["s3%40cret", "s3@cret"]);
    const message = `Invalid URL ${url}; AUTH s3@cret failed (s3%40cret)`;
    const scrubbed = scrubStorageSecrets(message, url);
    expect(scrubbed).not.toMatch(/s3.*cret/);
    expect(scrubbed).toBe("Invalid URL redis://:***@127.0.0.1:6390; AUTH *** failed (***)");
  });

  it("leaves a message without secrets alone", () => {
    expect(scrubStorageSecrets("connect ECONNREFUSED 127.0.0.1:1", "redis://127.0.0.1:1")).toBe(
      "connect ECONNREFUSED 127.0.0.1:1",
    );
  });
});
