import { gunzipSync } from "node:zlib";
import iconv from "iconv-lite";

const BOMS: Array<[number[], string]> = [
  [[0x00, 0x00, 0xfe, 0xff], "utf-32be"],
  [[0xff, 0xfe, 0x00, 0x00], "utf-32le"],
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
];

function bomCharset(bytes: Uint8Array): string | undefined {
  for (const [bom, name] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) return name;
  }
  return undefined;
}

/** UTF-16/32 without a BOM still starts with "<?xml" in wide characters. */
function wideCharset(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0 && b === 0 && c === 0 && d === 0x3c) return "utf-32be";
  if (a === 0x3c && b === 0 && c === 0 && d === 0) return "utf-32le";
  if (a === 0 && b === 0x3c) return "utf-16be";
  if (a === 0x3c && b === 0) return "utf-16le";
  return undefined;
}

function prologCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 512)).toString("latin1");
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return match?.[1];
}

export function headerCharset(contentType: string | undefined): string | undefined {
  const match = contentType && /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType);
  return match ? match[1] : undefined;
}

function usable(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const lower = name.toLowerCase();
  // Feeds that say ISO-8859-1 almost always mean Windows-1252 (curly quotes in 0x80–0x9F);
  // browsers and the WHATWG encoding standard make the same substitution.
  const mapped =
    lower === "iso-8859-1" || lower === "latin1" || lower === "us-ascii" ? "windows-1252" : lower;
  return iconv.encodingExists(mapped) ? mapped : undefined;
}

/**
 * Bytes to text. A byte-order mark wins (it cannot be wrong about itself), then the HTTP header,
 * then the XML prolog, then UTF-8. An unknown charset name falls back to UTF-8 rather than failing.
 */
export function decodeFeedBytes(
  bytes: Uint8Array,
  contentType?: string,
): { text: string; charset: string } {
  const wide = bomCharset(bytes) ?? wideCharset(bytes);
  const declared = usable(headerCharset(contentType)) ?? usable(prologCharset(bytes));
  // A header saying UTF-8 on a UTF-16 body is a server misconfiguration; trust the bytes.
  const charset = wide ?? declared ?? "utf-8";
  let text = iconv.decode(Buffer.from(bytes), charset, { stripBOM: true });
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, charset };
}

/**
 * A body to text. Some servers (and saved files) deliver gzip without saying so in a
 * Content-Encoding header; the magic bytes tell, and the output is capped like any other body.
 */
export function decodeBody(
  bytes: Uint8Array,
  contentType: string | undefined,
  maxBytes: number,
): { text: string; charset: string } {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return decodeFeedBytes(gunzipSync(bytes, { maxOutputLength: maxBytes }), contentType);
    } catch {
      // Not gzip after all, or too large once inflated: decode as is and let the parser refuse it.
    }
  }
  return decodeFeedBytes(bytes, contentType);
}
