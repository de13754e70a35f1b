import { defaultDeserialize, defaultSerialize } from "@keyv/serialize";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deserialize, serialize } from "../../src/store/codec.js";

// Strings that start with ':' (the default codec's escape), that contain the characters the
// fast path looks for, or are plain.
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom(":", "::", ":base64:AAAA", ':",":', '{":', '[":x', ',":', '\\":', "a:b", ""),
  fc.string().map((s) => `:${s}`),
);
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: "small" },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("any"), { maxLength: 4 }),
    fc.dictionary(tricky, tie("any"), { maxKeys: 4 }),
  ),
})).any;

describe("Keyv value codec", () => {
  it("writes exactly what Keyv's default codec writes, and reads it back the same", () => {
    fc.assert(
      fc.property(value, fc.option(fc.integer({ min: 0 })), (v, expires) => {
        const data = { value: v, expires: expires ?? undefined };
        const text = serialize(data);
        expect(text).toBe(defaultSerialize(data));
        expect(deserialize(text)).toEqual(defaultDeserialize(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it("keeps a leading ':' through a round trip, and reads values written by the default codec", () => {
    const data = {
      value: { title: ":-) good news", tags: [":x", "y:"], ":key": "::" },
      expires: 5,
    };
    expect(deserialize(serialize(data))).toEqual(data);
    expect(deserialize(defaultSerialize(data))).toEqual(data);
    expect(serialize({ value: "plain", expires: undefined })).toBe('{"value":"plain"}');
  });
});
