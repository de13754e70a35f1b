/**
 * Feed autodiscovery: the feeds a web page names in its head with
 * `<link rel="alternate" type="application/rss+xml" href="…">` (or `application/atom+xml`),
 * as browsers and feed readers find them. The page is hostile input like any feed: the fetcher
 * has capped its size, and this is one forward scan (no backtracking regex over the page), which
 * stops at the end of the head and after a bounded number of characters.
 */
import { decodeHTMLAttribute } from "entities";

export interface FeedLink {
  /** Absolute http(s) URL, resolved against the page (and its `<base href>`). */
  url: string;
  title?: string;
}

/** The head of a page is small; a page that has not closed it by here names no feed we want. */
const SCAN_CHARS = 512 * 1024;
/** More alternates than this is not a real page's head. */
const MAX_LINKS = 20;
const FEED_TYPES = new Set(["application/rss+xml", "application/atom+xml"]);
/** Elements whose content is text, not markup: a `<link` inside a script is not a link. */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "template", "noscript"]);

interface Tag {
  name: string;
  attrs: Map<string, string>;
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f";
}

function isNameStart(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z]/.test(ch);
}

/** Reads a start tag's attributes from `i` (just after the name); returns them and where the tag ends. */
function readAttributes(
  html: string,
  start: number,
  end: number,
): { attrs: Map<string, string>; next: number } {
  const attrs = new Map<string, string>();
  let i = start;
  while (i < end) {
    while (i < end && (isSpace(html[i]) || html[i] === "/")) i++;
    if (i >= end) break;
    if (html[i] === ">") return { attrs, next: i + 1 };
    const nameStart = i;
    i++; // the first character is part of the name whatever it is (even "=")
    while (i < end && !isSpace(html[i]) && html[i] !== "/" && html[i] !== ">" && html[i] !== "=")
      i++;
    const name = html.slice(nameStart, i).toLowerCase();
    while (i < end && isSpace(html[i])) i++;
    let value = "";
    if (html[i] === "=") {
      i++;
      while (i < end && isSpace(html[i])) i++;
      const quote = html[i];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, i + 1);
        const stop = close < 0 || close >= end ? end : close;
        value = html.slice(i + 1, stop);
        i = stop + 1;
      } else {
        const valueStart = i;
        while (i < end && !isSpace(html[i]) && html[i] !== ">") i++;
        value = html.slice(valueStart, i);
      }
    }
    // The first of a repeated attribute wins, as in a browser.
    if (!attrs.has(name)) attrs.set(name, decodeHTMLAttribute(value));
  }
  return { attrs, next: end };
}

/** The start tags of a page's head, in order; comments and raw-text elements are skipped whole. */
function* headTags(html: string): Generator<Tag> {
  const end = Math.min(html.length, SCAN_CHARS);
  let i = 0;
  while (i < end) {
    const lt = html.indexOf("<", i);
    if (lt < 0 || lt >= end) return;
    if (html.startsWith("<!--", lt)) {
      const close = html.indexOf("-->", lt + 4);
      if (close < 0) return;
      i = close + 3;
      continue;
    }
    const closing = html[lt + 1] === "/";
    let j = closing ? lt + 2 : lt + 1;
    if (!isNameStart(html[j])) {
      i = lt + 1; // "<" as text, "<!DOCTYPE", "<?xml"
      continue;
    }
    const nameStart = j;
    while (j < end && /[A-Za-z0-9-]/.test(html[j] ?? "")) j++;
    const name = html.slice(nameStart, j).toLowerCase();
    if (closing) {
      if (name === "head") return;
      const gt = html.indexOf(">", j);
      i = gt < 0 ? end : gt + 1;
      continue;
    }
    if (name === "body") return;
    const { attrs, next } = readAttributes(html, j, end);
    yield { name, attrs };
    i = next;
    if (RAW_TEXT.has(name)) {
      const closer = new RegExp(`</${name}`, "gi");
      closer.lastIndex = i;
      const found = closer.exec(html);
      if (!found) return;
      i = found.index;
    }
  }
}

function resolve(href: string | undefined, base: string): URL | undefined {
  if (!href?.trim()) return undefined;
  try {
    return new URL(href.trim(), base);
  } catch {
    return undefined;
  }
}

function isFeedLink(attrs: Map<string, string>): boolean {
  const rel = (attrs.get("rel") ?? "").toLowerCase().split(/[ \t\n\r\f]+/);
  const type = (attrs.get("type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return rel.includes("alternate") && FEED_TYPES.has(type);
}

/**
 * The feeds a page names, in page order, each once: only http(s) URLs, resolved against the
 * page's first `<base href>` (itself resolved against the page URL). The caller fetches them
 * through the guarded fetcher like any address a user typed.
 */
export function findFeedLinks(html: string, pageUrl: string): FeedLink[] {
  let base = pageUrl;
  let sawBase = false;
  const links: FeedLink[] = [];
  const seen = new Set<string>();
  const hrefs: Array<{ href: string; title?: string }> = [];
  for (const tag of headTags(html)) {
    if (tag.name === "base" && !sawBase && tag.attrs.has("href")) {
      sawBase = true;
      base = resolve(tag.attrs.get("href"), pageUrl)?.href ?? pageUrl;
    } else if (tag.name === "link" && isFeedLink(tag.attrs)) {
      const href = tag.attrs.get("href");
      if (href) hrefs.push({ href, title: tag.attrs.get("title")?.trim() || undefined });
      if (hrefs.length >= MAX_LINKS) break;
    }
  }
  // A <base> applies to every link of the document, also those before it.
  for (const { href, title } of hrefs) {
    const url = resolve(href, base);
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) continue;
    url.hash = "";
    if (url.href === pageUrl || seen.has(url.href)) continue;
    seen.add(url.href);
    links.push(title ? { url: url.href, title } : { url: url.href });
  }
  return links;
}
