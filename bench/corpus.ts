/**
 * Deterministic synthetic feeds for the ingest benchmarks: RSS 2.0 (most) and Atom (about one in
 * ten) documents that look like what news outlets publish — foreign-policy headlines, escaped or
 * CDATA-wrapped HTML bodies with entities, GUIDs, links carrying utm_ parameters, RFC 822 dates.
 * The same (count, itemsPerFeed, seed) always yields the same documents, byte for byte.
 */

import { seededRandom } from "../src/classify/learned/hash.js";

export interface GeneratedFeed {
  /** Unique per feed; the host is one of a few dozen outlets. */
  url: string;
  xml: string;
  format: "rss" | "atom";
}

export interface CorpusOptions {
  /** Seconds before `epochMs` that item dates spread over (default three days). */
  spreadSec?: number;
  /** The newest possible item date (default 2025-11-28T12:00:00Z). */
  epochMs?: number;
  /** Shifts item identities, so a later "edition" of a feed gets new items (default 0). */
  edition?: number;
}

export const CORPUS_EPOCH_MS = Date.UTC(2025, 10, 28, 12, 0, 0);

/** The seeded PRNG (mulberry32) the trainer uses too. */
export const mulberry32 = seededRandom;

const OUTLETS = [
  "worldbrief",
  "globalaffairs",
  "diplomat-review",
  "eurowire",
  "asiapacific-times",
  "mideast-monitor",
  "africa-report",
  "latam-dispatch",
  "security-watch",
  "policy-journal",
  "capital-ledger",
  "northern-gazette",
  "straits-observer",
  "balkan-insight-news",
  "sahel-daily",
  "caucasus-post",
  "pacific-herald",
  "baltic-courier",
  "gulf-analyst",
  "andes-chronicle",
  "nordic-wire",
  "levant-review",
  "horn-tribune",
  "steppe-news",
  "atlantic-briefing",
  "indus-standard",
  "mekong-post",
  "danube-times",
  "maghreb-journal",
  "arctic-bulletin",
  "continental-record",
  "meridian-news",
] as const;

const SECTIONS = ["world", "europe", "asia", "middle-east", "africa", "americas", "politics"];

const ACTORS = [
  "Ukraine",
  "Russia",
  "China",
  "Taiwan",
  "Israel",
  "Iran",
  "NATO",
  "the EU",
  "the UN Security Council",
  "Germany",
  "France",
  "Turkey",
  "India",
  "Pakistan",
  "Brazil",
  "South Africa",
  "Saudi Arabia",
  "Egypt",
  "Japan",
  "South Korea",
  "North Korea",
  "Venezuela",
  "Sudan",
  "Ethiopia",
  "Poland",
  "the African Union",
  "ASEAN",
  "Côte d'Ivoire",
  "Mexico",
  "Serbia",
];

const VERBS = [
  "warns",
  "rejects",
  "signs deal with",
  "expels diplomats from",
  "imposes sanctions on",
  "opens talks with",
  "accuses",
  "calls for ceasefire talks with",
  "recalls ambassador from",
  "pledges aid to",
  "holds naval drills near",
  "backs resolution on",
];

const CONTEXTS = [
  "as border tensions rise",
  "amid row over grain exports",
  "after summit ends without agreement",
  "ahead of G20 meeting",
  "as refugee numbers climb",
  "over disputed election results",
  "after drone strikes on energy sites",
  "as ceasefire talks stall",
  "amid tariff dispute",
  "over nuclear programme",
  "as humanitarian crisis deepens",
  "in bid to ease energy shortages",
];

const SENTENCES = [
  "Foreign ministers met for a second day of talks on Tuesday, officials said.",
  "The statement called for an immediate ceasefire and the release of all hostages.",
  "Diplomats said the draft resolution was likely to face a veto from at least one permanent member.",
  "The sanctions target banks, shipping companies and more than forty individuals.",
  "Aid agencies warned that convoys had been blocked at the border crossing for a week.",
  "Analysts said the agreement would do little to ease tensions in the region.",
  "The ministry said the ambassador had been summoned to explain the remarks.",
  "Opposition leaders accused the government of rigging the vote and called for protests.",
  "Energy prices rose sharply after the pipeline was shut for repairs.",
  "The defence minister said troops would remain in the area until further notice.",
  "Negotiators in Doha and Cairo said progress had been made but no deal was final.",
  "The UN refugee agency said more than 200,000 people had fled in the past month.",
  "Trade officials warned that new tariffs could hit exports worth billions of dollars.",
  "Satellite images appeared to show new construction at the military base.",
  "The president is expected to travel to the capital next week for further talks.",
];

const QUOTES = [
  "We will not accept any solution imposed from outside",
  "This is a decisive moment for the security of the whole continent",
  "Dialogue remains the only way forward",
  "The door to negotiations is still open",
  "Our patience is not unlimited",
];

const AUTHORS = [
  "Anna Keller",
  "Rahul Mehta",
  "Sofia Almeida",
  "James O'Connor",
  "Leila Haddad",
  "Chen Wei",
  "Marta Nowak",
  "Kwame Mensah",
];

const CATEGORIES = [
  "World",
  "Diplomacy",
  "Conflict",
  "Sanctions",
  "Trade",
  "Energy",
  "Migration",
  "Elections",
  "Security",
  "Human rights",
];

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ZONES: Array<[string, number]> = [
  ["+0000", 0],
  ["GMT", 0],
  ["-0500", -300],
  ["+0100", 60],
  ["+0530", 330],
  ["EST", -300],
];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** RFC 822 date in the given zone: "Tue, 25 Nov 2025 14:03:00 +0000". */
export function rfc822(ms: number, zone: string, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${zone}`;
}

/** Escapes text for XML character data and attributes. */
function xmlEscape(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

interface Item {
  title: string;
  link: string;
  guid: string;
  guidIsPermaLink: boolean;
  date: number;
  zone: [string, number];
  html: string;
  author?: string;
  categories: string[];
  slug: string;
}

function makeItem(rand: () => number, host: string, section: string, serial: number): Item {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const a = pick(ACTORS);
  let b = pick(ACTORS);
  if (b === a) b = pick(ACTORS);
  const lead = a.startsWith("the ") ? `The ${a.slice(4)}` : a;
  const title = `${lead} ${pick(VERBS)} ${b} ${pick(CONTEXTS)}`;
  const slug = `${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60)}-${serial.toString(36)}`;
  const campaign = pick(["world", "rss", "newsfeed", "daily"]);
  const link =
    rand() < 0.8
      ? `https://www.${host}.example/${section}/2025/11/${slug}?utm_source=rss&utm_medium=feed&utm_campaign=${campaign}`
      : `https://www.${host}.example/${section}/2025/11/${slug}`;
  // Body: 400–1,200 characters of HTML with a quote, a link, entities and an occasional figure.
  const target = 400 + Math.floor(rand() * 800);
  const paragraphs: string[] = [];
  let len = 0;
  while (len < target) {
    const parts: string[] = [];
    const sentences = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < sentences; i++) parts.push(pick(SENTENCES));
    if (rand() < 0.4) parts.push(`&#8220;${pick(QUOTES)},&#8221; a spokesperson said.`);
    if (rand() < 0.3) parts.push(`Talks on trade &amp; energy continue&nbsp;&mdash; for now.`);
    if (rand() < 0.3)
      parts.push(`<a href="https://www.${host}.example/tag/${section}">More on ${b}</a>.`);
    if (rand() < 0.2) parts.push(`<em>${a}</em> officials declined to comment.`);
    const p = `<p>${parts.join(" ")}</p>`;
    paragraphs.push(p);
    len += p.length;
  }
  if (rand() < 0.15) {
    paragraphs.unshift(
      `<figure><img src="https://cdn.${host}.example/img/${serial}.jpg" alt="${a} &amp; ${b}" width="640" height="360"/><figcaption>File photo</figcaption></figure>`,
    );
  }
  const guidIsPermaLink = rand() < 0.4;
  const guid = guidIsPermaLink
    ? `https://www.${host}.example/${section}/2025/11/${slug}`
    : `${host}-${section}-${serial.toString(16).padStart(8, "0")}`;
  const categories: string[] = [];
  const nCat = Math.floor(rand() * 3);
  for (let i = 0; i < nCat; i++) categories.push(pick(CATEGORIES));
  return {
    title,
    link,
    guid,
    guidIsPermaLink,
    date: 0,
    zone: pick(ZONES),
    html: paragraphs.join(""),
    author: rand() < 0.6 ? pick(AUTHORS) : undefined,
    categories,
    slug,
  };
}

function rssDocument(
  rand: () => number,
  host: string,
  section: string,
  feedPath: string,
  items: Item[],
): string {
  const out: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">`,
    "<channel>",
    `<title>${xmlEscape(`${host} — ${section}`)}</title>`,
    `<link>https://www.${host}.example/${section}</link>`,
    `<atom:link href="https://www.${host}.example${feedPath}" rel="self" type="application/rss+xml"/>`,
    `<description>Latest ${section} news from ${host}</description>`,
    "<language>en-gb</language>",
    `<ttl>${rand() < 0.5 ? 15 : 30}</ttl>`,
  ];
  const useCdata = rand() < 0.4;
  for (const it of items) {
    out.push("<item>");
    out.push(`<title>${xmlEscape(it.title)}</title>`);
    out.push(`<link>${xmlEscape(it.link)}</link>`);
    out.push(
      it.guidIsPermaLink
        ? `<guid>${xmlEscape(it.guid)}</guid>`
        : `<guid isPermaLink="false">${xmlEscape(it.guid)}</guid>`,
    );
    out.push(`<pubDate>${rfc822(it.date, it.zone[0], it.zone[1])}</pubDate>`);
    if (it.author) out.push(`<dc:creator>${xmlEscape(it.author)}</dc:creator>`);
    for (const c of it.categories) out.push(`<category>${xmlEscape(c)}</category>`);
    // Either the whole body in CDATA, or HTML escaped into character data (entities doubled).
    out.push(
      useCdata || rand() < 0.1
        ? `<description><![CDATA[${it.html}]]></description>`
        : `<description>${xmlEscape(it.html)}</description>`,
    );
    out.push("</item>");
  }
  out.push("</channel>", "</rss>");
  return out.join("\n");
}

function atomDocument(host: string, section: string, feedPath: string, items: Item[]): string {
  const updated = new Date(Math.max(...items.map((i) => i.date))).toISOString();
  const out: string[] = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`,
    `<title>${xmlEscape(`${host} — ${section}`)}</title>`,
    `<link href="https://www.${host}.example/${section}"/>`,
    `<link rel="self" href="https://www.${host}.example${feedPath}"/>`,
    `<id>tag:${host}.example,2025:${section}</id>`,
    `<updated>${updated}</updated>`,
  ];
  for (const it of items) {
    const iso = new Date(it.date).toISOString();
    out.push("<entry>");
    out.push(`<title type="html">${xmlEscape(it.title)}</title>`);
    out.push(`<link rel="alternate" href="${xmlEscape(it.link)}"/>`);
    out.push(`<id>tag:${host}.example,2025:${xmlEscape(it.slug)}</id>`);
    out.push(`<published>${iso}</published>`);
    out.push(`<updated>${iso}</updated>`);
    if (it.author) out.push(`<author><name>${xmlEscape(it.author)}</name></author>`);
    for (const c of it.categories) out.push(`<category term="${xmlEscape(c)}"/>`);
    out.push(`<summary type="html">${xmlEscape(it.html)}</summary>`);
    out.push("</entry>");
  }
  out.push("</feed>");
  return out.join("\n");
}

/**
 * `count` feeds of `itemsPerFeed` items each. Feed i is always the same outlet, section and
 * format for a given seed; `edition` > 0 replaces the newest items with new ones (a quarter of
 * the feed per edition) and keeps the rest, as a real feed moves on between two polls.
 */
export function generateFeeds(
  count: number,
  itemsPerFeed: number,
  seed: number,
  options: CorpusOptions = {},
): GeneratedFeed[] {
  const spreadMs = (options.spreadSec ?? 3 * 86_400) * 1000;
  const epoch = options.epochMs ?? CORPUS_EPOCH_MS;
  const edition = options.edition ?? 0;
  const feeds: GeneratedFeed[] = [];
  for (let f = 0; f < count; f++) {
    // One stream per feed, so feed i does not depend on how many feeds come before it.
    const rand = mulberry32((seed * 0x9e3779b1) ^ (f * 0x85ebca6b) ^ 0x5bd1e995);
    const host = OUTLETS[f % OUTLETS.length] as string;
    const section = SECTIONS[Math.floor(rand() * SECTIONS.length)] as string;
    const format = rand() < 0.1 ? "atom" : "rss";
    const feedPath = `/feeds/${section}/${f.toString().padStart(5, "0")}.${format === "atom" ? "atom" : "xml"}`;
    // Items are numbered newest-first; an edition shifts the window by a quarter of the feed.
    const shift = edition * Math.max(1, Math.floor(itemsPerFeed / 4));
    const newestSerial = f * 1_000_000 + itemsPerFeed + shift;
    const items: Item[] = [];
    for (let i = 0; i < itemsPerFeed; i++) {
      const serial = newestSerial - i;
      // Per-item stream: an item looks the same in every edition that contains it.
      const itemRand = mulberry32((seed * 0x27d4eb2f) ^ (serial * 0x165667b1));
      const item = makeItem(itemRand, host, section, serial);
      // One item every spread/itemsPerFeed, newest at the epoch for edition 0 (a later edition's
      // new items are dated after it), with up to half an interval of jitter.
      const interval = spreadMs / Math.max(1, itemsPerFeed);
      const local = serial - f * 1_000_000;
      item.date = Math.floor(
        epoch + (local - itemsPerFeed) * interval - itemRand() * interval * 0.5,
      );
      items.push(item);
    }
    const xml =
      format === "atom"
        ? atomDocument(host, section, feedPath, items)
        : rssDocument(rand, host, section, feedPath, items);
    feeds.push({ url: `https://www.${host}.example${feedPath}`, xml, format });
  }
  return feeds;
}
