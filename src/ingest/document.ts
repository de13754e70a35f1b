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
      /** The body; a worker pool takes ownership of its memory (read nothing from it after). */
      body: Uint8Array;
      /** The Content-Type header, for its charset. */
      contentType?: string;
      /** The size cap, applied again if the body turns out to be gzip nobody declared. */
      maxBytes: number;
    };

/** The document's text: decoded here (BOM, header charset, XML prolog, UTF-8) when given as bytes. */
export function documentText(doc: FeedDocument): string {
  if ("text" in doc) return doc.text;
  return decodeBody(doc.body, doc.contentType, doc.maxBytes).text;
}
