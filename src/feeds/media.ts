/**
 * A story's picture, from the feed's Media RSS (`media:content`, `media:thumbnail`, also inside
 * `media:group`), its RSS enclosures or its Atom `link rel="enclosure"`. Discord fetches the
 * image itself when it shows the embed, so the bot only has to hand over a URL that is safe to
 * show: absolute http(s), no credentials, within Discord's URL length.
 */
import type { RawMedia } from "./types.js";

type Loose = Record<string, unknown>;

/** Discord refuses embed URLs longer than this. */
export const MAX_IMAGE_URL = 2048;
// Far more than a real item carries; bounds the work a hostile item can cause.
const MAX_CANDIDATES = 32;
const IMAGE_PATH = /\.(?:jpe?g|png|gif|webp|avif|bmp)$/i;

function attrsOf(node: unknown): Loose | undefined {
  if (!node || typeof node !== "object") return undefined;
  const attrs = (node as Loose).$;
  return attrs && typeof attrs === "object" ? (attrs as Loose) : (node as Loose);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

function dimension(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}

function mediaNode(node: unknown, kind: RawMedia["kind"], out: RawMedia[]): void {
  const attrs = attrsOf(node);
  const url = text(attrs?.url);
  if (!attrs || !url) return;
  out.push({
    kind,
    url,
    type: text(attrs.type),
    medium: text(attrs.medium),
    width: dimension(attrs.width),
    height: dimension(attrs.height),
  });
}

/** Media RSS elements of an item or a `media:group`; a `media:content` may hold thumbnails. */
function mediaRss(holder: Loose, out: RawMedia[]): void {
  for (const node of listOf(holder["media:content"])) {
    mediaNode(node, "content", out);
    if (node && typeof node === "object") {
      for (const thumb of listOf((node as Loose)["media:thumbnail"]))
        mediaNode(thumb, "thumbnail", out);
    }
  }
  for (const node of listOf(holder["media:thumbnail"])) mediaNode(node, "thumbnail", out);
}

/**
 * The media an item (as rss-parser hands it over) refers to, in document order; [] when none.
 * Reads `media:content`, `media:thumbnail`, `media:group`, `enclosures` (every RSS enclosure)
 * and `links` (Atom links; only rel="enclosure" ones count).
 */
export function mediaOf(item: Loose): RawMedia[] {
  const out: RawMedia[] = [];
  mediaRss(item, out);
  for (const group of listOf(item["media:group"])) {
    if (group && typeof group === "object") mediaRss(group as Loose, out);
  }
  for (const node of listOf(item.enclosures)) mediaNode(node, "enclosure", out);
  for (const link of listOf(item.links)) {
    const attrs = attrsOf(link);
    if (text(attrs?.rel) !== "enclosure") continue;
    mediaNode({ ...attrs, url: attrs?.href }, "enclosure", out);
  }
  return out.slice(0, MAX_CANDIDATES);
}

function looksLikeImage(url: string): boolean {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  return IMAGE_PATH.test(path);
}

/** A thumbnail is an image by definition; others by medium, else MIME type, else file name. */
function isImage(media: RawMedia): boolean {
  if (media.kind === "thumbnail") return true;
  const medium = media.medium?.toLowerCase();
  if (medium) return medium === "image";
  const type = media.type?.toLowerCase();
  if (type) return type.startsWith("image/");
  return looksLikeImage(media.url);
}

/** Pixel area when the feed states it (one side squared when it states one); 0 when unknown. */
function area(media: RawMedia): number {
  const w = media.width ?? media.height ?? 0;
  const h = media.height ?? media.width ?? 0;
  return w * h;
}

/**
 * An absolute http(s) URL for `raw`, resolved against `base`; undefined for anything else
 * (javascript:, data:, a relative URL with no base, credentials, over Discord's length).
 */
export function imageUrlFrom(raw: string, base: string | undefined): string | undefined {
  if (raw.length > MAX_IMAGE_URL) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw.trim(), base);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (!parsed.hostname || parsed.username || parsed.password) return undefined;
  return parsed.href.length <= MAX_IMAGE_URL ? parsed.href : undefined;
}

/**
 * The story's picture: the largest `media:content` image or `media:thumbnail` (content first
 * when sizes tie or are unknown), else the first image enclosure; the first of those whose URL
 * is usable. `base` (the item's link, else the feed's) resolves relative URLs.
 */
export function pickImage(
  media: readonly RawMedia[],
  base: string | undefined,
): string | undefined {
  const images = media.filter(isImage);
  const rss = images
    .filter((m) => m.kind !== "enclosure")
    .map((m, order) => ({ m, order, size: area(m), rank: m.kind === "content" ? 0 : 1 }))
    .sort((a, b) => b.size - a.size || a.rank - b.rank || a.order - b.order)
    .map(({ m }) => m);
  for (const m of [...rss, ...images.filter((m) => m.kind === "enclosure")]) {
    const url = imageUrlFrom(m.url, base);
    if (url) return url;
  }
  return undefined;
}
