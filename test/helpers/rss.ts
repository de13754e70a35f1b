/**
 * The RSS documents end-to-end tests serve from their local feed server: one channel, items with
 * a title, a link and guid made from the item's id, a publication date and a description.
 */
export interface RssItem {
  id: string;
  title: string;
  text: string;
}

export interface RssOptions {
  /** The channel's title: the outlet the stories appear under. */
  title: string;
  /** Prefix of each item's guid (`urn:<guid>:<id>`), so tests' stories never collide. */
  guid: string;
  /** Site the item links point into (default https://news.example.org). */
  site?: string;
  /** Each item's publication date (default: 2026-11-28 08:00 UTC plus one minute per item). */
  date?: (index: number) => Date;
}

const defaultDate = (i: number) => new Date(Date.UTC(2026, 10, 28, 8, i));

export function rssFeed<T extends RssItem>(items: readonly T[], options: RssOptions): string {
  const site = options.site ?? "https://news.example.org";
  const date = options.date ?? defaultDate;
  const body = items
    .map(
      (it, i) => `<item><title>${it.title}</title><link>${site}/${it.id}</link>
<guid>urn:${options.guid}:${it.id}</guid><pubDate>${date(i).toUTCString()}</pubDate>
<description>${it.text}</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${options.title}</title><link>${site}/</link>${body}</channel></rss>`;
}

/** A climate story the classifier tags with certainty, numbered so each round is a new story. */
export const climateRound = (id: string, n: number): RssItem => ({
  id,
  title: `Climate talks round ${n}: negotiators weigh emissions cuts`,
  text: `Negotiators at the COP31 climate summit discussed emissions targets and climate finance in round ${n}. Delegates said the 1.5-degree goal of the Paris Agreement was at stake.`,
});
