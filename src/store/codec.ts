import { defaultDeserialize, defaultSerialize } from "@keyv/serialize";
import type { DeserializedData } from "keyv";

/**
 * Keyv's value codec, byte for byte the format of its default (@keyv/serialize) on the plain
 * JSON data this bot stores, at native JSON speed. The default walks every value in JavaScript
 * and parses with a reviver; in the load bench that was a fifth of the bot's CPU.
 *
 * The one thing the default adds to JSON: a string value that starts with ':' gets one more ':'
 * (so that it cannot be taken for its ':base64:' Buffer marker). JSON.stringify writes no
 * whitespace, so such a string shows as a quote right after the start or one of `: , [ {`
 * followed by ':'; no other place in the text can look like that (a quote inside a string is
 * escaped, and a key's closing quote follows a character of the key). Text that has it goes
 * through the default both ways. Buffers are not stored, so their marker never arises here.
 */
const COLON_STRING = /(?:^|[:,[{])":/;

export function serialize<Value>(data: DeserializedData<Value>): string {
  const text = JSON.stringify(data);
  return text !== undefined && !COLON_STRING.test(text) ? text : defaultSerialize(data);
}

export function deserialize<Value>(text: string): DeserializedData<Value> | undefined {
  if (typeof text !== "string") return text;
  return COLON_STRING.test(text) ? defaultDeserialize(text) : JSON.parse(text);
}
