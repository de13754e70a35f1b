/**
 * Text from feeds made safe and sized for Discord: one implementation for alerts and replies.
 * Lengths are UTF-16 code units, never fewer than Discord counts; cuts fall between words; mention syntax, masked links and controls are made inert.
 */
import type { APIEmbed } from "discord.js";
import type { Taxonomy, TopicDef } from "../classify/taxonomy.js";
import { truncateText } from "../text/truncate.js";

export { ELLIPSIS } from "../text/truncate.js";

/** Breaks mention and link syntax without changing what a reader sees. */
const ZWSP = "\u200B";
const MAX_URL_LENGTH = 2048;

/**
 * Characters as Discord counts them for limits. UTF-16 code units are never fewer than code
 * points or graphemes, so measuring this way is safe whichever of those Discord counts.
 */
export function textLength(text: string | undefined): number {
  return text ? text.length : 0;
}

/**
 * Cuts `text` to at most `max` code units between words, ending in "…" when it cut: never half
 * a word, never half a grapheme, never a backslash escape without its character (see
 * truncateText for the one exception, a first word longer than `max`).
 */
export function truncate(text: string, max: number): string {
  return truncateText(text, max);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** C0/C1 controls except tab and newline, plus bidi embeddings/overrides/isolates. */
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Removes what can corrupt the JSON or the display: lone surrogates, controls, bidi overrides. */
export function stripControls(text: string, singleLine: boolean): string {
  let out = text.replace(LONE_SURROGATE, "\uFFFD").replace(CONTROLS, "");
  out = out.replace(/\r\n?/g, "\n").replace(/\t/g, " ");
  if (singleLine) out = out.replace(/\s*\n\s*/g, " ");
  else out = out.replace(/\n{3,}/g, "\n\n");
  return out.trim();
}

/**
 * Makes mention syntax inert: `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>`,
 * `</cmd:id>`. Embeds never ping and we send `allowed_mentions: { parse: [] }`, but a mention
 * that renders as one still misleads readers, and text may later be reused in content.
 */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZWSP}$1`).replace(/<(@[!&]?|#|\/)/g, `<${ZWSP}$1`);
}

/** Masked links `[text](url)` in feed text could disguise where a link goes: break the syntax. */
export function neutraliseMaskedLinks(text: string): string {
  return text.replace(/\]\s*\(/g, `]${ZWSP}(`);
}

const URLS = /https?:\/\/\S+/g;
const INLINE_MARKDOWN = /[\\*_~`|]/g;
/** Headings, quotes, bullets and numbered items: block syntax that only counts at a line start. */
const LINE_MARKDOWN = /^([ \t]*)(#{1,3}[ \t]|>|[-+*][ \t])/gm;
const NUMBERED_ITEM = /^([ \t]*\d+)(\.[ \t])/gm;

/**
 * Backslash-escapes Discord markdown so feed text shows as written (brackets stay: a masked link
 * needs `](`, which neutraliseMaskedLinks breaks). URLs are left alone: a
 * backslash inside one would change where it goes. One linear pass each, because discord.js's
 * escapeMarkdown uses look-behinds whose cost grows with the square of a line's length.
 */
export function escapeMarkdownText(text: string): string {
  let out = "";
  let from = 0;
  for (const match of text.matchAll(URLS)) {
    out += escapeInline(text.slice(from, match.index)) + match[0];
    from = match.index + match[0].length;
  }
  out += escapeInline(text.slice(from));
  return out.replace(LINE_MARKDOWN, "$1\\$2").replace(NUMBERED_ITEM, "$1\\$2");
}

function escapeInline(text: string): string {
  return text.replace(INLINE_MARKDOWN, "\\$&");
}

/** Feed text → safe Discord text: controls stripped, markdown escaped, links and mentions inert. */
export function sanitize(text: string, opts: { singleLine?: boolean } = {}): string {
  const clean = stripControls(text, opts.singleLine ?? false);
  return neutraliseMentions(neutraliseMaskedLinks(escapeMarkdownText(clean)));
}

/** Sanitised and cut to `max`; a fallback when nothing readable is left (Discord rejects empty). */
export function safeText(
  text: string | undefined,
  max: number,
  opts: { singleLine?: boolean; fallback?: string } = {},
): string {
  const raw = text ?? "";
  // Sanitising a megabyte only to keep 256 characters is waste; 8× leaves room for whatever
  // stripping removes. A pre-cut text always shows "…", even if stripping made it short.
  const limit = max * 8 + 64;
  const clean = sanitize(raw.length > limit ? raw.slice(0, limit) : raw, opts);
  const out =
    raw.length > limit ? truncate(clean, Math.min(max, clean.length - 1)) : truncate(clean, max);
  return out.trim().length > 0 ? out : (opts.fallback ?? "");
}

/** Only absolute http(s) URLs; anything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (!parsed.hostname) return undefined;
  const href = parsed.href;
  return href.length <= MAX_URL_LENGTH ? href : undefined;
}

/** Characters an embed contributes to the 6,000 per-message total. */
export function embedLength(embed: APIEmbed): number {
  let n = textLength(embed.title) + textLength(embed.description);
  n += textLength(embed.footer?.text) + textLength(embed.author?.name);
  for (const f of embed.fields ?? []) n += textLength(f.name) + textLength(f.value);
  return n;
}

export function topicById(taxonomy: Taxonomy, id: string): TopicDef | undefined {
  return taxonomy.topics.find((t) => t.id === id);
}
