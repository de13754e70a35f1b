/** Where a feed came from decides what it may do: only the operator's file may name `file:` URLs. */
export type FeedOrigin = "operator" | "guild";

export interface FeedSource {
  /** Stable key for storage: derived from the URL unless the operator names one. */
  id: string;
  name: string;
  url: string;
  /** ISO 639-1 code the operator states for the feed, used when items do not say. */
  language?: string;
  category?: string;
  origin: FeedOrigin;
}

/** A picture or other media an item refers to, as the feed states it. All fields untrusted. */
export interface RawMedia {
  kind: "content" | "thumbnail" | "enclosure";
  url: string;
  type?: string;
  medium?: string;
  width?: number;
  height?: number;
}

/** One item as the parser hands it over, before any cleaning. All fields untrusted. */
export interface RawItem {
  guid?: string;
  title?: string;
  link?: string;
  /** HTML or text body, the richest the feed offers (content:encoded > content > summary). */
  body?: string;
  date?: string;
  author?: string;
  language?: string;
  categories: string[];
  /** Media RSS elements and enclosures, in document order; absent when the item has none. */
  media?: RawMedia[];
}

export interface ParsedFeed {
  title?: string;
  link?: string;
  language?: string;
  /** Minutes the publisher asks readers to wait between polls (RSS ttl or sy:updatePeriod). */
  ttlMinutes?: number;
  items: RawItem[];
}

/** A normalised story: plain text, canonical URL, stable id. */
export interface Story {
  id: string;
  feedId: string;
  feedName: string;
  guid?: string;
  title: string;
  /** Plain-text body from the feed (entities decoded, tags stripped, whitespace folded). */
  text: string;
  url?: string;
  /** ISO time; the first-seen time when the feed gave none or an impossible one. */
  publishedAt: string;
  publishedEstimated: boolean;
  firstSeenAt: string;
  author?: string;
  language?: string;
  categories: string[];
  /**
   * The story's picture (absolute http(s), ≤ 2,048 characters), shown as the embed thumbnail.
   * Absent when the feed has none, and in stories stored before pictures were read.
   */
  imageUrl?: string;
}
