/**
 * A feed document as it reaches the parser: either text already decoded, or the body's bytes as
 * the fetcher read them (after Content-Encoding), to be decoded by whoever parses it. Bytes let a
 * worker pool take a large body without the main thread decoding it (charset detection, iconv)
 * or copying it: its memory is transferred to the worker, zero-copy.
 */
import { decodeBody } from "../feeds/charset.js";

export type FeedDocument =
  | { text: string }
  | {
      /**
       * The body, whole or in the parts it was read in; a worker pool takes ownership of their
       * memory (read nothing from them after).
       */
      body: Uint8Array | readonly Uint8Array[];
      /** The Content-Type header, for its charset. */
      contentType?: string;
      /** The size cap, applied again if the body turns out to be gzip nobody declared. */
      maxBytes: number;
    };

/** The document's text: decoded here (BOM, header charset, XML prolog, UTF-8) when given as bytes. */
export function documentText(doc: FeedDocument): string {
  if ("text" in doc) return doc.text;
  return decodeBody(wholeBody(doc.body), doc.contentType, doc.maxBytes).text;
}

/** The body in one piece: joined where it is decoded (in a worker, for a pool). */
export function wholeBody(body: Uint8Array | readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(body)) return body as Uint8Array;
  return body.length === 1 ? (body[0] as Uint8Array) : Buffer.concat(body);
}
